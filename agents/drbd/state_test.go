package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

	require.Equal(t, 0, runAgent(t, agent, "start", dir).Code)
	b, err := os.ReadFile(record)
	require.NoError(t, err, "start records the devices")
	assert.Contains(t, string(b), "/dev/drbd")

	require.NoError(t, os.Truncate(log, 0))
	require.Equal(t, 0, runAgent(t, agent, "monitor", dir, mon).Code)
	cs := calls(t, dir)
	assert.False(t, called(cs, "sh-dev"), "monitor read the record: %v", cs)
	assert.True(t, called(cs, "events2"), "and still asked DRBD for its state")

	require.NoError(t, os.Truncate(log, 0))
	require.Equal(t, 0, runAgent(t, agent, "monitor", dir, "OCF_RESKEY_CRM_meta_interval=0").Code)
	assert.True(t, called(calls(t, dir), "sh-dev"), "a probe asks drbdadm")

	require.Equal(t, 0, runAgent(t, agent, "stop", dir).Code)
	assert.NoFileExists(t, record, "stop forgets the devices")
	require.NoError(t, os.Truncate(log, 0))
	assert.Equal(t, 7, runAgent(t, agent, "monitor", dir, mon).Code)
	assert.True(t, called(calls(t, dir), "sh-dev"), "without a record, drbdadm is asked")
}
