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

// expectHeartbeat runs the anchor agent with the same parameters, as
// expect runs ocfkit's, and fails unless it exits with code.
func expectHeartbeat(t *testing.T, p kvs, action string, code int) agenttest.Result {
	t.Helper()
	return agenttest.Expect(t, code, heartbeat, action, p, instance)
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

	expectHeartbeat(t, p, "monitor", ocf.NotRunning)
	expect(t, p, "monitor", ocf.NotRunning)

	expectHeartbeat(t, p, "start", ocf.Success)
	expect(t, recurring, "monitor", ocf.Success)
	expectHeartbeat(t, recurring.With("OCF_CHECK_LEVEL", "20"), "monitor", ocf.Success)
	status := filepath.Join(dir, ".Filesystem_status", "fs-test_"+nodeName(t))
	_, err := os.Stat(status)
	require.NoError(t, err, "the anchor's status file")
	expect(t, recurring.With("OCF_CHECK_LEVEL", "20"), "monitor", ocf.Success)
	expect(t, p, "start", ocf.Success)
	expect(t, p, "stop", ocf.Success)
	assert.False(t, mounttest.Mounted(t, dir))
	expectHeartbeat(t, recurring, "monitor", ocf.NotRunning)

	expect(t, p, "start", ocf.Success)
	expectHeartbeat(t, recurring, "monitor", ocf.Success)
	expectHeartbeat(t, p, "start", ocf.Success)
	expectHeartbeat(t, p, "stop", ocf.Success)
	assert.False(t, mounttest.Mounted(t, dir))
	expect(t, recurring, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
}
