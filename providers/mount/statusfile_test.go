package mount

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestParseStatusFile(t *testing.T) {
	for _, tc := range []struct {
		prefix    string
		sub, name string
	}{
		{".Filesystem_status/", ".Filesystem_status", "fs_node"},
		{"st-", "", "st-fs_node"},
		{"dir/", "dir", "fs_node"},
		{".x.", "", ".x.fs_node"},
	} {
		sf, err := ParseStatusFile(tc.prefix, "fs_node")
		require.NoError(t, err, tc.prefix)
		assert.Equal(t, StatusFile{tc.sub, tc.name}, sf, tc.prefix)
	}
	for _, prefix := range []string{"../outside-", "a/../../x", "/abs-", "/", "a/b/", "x/y-", "../", "./", "..x", "a\x00/"} {
		_, err := ParseStatusFile(prefix, "fs_node")
		assert.Error(t, err, "%q", prefix)
	}
	for _, name := range []string{"", "a/b", ".."} {
		_, err := ParseStatusFile("", name)
		assert.Error(t, err, "%q", name)
	}
	_, err := ParseStatusFile("", strings.Repeat("x", 256))
	assert.Error(t, err)
}

// FuzzParseStatusFile: whatever the prefix and name, an accepted status
// file is one file in the mount point or in one directory right under it.
func FuzzParseStatusFile(f *testing.F) {
	f.Add(".Filesystem_status/", "fs_node")
	f.Add("../outside-", "fs_node")
	f.Add("a/", "..")
	f.Add("", "x/y")
	f.Fuzz(func(t *testing.T, prefix, name string) {
		sf, err := ParseStatusFile(prefix, name)
		if err != nil {
			return
		}
		p := sf.Path("/m")
		if filepath.Clean(p) != p || !strings.HasPrefix(p, "/m/") || strings.Count(p, "/") > 3 {
			t.Fatalf("%q + %q gives %q", prefix, name, p)
		}
		for _, c := range []string{sf.Sub, sf.Name} {
			if strings.ContainsAny(c, "/\x00") || c == "." || c == ".." {
				t.Fatalf("%q + %q gives component %q", prefix, name, c)
			}
		}
		if sf.Name == "" || len(sf.Name) > 255 || len(tempName(sf.Name)) > 255 {
			t.Fatalf("%q + %q gives name %q", prefix, name, sf.Name)
		}
	})
}

// TestOpenBeneath: no symbolic link is followed and nothing above the
// directory is reached, with openat2 and without.
func TestOpenBeneath(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755))
	require.NoError(t, os.Symlink("/etc", filepath.Join(dir, "etc")))
	require.NoError(t, os.Symlink("b", filepath.Join(dir, "a", "lb")))
	root, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	require.NoError(t, err)
	defer unix.Close(root)
	for _, fallback := range []bool{false, true} {
		noOpenat2 = fallback
		for _, rel := range []string{"a", "a/b"} {
			fd, err := openBeneath(root, rel, unix.O_RDONLY|unix.O_DIRECTORY)
			if assert.NoError(t, err, "%s (fallback %v)", rel, fallback) {
				unix.Close(fd)
			}
		}
		for _, rel := range []string{"etc", "etc/passwd", "a/lb", "..", "a/../..", "/etc"} {
			fd, err := openBeneath(root, rel, unix.O_RDONLY)
			if !assert.Error(t, err, "%s (fallback %v)", rel, fallback) {
				unix.Close(fd)
			}
		}
	}
	noOpenat2 = false
}

// TestStatusFileCheckInPlace runs the check on a plain directory (the
// mount ID is whatever it lies on): the file lands where the anchor puts
// it, with the anchor's content, and no temporary file is left.
func TestStatusFileCheckInPlace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the status directory must be root's")
	}
	dir := t.TempDir()
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	require.NoError(t, err)
	id, ok := fdMountID(fd)
	unix.Close(fd)
	require.True(t, ok)
	sf, err := ParseStatusFile(".Filesystem_status/", "fs_node")
	require.NoError(t, err)
	for range 2 {
		require.NoError(t, sf.Check(dir, &Entry{ID: id}, "fs", t.Errorf))
	}
	b, err := os.ReadFile(filepath.Join(dir, ".Filesystem_status", "fs_node"))
	require.NoError(t, err)
	assert.Len(t, b, 4096)
	assert.True(t, strings.HasPrefix(string(b), "fs\n\x00"))
	entries, err := os.ReadDir(filepath.Join(dir, ".Filesystem_status"))
	require.NoError(t, err)
	assert.Len(t, entries, 1)
	assert.Error(t, sf.Check(dir, &Entry{ID: id + 1}, "fs", t.Errorf), "another mount's ID")
}

// TestStatusDirRootSquashed: where root's new directory is not root's
// (NFS root_squash, played here by this thread's fsuid), the check fails
// with that reason and leaves nothing, instead of moving a directory
// aside on every monitor.
func TestStatusDirRootSquashed(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to change its fsuid")
	}
	dir := t.TempDir()
	require.NoError(t, os.Chmod(dir, 0o777))
	root, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	require.NoError(t, err)
	defer unix.Close(root)
	id, ok := fdMountID(root)
	require.True(t, ok)

	// The fsuid is the calling thread's: statusDir runs on this one only.
	runtime.LockOSThread()
	unix.Setfsuid(65534)
	_, err = statusDir(root, dir, ".Filesystem_status", id, t.Errorf)
	unix.Setfsuid(0)
	runtime.UnlockOSThread()

	require.Error(t, err)
	assert.Contains(t, err.Error(), "root_squash")
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}
