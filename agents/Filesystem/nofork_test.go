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

// forks runs the agent under ptrace and counts the processes it creates.
func forks(t *testing.T, p kvs, action string) (n, code int) {
	t.Helper()
	return agenttest.CountForks(t, agenttest.Command(t, testenv.BuildAgent(t, "Filesystem"), action, p, instance))
}

func TestMonitorDepth0ForksNothing(t *testing.T) {
	n, code := forks(t, kvs{"device": "proc", "directory": "/proc/", "fstype": "proc"}, "monitor")
	assert.Equal(t, ocf.Success, code)
	assert.Zero(t, n, "monitor of /proc")

	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	uuid := mounttest.Mkfs(t, "ext4", dev, "nofork")
	dir := filepath.Join(mounttest.Dir(t, "m"), "web site")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	// The counter itself must see forks, or the zeros below prove nothing.
	tmp := mounttest.Dir(t, "tmp")
	n, code = forks(t, kvs{"device": "ocfkit-nofork", "directory": tmp, "fstype": "tmpfs"}, "start")
	require.Equal(t, ocf.Success, code)
	require.Greater(t, n, 0, "start forks mount(8)")

	for _, device := range []string{dev, "UUID=" + uuid, "-L nofork"} {
		p := kvs{"device": device, "directory": dir + "/", "fstype": "ext4", "OCF_RESKEY_CRM_meta_interval": "20000"}
		n, code = forks(t, p, "monitor")
		assert.Equal(t, ocf.NotRunning, code)
		assert.Zero(t, n, "monitor of %s, not mounted", device)
		expect(t, p, "start", ocf.Success)
		n, code = forks(t, p, "monitor")
		assert.Equal(t, ocf.Success, code)
		assert.Zero(t, n, "monitor of %s, mounted", device)
		expect(t, p, "stop", ocf.Success)
	}
}
