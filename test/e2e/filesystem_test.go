package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/cluster"
)

// sleeper starts `sleep` with its working directory in dir: a process
// holding a mount that exits on SIGTERM. It is killed at cleanup.
func sleeper(t *testing.T, dir string) (alive func(grace time.Duration) bool) {
	t.Helper()
	cmd := exec.Command("sleep", "600")
	cmd.Dir = dir
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	return func(grace time.Duration) bool {
		select {
		case <-done:
			return false
		case <-time.After(grace):
			return true
		}
	}
}

// TestFilesystemUnderPacemaker: Pacemaker mounts an ext4 loop device
// through ocf:ocfkit:Filesystem, notices an unmount behind its back and
// mounts it again, and `pcs resource disable` stops it cleanly although a
// process holds the mount, sparing processes outside it.
func TestFilesystemUnderPacemaker(t *testing.T) {
	c := cluster.Start(t, cluster.Options{Agents: []string{"Filesystem"}})
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "e2efs")
	dir := filepath.Join(mounttest.Dir(t, "e2e"), "www html")
	mounted := func() bool {
		return mounttest.Mounted(t, dir)
	}

	c.Pcs(t, "resource", "create", "fs", "ocf:ocfkit:Filesystem",
		"device="+dev, "directory="+dir, "fstype=ext4",
		"op", "monitor", "interval=2s", "op", "stop", "timeout=30s")
	// Registered last, so it runs before the loop device and the cluster
	// go away: the resource must not be started again while they do.
	t.Cleanup(func() {
		exec.Command("pcs", "resource", "disable", "fs", "--wait=60").Run()
		exec.Command("pcs", "resource", "delete", "fs").Run()
	})
	c.WaitFor(t, 2*time.Minute, "fs Started", func() bool { return c.ResourceRole(t, "fs") == "Started" })
	require.True(t, mounted())
	assert.Equal(t, 0, c.Failcount(t, "fs"))

	// Unmounted behind Pacemaker's back: the monitor reports "not
	// running", Pacemaker counts a failure and mounts it again.
	require.NoError(t, syscall.Unmount(dir, 0))
	c.WaitFor(t, time.Minute, "fs failure counted", func() bool { return c.Failcount(t, "fs") >= 1 })
	c.WaitFor(t, time.Minute, "fs mounted again", func() bool {
		return mounted() && c.ResourceRole(t, "fs") == "Started"
	})

	// A process holds the mount; another lives outside it.
	holder := sleeper(t, dir)
	bystander := sleeper(t, "/")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("seed 002\n"), 0o644))
	c.Pcs(t, "resource", "disable", "fs")
	c.WaitFor(t, time.Minute, "fs Stopped", func() bool { return c.ResourceRole(t, "fs") == "Stopped" })
	assert.False(t, mounted(), "disable unmounted the filesystem")
	assert.False(t, holder(5*time.Second), "the holder was stopped")
	assert.True(t, bystander(300*time.Millisecond), "the process outside the mount lives")

	var stops, failedStops int
	for _, op := range c.Operations(t) {
		if op.Resource == "fs" && op.Action == "stop" {
			stops++
			if op.RC != 0 {
				failedStops++
			}
		}
	}
	assert.Positive(t, stops)
	assert.Zero(t, failedStops, "every stop succeeded")
	assert.Equal(t, 1, c.Failcount(t, "fs"), "only the unmount behind its back counted as a failure")

	// The data written before the stop is there on the next start.
	c.Pcs(t, "resource", "enable", "fs")
	c.WaitFor(t, time.Minute, "fs Started again", func() bool { return c.ResourceRole(t, "fs") == "Started" && mounted() })
	b, err := os.ReadFile(filepath.Join(dir, "index.html"))
	require.NoError(t, err)
	assert.Equal(t, "seed 002\n", string(b))
}
