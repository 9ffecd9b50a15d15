package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// The anchor's validate is validate-all, its reload a no-op that succeeds;
// migrate_to and migrate_from run, so meta-data declares them.
func TestAnchorActions(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	a.must(ocf.Success, "validate")
	for _, bad := range [][]string{{"secondary_private_ip", "not-an-ip"}, {"auth", "nonsense"}} {
		v := a.do("validate", bad...)
		va := a.do("validate-all", bad...)
		assert.Equal(t, va.Code, v.Code, "%v: validate and validate-all agree", bad)
		assert.Equal(t, va.Reason(), v.Reason(), "%v", bad)
		assert.NotEqual(t, ocf.Success, v.Code, "%v", bad)
	}
	a.must(ocf.Success, "reload")
	assert.Contains(t, a.log(), "Reloading")
	r := a.do("meta-data")
	assert.Contains(t, r.Stdout, `<action name="migrate_to"`)
	assert.Contains(t, r.Stdout, `<action name="migrate_from"`)
	assert.NotContains(t, r.Stdout, `<action name="reload"`, "a declared reload would replace restarts")
	a.must(ocf.ErrUnimplemented, "validatex")
}

func TestAnchorActionsArgs(t *testing.T) {
	assert.Equal(t, []string{"x", "validate-all"}, anchorActions([]string{"x", "validate"}))
	assert.Equal(t, []string{"x", "--ip=1", "validate-all"}, anchorActions([]string{"x", "--ip=1", "validate"}))
	assert.Equal(t, []string{"x", "start", "validate"}, anchorActions([]string{"x", "start", "validate"}))
}
