package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Between start and stop a monitor knows the devices from start's record
// and forks no drbdadm sh-dev; probes and other actions still ask drbdadm.
func TestMonitorUsesRecordedDevices(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, down)
	const mon = "OCF_RESKEY_CRM_meta_interval=20000"
	record := filepath.Join(agenttest.StateDir(t), "drbd-r0.devices")
	log := filepath.Join(dir, "calls.log")

	expectAgent(t, 0, agent, "start", dir)
	b, err := os.ReadFile(record)
	require.NoError(t, err, "start records the devices")
	assert.Contains(t, string(b), "/dev/drbd")

	require.NoError(t, os.Truncate(log, 0))
	expectAgent(t, 0, agent, "monitor", dir, mon)
	cs := calls(t, dir)
	assert.False(t, called(cs, "sh-dev"), "monitor read the record: %v", cs)
	assert.True(t, called(cs, "events2"), "and still asked DRBD for its state")

	require.NoError(t, os.Truncate(log, 0))
	expectAgent(t, 0, agent, "monitor", dir, "OCF_RESKEY_CRM_meta_interval=0")
	assert.True(t, called(calls(t, dir), "sh-dev"), "a probe asks drbdadm")

	expectAgent(t, 0, agent, "stop", dir)
	assert.NoFileExists(t, record, "stop forgets the devices")
	require.NoError(t, os.Truncate(log, 0))
	expectAgent(t, 7, agent, "monitor", dir, mon)
	assert.True(t, called(calls(t, dir), "sh-dev"), "without a record, drbdadm is asked")
}
