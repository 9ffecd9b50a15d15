package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStopLeavesTheStatusFile: stop touches nothing on the mount (on a
// dead server that hangs, and the anchor removes the file only when the
// stop itself runs at depth 20, which Pacemaker never asks for).
func TestStopLeavesTheStatusFile(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "status")
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4"}
	expect(t, p, "start", ocf.Success)
	expect(t, p.With("OCF_CHECK_LEVEL", "20", "OCF_RESKEY_CRM_meta_interval", "10000"), "monitor", ocf.Success)
	expect(t, p, "stop", ocf.Success)
	expect(t, p, "start", ocf.Success)
	_, err := os.Stat(filepath.Join(dir, ".Filesystem_status", "fs-test_"+nodeName(t)))
	assert.NoError(t, err)
	expect(t, p, "stop", ocf.Success)
}

// TestNothingLooksAtTheMount traces the agent's file system calls: the
// monitor at depth 0 and the stop must not name a path on the mount, the
// way a dead NFS server hangs them. Only umount2 of the mount point
// itself is allowed (the kernel does not ask the filesystem for it), and
// the monitor's statx of the mount point itself that asks for nothing the
// filesystem keeps, with AT_STATX_DONT_SYNC (the type, the mount id and
// the mount-root flag are the VFS's; see mount.FS.Lookup).
func TestNothingLooksAtTheMount(t *testing.T) {
	testenv.NeedRoot(t)
	strace := testenv.NeedCmd(t, "strace")
	agent := testenv.BuildAgent(t, "Filesystem")
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "nolook")
	base := mounttest.Dir(t, "m")
	dir := filepath.Join(base, "web site")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.Symlink(base, filepath.Join(t.TempDir(), "link")))

	for _, tc := range []struct {
		name string
		p    kvs
	}{
		{"by path", kvs{"device": dev, "directory": dir + "/", "fstype": "ext4"}},
		{"by label", kvs{"device": "LABEL=nolook", "directory": dir, "fstype": "ext4"}},
		{"bind", kvs{"device": mounttest.Dir(t, "src"), "directory": dir, "fstype": "none", "options": "bind"}},
		{"tmpfs under a tmpfs", kvs{"device": "ocfkit-nolook", "directory": dir, "fstype": "tmpfs", "stack": "yes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p.With("stack", "")
			delete(p, "stack")
			expect(t, p, "start", ocf.Success)
			if tc.p["stack"] != "" {
				mounttest.Mount(t, "-t", "tmpfs", "ocfkit-over", dir)
			}
			code := ocf.Success
			if tc.p["stack"] != "" {
				code = ocf.ErrGeneric // another filesystem on the directory
			}
			for _, action := range []string{"monitor", "stop"} {
				pp := p
				if action == "monitor" {
					pp = p.With("OCF_RESKEY_CRM_meta_interval", "10000")
				}
				trace := filepath.Join(t.TempDir(), "trace")
				cmd := agenttest.Command(t, agent, action, pp, instance)
				cmd.Args = append([]string{strace, "-f", "-qq", "-s", "4096", "-e", "trace=%file", "-o", trace, cmd.Path}, cmd.Args[1:]...)
				cmd.Path = strace
				out, err := cmd.CombinedOutput()
				want := ocf.Success
				if action == "monitor" {
					want = code
				}
				require.Equal(t, want, exitCode(err), "%s: %s", action, out)
				bad, unmounted := touching(t, trace, dir, action == "monitor")
				for _, line := range bad {
					t.Errorf("%s looked at the mount: %s", action, line)
				}
				if action == "stop" {
					assert.True(t, unmounted, "the trace shows umount2 of %s: it follows the children", dir)
				}
			}
			assert.False(t, mounttest.Mounted(t, dir))
		})
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

var firstString = regexp.MustCompile(`^(?:\d+\s+)?(\w+)\((?:[^"]*?)"((?:[^"\\]|\\.)*)"`)

// vfsStatx is a statx that no filesystem is asked about: not synced, and
// only the type and the mount id (0x4000 is STATX_MNT_ID_UNIQUE, which
// this strace may not name).
var vfsStatx = regexp.MustCompile(`^(?:\d+\s+)?statx\(AT_FDCWD, "(?:[^"\\]|\\.)*", ([A-Z_|]*AT_STATX_DONT_SYNC[A-Z_|]*), ((?:STATX_TYPE|STATX_MNT_ID|STATX_MNT_ID_UNIQUE|0x4000)(?:\|(?:STATX_TYPE|STATX_MNT_ID|STATX_MNT_ID_UNIQUE|0x4000))*),`)

// touching returns the traced calls whose path argument lies at or under
// dir, umount2 of dir aside (and with statxOK a statx of dir itself that
// asks its filesystem nothing), and whether that umount2 was seen.
func touching(t *testing.T, trace, dir string, statxOK bool) (bad []string, unmounted bool) {
	t.Helper()
	f, err := os.Open(trace)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		m := firstString.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		call, path := m[1], m[2]
		if call == "umount2" && path == dir {
			unmounted = true
			continue
		}
		if call == "execve" {
			continue
		}
		if call == "statx" && path == dir && statxOK && vfsStatx.MatchString(sc.Text()) {
			continue
		}
		if path == dir || strings.HasPrefix(path, dir+"/") {
			bad = append(bad, sc.Text())
		}
	}
	require.NotZero(t, n, "strace recorded nothing")
	return bad, unmounted
}
