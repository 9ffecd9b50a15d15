package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	r := runAgent(t, agent, "stop", dir, typo)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.NotContains(t, r.Stderr, "goroutine")

	require.Equal(t, 0, runAgent(t, agent, "start", dir).Code)
	require.Equal(t, 0, runAgent(t, agent, "promote", dir).Code)
	require.Equal(t, 8, runAgent(t, agent, "monitor", dir, typo, mon).Code)
	r = runAgent(t, agent, "demote", dir, typo)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.NotEqual(t, "Primary", world(t, dir).Resources["r0"].Role, "demoted")
	r = runAgent(t, agent, "stop", dir, typo)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.False(t, world(t, dir).Resources["r0"].Up, "stopped")
}

// adjust_master_score with three numbers: the anchor logs and uses its
// default scores; ocfkit's probe said 7, its monitor and start 6.
func TestAdjustMasterScoreFallsBack(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	agent := testenv.BuildAgent(t, "drbd")
	const bad = "OCF_RESKEY_adjust_master_score=0 10 1000"
	dir := fakeDir(t, down)
	r := runAgent(t, agent, "start", dir, bad)
	require.Equal(t, 0, r.Code, r.Stderr)
	assert.Equal(t, "10000", score(t, dir), "the default scores")
	assert.Equal(t, 0, runAgent(t, agent, "monitor", dir, bad).Code, "probe")
	assert.Equal(t, 0, runAgent(t, agent, "monitor", dir, bad, "OCF_RESKEY_CRM_meta_interval=20000").Code)
	assert.Equal(t, 0, runAgent(t, agent, "validate-all", dir, bad).Code)
	require.Equal(t, 0, runAgent(t, agent, "stop", dir, bad).Code)
}

// A probe of a running resource whose configuration does not load looks
// at DRBD with what it can read.
func TestProbeDespiteConfigProblems(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, down)
	require.Equal(t, 0, runAgent(t, agent, "start", dir).Code)
	for _, bad := range []string{
		"OCF_RESKEY_require_drbd_module_version_ge=99.0.0",
		"OCF_RESKEY_CRM_meta_clone_node_max=2",
		"OCF_RESKEY_CRM_meta_notify=",
		"OCF_RESKEY_wfc_timeout=$(touch /tmp/ocfkit-drbd-marker)",
	} {
		assert.Equal(t, 0, runAgent(t, agent, "monitor", dir, bad).Code, "probe with %s", bad)
		assert.Equal(t, 0, runAgent(t, agent, "monitor", dir, bad, "OCF_RESKEY_CRM_meta_interval=20000").Code, "monitor with %s", bad)
	}
	require.Equal(t, 0, runAgent(t, agent, "stop", dir).Code)
}
