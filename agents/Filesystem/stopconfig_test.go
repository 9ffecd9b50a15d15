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
	p := params{"device": dev, "directory": dir, "fstype": "ext4"}
	for _, bad := range []params{
		p.With("run_fsck", "maybe"),
		p.With("device", ""),
		p.With("device", "UUID="),
		p.With("force_unmount", "sometimes"),
	} {
		expect(t, p, "start", ocf.Success)
		expect(t, bad, "stop", ocf.Success)
		assert.False(t, mounttest.Mounted(t, dir), "%v", bad)
	}
	r := expect(t, p.With("directory", ""), "stop", ocf.ErrConfigured)
	assert.Contains(t, r.Reason(), "directory")
}
