package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const nobody = 65534

// depth20 is p's recurring monitor at depth 20.
func depth20(p kvs) kvs {
	return p.With("OCF_CHECK_LEVEL", "20", "OCF_RESKEY_CRM_meta_interval", "10000")
}

// openToNobody lets user nobody reach path: the test's own temp
// directories on the way (made 0700 by t.TempDir) become 0755, and path
// itself is given to nobody.
func openToNobody(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, os.Chown(path, nobody, nobody))
	tmp := filepath.Clean(os.TempDir())
	for d := filepath.Dir(path); strings.HasPrefix(d, tmp+"/"); d = filepath.Dir(d) {
		require.NoError(t, os.Chmod(d, 0o755))
	}
}

// asNobody runs a shell script as user nobody in dir.
func asNobody(t *testing.T, dir, script string) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "as nobody: %s\n%s", script, out)
}

// victim is a root-only file outside any mount the test makes.
func victim(t *testing.T) string {
	t.Helper()
	v := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(v, []byte("root's data\n"), 0o600))
	return v
}

func assertUntouched(t *testing.T, v string) {
	t.Helper()
	b, err := os.ReadFile(v)
	require.NoError(t, err)
	assert.Equal(t, "root's data\n", string(b), "root-only file outside the mount was overwritten")
}

// TestStatusFileSymlinks is issue 13 item 1: a user who can write at the
// top of the mounted filesystem plants symbolic links where the depth-20
// monitor writes; root must never follow them.
func TestStatusFileSymlinks(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "statuslink")
	dir := mounttest.Dir(t, "m")
	logfile := filepath.Join(t.TempDir(), "log")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4", "HA_LOGFILE": logfile}
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })
	openToNobody(t, dir)
	logged := func() string {
		b, _ := os.ReadFile(logfile)
		os.Remove(logfile)
		return string(b)
	}
	name := "fs-test_" + nodeName(t)
	status := filepath.Join(dir, ".Filesystem_status")

	t.Run("the issue's reproduction: a link in the user's status directory", func(t *testing.T) {
		v := victim(t)
		asNobody(t, dir, "mkdir .Filesystem_status && ln -s "+v+" .Filesystem_status/"+name)
		expect(t, depth20(p), "monitor", ocf.Success)
		assertUntouched(t, v)
		assert.Contains(t, logged(), "moved aside")
		checkStatusDir(t, status, name)
	})
	t.Run("the status directory is a link", func(t *testing.T) {
		require.NoError(t, os.RemoveAll(status))
		elsewhere := t.TempDir()
		asNobody(t, dir, "ln -s "+elsewhere+" .Filesystem_status")
		expect(t, depth20(p), "monitor", ocf.Success)
		entries, err := os.ReadDir(elsewhere)
		require.NoError(t, err)
		assert.Empty(t, entries, "nothing written through the link")
		checkStatusDir(t, status, name)
	})
	t.Run("a group-writable root-owned status directory", func(t *testing.T) {
		require.NoError(t, os.RemoveAll(status))
		require.NoError(t, os.Mkdir(status, 0o777))
		require.NoError(t, os.Chmod(status, 0o777))
		v := victim(t)
		asNobody(t, dir, "ln -s "+v+" .Filesystem_status/"+name)
		expect(t, depth20(p), "monitor", ocf.Success)
		assertUntouched(t, v)
		checkStatusDir(t, status, name)
	})
	t.Run("prefix without a directory: a link at the file's name", func(t *testing.T) {
		v := victim(t)
		asNobody(t, dir, "ln -s "+v+" st-"+name)
		expect(t, depth20(p.With("statusfile_prefix", "st-")), "monitor", ocf.Success)
		assertUntouched(t, v)
		st, err := os.Lstat(filepath.Join(dir, "st-"+name))
		require.NoError(t, err)
		assert.True(t, st.Mode().IsRegular(), "the link was replaced by the status file")
	})
	t.Run("the agent's own status directory is kept", func(t *testing.T) {
		before, err := os.Stat(status)
		require.NoError(t, err)
		logged()
		expect(t, depth20(p), "monitor", ocf.Success)
		assert.NotContains(t, logged(), "moved aside")
		after, err := os.Stat(status)
		require.NoError(t, err)
		assert.True(t, os.SameFile(before, after))
	})
}

// checkStatusDir: the status directory is a real directory of root's that
// only root can write, with the status file in it.
func checkStatusDir(t *testing.T, status, name string) {
	t.Helper()
	st, err := os.Lstat(status)
	require.NoError(t, err)
	require.True(t, st.IsDir(), "%s is a directory", status)
	sys := st.Sys().(*syscall.Stat_t)
	assert.Equal(t, uint32(0), sys.Uid)
	assert.Zero(t, st.Mode().Perm()&0o022, "mode %v", st.Mode())
	f, err := os.Lstat(filepath.Join(status, name))
	require.NoError(t, err)
	assert.True(t, f.Mode().IsRegular())
	b, err := os.ReadFile(filepath.Join(status, name))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "fs-test\n"), "status file holds the instance name")
}

// TestStatusFilePrefix is issue 13 item 1: the prefix names a file in the
// mount, never a path out of it.
func TestStatusFilePrefix(t *testing.T) {
	testenv.NeedRoot(t)
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": "ocfkit-prefix", "directory": dir, "fstype": "tmpfs"}
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })
	outside := filepath.Dir(dir)
	for _, prefix := range []string{"../outside-", "a/../../outside-", "/abs-", "a/b/", "x/y-", "../", "./", "..x"} {
		t.Run(prefix, func(t *testing.T) {
			q := p.With("statusfile_prefix", prefix)
			r := expect(t, q, "validate-all", ocf.ErrConfigured)
			assert.Contains(t, r.Reason(), "statusfile_prefix")
			r = expect(t, depth20(q), "monitor", ocf.ErrConfigured)
			assert.Contains(t, r.Reason(), "statusfile_prefix")
			expect(t, q, "monitor", ocf.Success)
			expect(t, q, "start", ocf.ErrConfigured)
			matches, _ := filepath.Glob(filepath.Join(outside, "outside-*"))
			assert.Empty(t, matches, "nothing written outside the mount")
		})
	}
	for _, prefix := range []string{".Filesystem_status/", "st-", "mydir/", ".x."} {
		t.Run(prefix, func(t *testing.T) {
			q := p.With("statusfile_prefix", prefix)
			expect(t, q, "validate-all", ocf.Success)
			expect(t, depth20(q), "monitor", ocf.Success)
			_, err := os.Stat(filepath.Join(dir, prefix+"fs-test_"+nodeName(t)))
			assert.NoError(t, err)
		})
	}
}

// agentCommand is the command run would run, for tests that run several
// at once.
func agentCommand(t *testing.T, bin, action string, p kvs) *exec.Cmd {
	t.Helper()
	return agenttest.Command(t, bin, action, p, instance)
}
