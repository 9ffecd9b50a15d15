package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const heartbeat = "/usr/lib/ocf/resource.d/heartbeat/Filesystem"

// runHeartbeat runs the anchor agent with the same parameters.
func runHeartbeat(t *testing.T, p kvs, action string) int {
	t.Helper()
	return agenttest.Run(t, heartbeat, action, p, instance).Code
}

// TestDropInForHeartbeat switches provider in the middle of a resource's
// life, as a user does: each agent monitors and stops what the other
// started, and they agree on every answer and on the status file.
func TestDropInForHeartbeat(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedFile(t, heartbeat)
	testenv.NeedCmd(t, "modprobe") // the anchor refuses to run without it
	testenv.NeedCmd(t, "fuser")
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "dropin")
	dir := filepath.Join(mounttest.Dir(t, "m"), "web site")
	p := kvs{"device": dev, "directory": dir + "/", "fstype": "ext4"}
	recurring := p.With("OCF_RESKEY_CRM_meta_interval", "10000")

	require.Equal(t, ocf.NotRunning, runHeartbeat(t, p, "monitor"))
	expect(t, p, "monitor", ocf.NotRunning)

	require.Equal(t, ocf.Success, runHeartbeat(t, p, "start"))
	expect(t, recurring, "monitor", ocf.Success)
	require.Equal(t, ocf.Success, runHeartbeat(t, recurring.With("OCF_CHECK_LEVEL", "20"), "monitor"))
	status := filepath.Join(dir, ".Filesystem_status", "fs-test_"+nodeName(t))
	_, err := os.Stat(status)
	require.NoError(t, err, "the anchor's status file")
	expect(t, recurring.With("OCF_CHECK_LEVEL", "20"), "monitor", ocf.Success)
	expect(t, p, "start", ocf.Success)
	expect(t, p, "stop", ocf.Success)
	assert.False(t, mounttest.Mounted(t, dir))
	require.Equal(t, ocf.NotRunning, runHeartbeat(t, recurring, "monitor"))

	expect(t, p, "start", ocf.Success)
	require.Equal(t, ocf.Success, runHeartbeat(t, recurring, "monitor"))
	require.Equal(t, ocf.Success, runHeartbeat(t, p, "start"))
	require.Equal(t, ocf.Success, runHeartbeat(t, p, "stop"))
	assert.False(t, mounttest.Mounted(t, dir))
	expect(t, recurring, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
}
