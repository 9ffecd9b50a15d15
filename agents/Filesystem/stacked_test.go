package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStopUnmountsOursUnderAForeignMount: a tmpfs mounted over the
// filesystem makes the recurring monitor fail (another filesystem is on the
// directory, as the newest anchor says), and then the stop must
// still take the filesystem away: left mounted, the shared disk would be
// mounted on the other node as well.
func TestStopUnmountsOursUnderAForeignMount(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "stacked")
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4", "OCF_RESKEY_CRM_meta_timeout": "10000"}
	expect(t, p, "start", ocf.Success)
	below := filepath.Join(dir, "below")
	require.NoError(t, os.Mkdir(below, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-below", below)
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-over", dir)
	above := filepath.Join(dir, "above")
	require.NoError(t, os.Mkdir(above, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-above", above)
	h := mounttest.Hold(t, mounttest.HoldCwd, dir)

	expect(t, p.With("OCF_RESKEY_CRM_meta_interval", "10000"), "monitor", ocf.ErrGeneric)
	expect(t, p, "stop", ocf.Success)
	for _, d := range []string{above, below, dir} {
		assert.False(t, mounttest.Mounted(t, d), "%s is still mounted", d)
	}
	assert.True(t, h.Wait(5e9), "the holder of the mount on top was stopped")
	expect(t, p, "start", ocf.Success)
	expect(t, p, "stop", ocf.Success)
}

// TestStopWhenTheDeviceCannotBeFound: the configured name of the device
// is gone while it is mounted (a /dev/disk link removed, a label that no
// device carries now): which device is mounted cannot be told, and a
// stop takes what is there, with its bind mounts elsewhere.
func TestStopWhenTheDeviceCannotBeFound(t *testing.T) {
	testenv.NeedRoot(t)
	t.Run("link", func(t *testing.T) {
		dev := mounttest.Loop(t, 64)
		mounttest.Mkfs(t, "ext4", dev, "linkgone")
		link := filepath.Join(t.TempDir(), "by-id-disk")
		require.NoError(t, os.Symlink(dev, link))
		dir, bind := mounttest.Dir(t, "m"), mounttest.Dir(t, "bind")
		p := kvs{"device": link, "directory": dir, "fstype": "ext4"}
		expect(t, p, "start", ocf.Success)
		mounttest.Mount(t, "--bind", dir, bind)
		require.NoError(t, os.Remove(link))
		expect(t, p, "stop", ocf.Success)
		assert.False(t, mounttest.Mounted(t, dir))
		assert.False(t, mounttest.Mounted(t, bind), "the bind mount of the same device")
	})
	t.Run("label", func(t *testing.T) {
		e2label := testenv.NeedCmd(t, "e2label")
		dev := mounttest.Loop(t, 64)
		mounttest.Mkfs(t, "ext4", dev, "labelold")
		dir := mounttest.Dir(t, "m")
		p := kvs{"device": "LABEL=labelold", "directory": dir, "fstype": "ext4"}
		expect(t, p, "start", ocf.Success)
		mounttest.Run(t, e2label, dev, "labelnew")
		expect(t, p, "stop", ocf.Success)
		assert.False(t, mounttest.Mounted(t, dir))
	})
	t.Run("another type is left alone", func(t *testing.T) {
		dir := mounttest.Dir(t, "m")
		mounttest.Mount(t, "-t", "tmpfs", "ocfkit-squatter", dir)
		p := kvs{"device": filepath.Join(t.TempDir(), "gone"), "directory": dir, "fstype": "ext4"}
		expect(t, p, "stop", ocf.Success)
		assert.True(t, mounttest.Mounted(t, dir))
	})
}
