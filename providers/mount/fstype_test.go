package mount

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFsckPolicy(t *testing.T) {
	for _, tc := range []struct {
		policy, fstype string
		want           bool
	}{
		{"auto", "ext2", true},
		{"", "ext2", true},
		{"auto", "ext4", false},
		{"auto", "xfs", false},
		{"auto", "nfs", false},
		{"auto", "tmpfs", false},
		{"auto", "none", false},
		{"auto", "btrfs", true},
		{"force", "ext4", true},
		{"no", "ext2", false},
	} {
		p, err := ParseFsckPolicy(tc.policy)
		require.NoError(t, err)
		assert.Equal(t, tc.want, p.NeedsFsck(tc.fstype), "%s %s", tc.policy, tc.fstype)
	}
	_, err := ParseFsckPolicy("maybe")
	assert.ErrorContains(t, err, "maybe")
}

func TestCloneSafe(t *testing.T) {
	assert.Equal(t, CloneShared, CloneSafe("nfs", false, false))
	assert.Equal(t, CloneShared, CloneSafe("gfs2", false, false))
	assert.Equal(t, CloneUnsafe, CloneSafe("ext4", false, false))
	assert.Equal(t, CloneAllowedRisk, CloneSafe("ext4", false, true))
	assert.Equal(t, CloneAllowedRisk, CloneSafe("xfs", true, false))
	assert.Equal(t, CloneUnsafe, CloneSafe("btrfs", false, false))
}

func TestParseForce(t *testing.T) {
	for in, want := range map[string]Force{"": ForceTrue, "true": ForceTrue, "yes": ForceTrue, "1": ForceTrue,
		"safe": ForceSafe, "false": ForceFalse, "no": ForceFalse} {
		got, err := ParseForce(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	// Words the anchor does not know are ignored with a warning; with
	// nothing else said, nothing is signalled.
	for _, in := range []string{"sometimes", "0", "Yes"} {
		got, err := ParseForce(in)
		assert.Error(t, err, in)
		assert.Equal(t, ForceFalse, got, in)
	}
}

func TestKnown(t *testing.T) {
	assert.True(t, Known(""))
	assert.True(t, Known("none"))
	assert.True(t, Known("tmpfs"), "tmpfs is in every kernel")
	assert.False(t, Known("ocfkitnosuchfs"))
	assert.True(t, IsNetwork("nfs4"))
	assert.False(t, IsNetwork("ext4"))
	assert.True(t, NoBlockDevice("tmpfs"))
}

// aznfs (Azure's NFS helper) is in every list nfs is in, as upstream.
func TestAznfsIsNFS(t *testing.T) {
	assert.True(t, IsNetwork("aznfs"))
	assert.True(t, NoBlockDevice("aznfs"))
	assert.False(t, FsckAuto.NeedsFsck("aznfs"))
	assert.Equal(t, CloneShared, CloneSafe("aznfs", false, false))
	assert.Equal(t, "nfs4", kernelName("aznfs"))
}

func TestNeedsRemoteFS(t *testing.T) {
	for _, fs := range []string{"nfs", "nfs4", "aznfs", "efs", "cifs", "smbfs", "glusterfs", "ceph", "gfs2", "ocfs2", "cvfs", "lustre"} {
		assert.True(t, NeedsRemoteFS(fs, false), fs)
	}
	for _, fs := range []string{"ext4", "xfs", "tmpfs", "none", "overlay", "btrfs", "vfat"} {
		assert.False(t, NeedsRemoteFS(fs, false), fs)
	}
	assert.True(t, NeedsRemoteFS("xfs", true), "a forced clone of a local type")
	assert.False(t, NeedsRemoteFS("tmpfs", true))
}
