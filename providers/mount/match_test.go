package mount

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatchSources(t *testing.T) {
	for _, tc := range []struct {
		device, fstype, options string
		src, gotType            string
		want                    bool
	}{
		{"server:/export", "nfs", "", "server:/export/", "nfs4", true},
		{"server:/export/", "nfs4", "", "server:/export", "nfs4", true},
		{"server:/export", "nfs", "", "server:/other", "nfs", false},
		{"//srv/share", "cifs", "", "//srv/share", "cifs", true},
		{"//srv/share", "cifs", "", "//srv/share", "smb3", false},
		{"webtmp", "tmpfs", "", "webtmp", "tmpfs", true},
		{"webtmp", "tmpfs", "", "tmpfs", "tmpfs", false},
		{"gv0", "glusterfs", "", "gv0", "fuse.glusterfs", true},
	} {
		d, err := ParseDevice(tc.device, tc.fstype, tc.options)
		assert.NoError(t, err)
		f := FS{Device: d, Dir: "/mnt/x", FSType: tc.fstype, Options: tc.options}
		tab := Table{{ID: 40, Parent: 1, Mountpoint: "/mnt/x", Source: tc.src, FSType: tc.gotType}}
		found := f.Find(context.Background(), tab, false)
		if tc.want {
			assert.NotNil(t, found.Mine, "%s vs %s (%s)", tc.device, tc.src, tc.gotType)
		} else {
			assert.NotNil(t, found.Other, "%s vs %s (%s)", tc.device, tc.src, tc.gotType)
		}
		assert.Empty(t, f.Find(context.Background(), Table{}, false))
	}
}

func TestUnverifiedTagCountsAsMine(t *testing.T) {
	// A PARTUUID has no superblock field and no udev link here: monitor
	// cannot tell without blkid, and must not call it "not running".
	d, err := ParseDevice("PARTUUID=ocfkit-test-0001", "ext4", "")
	assert.NoError(t, err)
	f := FS{Device: d, Dir: "/mnt/x", FSType: "ext4"}
	tab := Table{{ID: 40, Mountpoint: "/mnt/x", Source: "/dev/ocfkit-none", FSType: "ext4", Major: 4095, Minor: 4095}}
	found := f.Find(context.Background(), tab, false)
	assert.NotNil(t, found.Mine)
	assert.True(t, found.Unverified)
}

func TestMountArgs(t *testing.T) {
	d, _ := ParseDevice("/srv/src", "none", "bind,ro")
	assert.Equal(t, []string{"-o", "bind,ro", "--", "/srv/src", "/mnt/x"}, FS{Device: d, Dir: "/mnt/x", FSType: "none", Options: "bind,ro"}.MountArgs())
	d, _ = ParseDevice("-L web", "ext4", "")
	assert.Equal(t, []string{"-t", "ext4", "--", "LABEL=web", "/mnt/web site"}, FS{Device: d, Dir: "/mnt/web site", FSType: "ext4"}.MountArgs())
}
