package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// A boolean with a typo used to make stop panic on a nil pointer (exit 1)
// and demote return 6, leaving the resource up and Primary. ocf_is_true
// reads "ture" as false in the anchor: a warning and the default here.
func TestTypoInABoolean(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	agent := testenv.BuildAgent(t, "drbd")
	const typo = "OCF_RESKEY_stop_outdates_secondary=ture"
	const mon = "OCF_RESKEY_CRM_meta_interval=20000"

	dir := fakeDir(t, down)
	r := expectAgent(t, 0, agent, "stop", dir, typo)
	assert.NotContains(t, r.Stderr, "goroutine")

	expectAgent(t, 0, agent, "start", dir)
	expectAgent(t, 0, agent, "promote", dir)
	expectAgent(t, 8, agent, "monitor", dir, typo, mon)
	r = expectAgent(t, 0, agent, "demote", dir, typo)
	assert.NotEqual(t, "Primary", world(t, dir).Resources["r0"].Role, "demoted")
	r = expectAgent(t, 0, agent, "stop", dir, typo)
	assert.False(t, world(t, dir).Resources["r0"].Up, "stopped")
}

// adjust_master_score with three numbers: the anchor logs and uses its
// default scores; ocfkit's probe said 7, its monitor and start 6.
func TestAdjustMasterScoreFallsBack(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	agent := testenv.BuildAgent(t, "drbd")
	const bad = "OCF_RESKEY_adjust_master_score=0 10 1000"
	dir := fakeDir(t, down)
	expectAgent(t, 0, agent, "start", dir, bad)
	assert.Equal(t, "10000", score(t, dir), "the default scores")
	expectAgent(t, 0, agent, "monitor", dir, bad) // probe
	expectAgent(t, 0, agent, "monitor", dir, bad, "OCF_RESKEY_CRM_meta_interval=20000")
	expectAgent(t, 0, agent, "validate-all", dir, bad)
	expectAgent(t, 0, agent, "stop", dir, bad)
}

// A probe of a running resource whose configuration does not load looks
// at DRBD with what it can read.
func TestProbeDespiteConfigProblems(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, down)
	expectAgent(t, 0, agent, "start", dir)
	for _, bad := range []string{
		"OCF_RESKEY_require_drbd_module_version_ge=99.0.0",
		"OCF_RESKEY_CRM_meta_clone_node_max=2",
		"OCF_RESKEY_CRM_meta_notify=",
		"OCF_RESKEY_wfc_timeout=$(touch /tmp/ocfkit-drbd-marker)",
	} {
		expectAgent(t, 0, agent, "monitor", dir, bad)
		expectAgent(t, 0, agent, "monitor", dir, bad, "OCF_RESKEY_CRM_meta_interval=20000")
	}
	expectAgent(t, 0, agent, "stop", dir)
}
