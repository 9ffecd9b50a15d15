package main

import (
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
)

// TestStopWithABadConfiguration: the runtime runs stop despite a
// configuration problem; stop unmounts with what it can read, and fails
// only when it cannot tell where to look.
func TestStopWithABadConfiguration(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "badconf")
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4"}
	for _, bad := range []kvs{
		p.With("run_fsck", "maybe"),
		p.With("device", ""),
		p.With("device", "UUID="),
		p.With("force_unmount", "sometimes"),
	} {
		expect(t, p, "start", ocf.Success)
		expect(t, bad, "stop", ocf.Success)
		assert.False(t, mounttest.Mounted(t, dir), "%v", bad)
	}
	// A directory that is unset or relative names no mount point: the
	// mount point is the device's (the anchor looks it up the same way),
	// and stop succeeds.
	for _, bad := range []kvs{p.With("directory", ""), p.With("directory", "relative/dir"), p.With("directory", "/")} {
		expect(t, p, "start", ocf.Success)
		expect(t, bad, "stop", ocf.Success)
		assert.False(t, mounttest.Mounted(t, dir), "%v", bad)
		expect(t, bad, "stop", ocf.Success)
	}
	expect(t, p.With("directory", "", "OCF_RESKEY_CRM_meta_timeout", "junk"), "stop", ocf.Success)
}

// A probe never says "not running" for a mounted filesystem because of a
// parameter that does not name it: run_fsck=yes is a warning and auto, as
// in the anchor (ocfkit's probe used to say 7 and its monitor 6).
func TestProbeDespiteRefusedParameter(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "probe")
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4"}
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })
	for _, bad := range []kvs{
		p.With("run_fsck", "yes"),
		p.With("force_unmount", "sometimes"),
		p.With("fstype", ""),
		p.With("statusfile_prefix", "../../etc/passwd"),
	} {
		expect(t, bad, "monitor", ocf.Success)
		expect(t, bad.With("OCF_RESKEY_CRM_meta_interval", "20000"), "monitor", ocf.Success)
	}
	expect(t, p.With("run_fsck", "yes"), "validate-all", ocf.Success)
}
