package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lifecycle runs the OCF contract on p: probe, start twice, every monitor
// depth, stop twice, probe again. mounted is the directory as the mount
// table shows it.
func lifecycle(t *testing.T, p kvs, mounted string) {
	t.Helper()
	expect(t, p, "validate-all", ocf.Success)
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
	expect(t, p, "start", ocf.Success)
	require.True(t, mounttest.Mounted(t, mounted), "%s is mounted", mounted)
	expect(t, p, "start", ocf.Success)
	for _, depth := range []string{"0", "10", "20"} {
		expect(t, p.With("OCF_CHECK_LEVEL", depth, "OCF_RESKEY_CRM_meta_interval", "10000"), "monitor", ocf.Success)
	}
	status := filepath.Join(mounted, ".Filesystem_status", "fs-test_"+nodeName(t))
	_, err := os.Stat(status)
	assert.NoError(t, err, "depth 20 leaves its status file where the anchor does")
	expect(t, p, "stop", ocf.Success)
	assert.False(t, mounttest.Mounted(t, mounted))
	_, err = os.Stat(status)
	assert.True(t, os.IsNotExist(err) || !mounttest.Mounted(t, mounted))
	expect(t, p, "stop", ocf.Success)
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p.With("OCF_RESKEY_CRM_meta_interval", "10000"), "monitor", ocf.NotRunning)
}

func nodeName(t *testing.T) string {
	b, err := os.ReadFile("/proc/sys/kernel/hostname")
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

func TestLifecycle(t *testing.T) {
	testenv.NeedRoot(t)
	t.Run("ext4 by path, directory with a space and a trailing slash", func(t *testing.T) {
		dev := mounttest.Loop(t, 64)
		mounttest.Mkfs(t, "ext4", dev, "lcext4")
		base := mounttest.Dir(t, "m")
		dir := filepath.Join(base, "web site")
		lifecycle(t, kvs{"device": dev, "directory": dir + "/", "fstype": "ext4"}, dir)
	})
	t.Run("xfs by UUID, missing directory created", func(t *testing.T) {
		dev := mounttest.Loop(t, 300)
		uuid := mounttest.Mkfs(t, "xfs", dev, "lcxfs")
		dir := filepath.Join(mounttest.Dir(t, "m"), "a", "b")
		lifecycle(t, kvs{"device": "UUID=" + uuid, "directory": dir, "fstype": "xfs"}, dir)
	})
	t.Run("ext4 by -L through a symlinked directory", func(t *testing.T) {
		dev := mounttest.Loop(t, 64)
		mounttest.Mkfs(t, "ext4", dev, "lclabel")
		base := mounttest.Dir(t, "m")
		real := filepath.Join(base, "real")
		require.NoError(t, os.Mkdir(real, 0o755))
		require.NoError(t, os.Symlink(real, filepath.Join(base, "link")))
		lifecycle(t, kvs{"device": "-L lclabel", "directory": filepath.Join(base, "link"), "fstype": "ext4"}, real)
	})
	t.Run("ext2 with fsck", func(t *testing.T) {
		testenv.NeedCmd(t, "fsck")
		dev := mounttest.Loop(t, 32)
		mounttest.Mkfs(t, "ext2", dev, "lcext2")
		dir := mounttest.Dir(t, "m")
		lifecycle(t, kvs{"device": dev, "directory": dir, "fstype": "ext2", "run_fsck": "force"}, dir)
	})
	t.Run("bind mount", func(t *testing.T) {
		src := mounttest.Dir(t, "source dir")
		require.NoError(t, os.WriteFile(filepath.Join(src, "index.html"), []byte("hi"), 0o644))
		dir := mounttest.Dir(t, "m")
		lifecycle(t, kvs{"device": src, "directory": dir, "fstype": "none", "options": "bind"}, dir)
		_, err := os.Stat(filepath.Join(src, "index.html"))
		assert.NoError(t, err, "the source is untouched")
	})
	t.Run("read-only bind mount", func(t *testing.T) {
		src := mounttest.Dir(t, "src")
		dir := mounttest.Dir(t, "m")
		p := kvs{"device": src, "directory": dir, "fstype": "none", "options": "bind,ro"}
		expect(t, p, "start", ocf.Success)
		expect(t, p.With("OCF_CHECK_LEVEL", "20", "OCF_RESKEY_CRM_meta_interval", "10000"), "monitor", ocf.ErrGeneric)
		expect(t, p, "stop", ocf.Success)
	})
	t.Run("tmpfs", func(t *testing.T) {
		dir := mounttest.Dir(t, "m")
		lifecycle(t, kvs{"device": "ocfkit-lc", "directory": dir, "fstype": "tmpfs", "options": "size=8m"}, dir)
	})
}

func TestStopNestedSubmounts(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "nested")
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4"}
	expect(t, p, "start", ocf.Success)
	a := filepath.Join(dir, "a")
	b := filepath.Join(a, "b")
	require.NoError(t, os.MkdirAll(a, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-a", a)
	require.NoError(t, os.MkdirAll(b, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-b", b)
	h := mounttest.Hold(t, mounttest.HoldCwd, b)
	expect(t, p, "monitor", ocf.Success)
	expect(t, p.With("OCF_RESKEY_CRM_meta_timeout", "10000"), "stop", ocf.Success)
	for _, d := range []string{b, a, dir} {
		assert.False(t, mounttest.Mounted(t, d), d)
	}
	assert.True(t, h.Wait(5*time.Second), "the holder below was stopped")
}

func TestStartRefusals(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "refuse")
	dir, other := mounttest.Dir(t, "m"), mounttest.Dir(t, "other")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4"}

	// Something else mounted on the directory.
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-squatter", dir)
	r := expect(t, p, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "ocfkit-squatter")
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
	assert.True(t, mounttest.Mounted(t, dir), "stop leaves a mount that is not ours alone")
	mounttest.UnmountAll(t, dir)

	// The device mounted elsewhere.
	mounttest.Mount(t, dev, other)
	r = expect(t, p, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), other)
	mounttest.UnmountAll(t, other)

	// A mount below the directory that mounting would hide.
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-below", sub)
	r = expect(t, p, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), sub)
	mounttest.UnmountAll(t, sub)

	// Unmounted behind the agent's back: the monitor notices.
	expect(t, p, "start", ocf.Success)
	mounttest.UnmountAll(t, dir)
	expect(t, p.With("OCF_RESKEY_CRM_meta_interval", "10000"), "monitor", ocf.NotRunning)

	// A clone of ext4 is allowed read-only or with force_clones.
	clone := p.With("OCF_RESKEY_CRM_meta_clone_max", "2")
	expect(t, clone, "start", ocf.ErrConfigured)
	expect(t, clone.With("force_clones", "true"), "start", ocf.Success)
	expect(t, clone, "stop", ocf.Success)
	expect(t, clone.With("options", "ro"), "start", ocf.Success)
	expect(t, clone, "stop", ocf.Success)
}
