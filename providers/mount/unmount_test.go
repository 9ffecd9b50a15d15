package mount

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeUmount puts an umount(8) that records its arguments and exits with
// code first in PATH.
func fakeUmount(t *testing.T, code string) string {
	t.Helper()
	dir := t.TempDir()
	record := filepath.Join(dir, "args")
	script := "#!/bin/sh\necho \"$@\" >> " + record + "\nexit " + code + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "umount"), []byte(script), 0o755))
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	return record
}

func TestUnmountNetworkUsesForce(t *testing.T) {
	record := fakeUmount(t, "0")
	e := &Entry{ID: 1 << 30, Mountpoint: "/mnt/ocfkit nfs"}
	require.NoError(t, Unmount(context.Background(), e, UnmountOptions{ForceFlag: true}))
	require.NoError(t, Unmount(context.Background(), e, UnmountOptions{}))
	b, err := os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, []string{"-f -c -- /mnt/ocfkit nfs", "-c -- /mnt/ocfkit nfs"}, strings.Split(strings.TrimSpace(string(b)), "\n"))
}

func TestUnmountGoneMeanwhileIsSuccess(t *testing.T) {
	// umount fails, but the mount is no longer in the table: someone else
	// unmounted it, which is what stop wanted.
	fakeUmount(t, "32")
	e := &Entry{ID: 1 << 30, Mountpoint: "/mnt/ocfkit-gone"}
	require.NoError(t, Unmount(context.Background(), e, UnmountOptions{Budget: time.Second}))
}

// TestProtectedHolders is issue 13 item 2: a holder is a cluster daemon
// only by its executable's real path and its uid, never by its name.
func TestProtectedHolders(t *testing.T) {
	proc := t.TempDir()
	ha := clusterUID()
	for _, tc := range []struct {
		exe, uids string
		want      bool
	}{
		{"/usr/sbin/pacemakerd", "0\t0\t0\t0", true},
		{"/usr/lib/pacemaker/pacemaker-controld", fmt.Sprintf("%[1]d\t%[1]d\t%[1]d\t%[1]d", ha), ha >= 0},
		{"/usr/libexec/pacemaker/pacemaker-execd", "0\t0\t0\t0", true},
		{"/usr/sbin/corosync (deleted)", "0\t0\t0\t0", true},
		{"/usr/lib/systemd/systemd", "0\t0\t0\t0", true},
		{"/usr/sbin/pacemakerd", "65534\t65534\t65534\t65534", false}, // the real binary, run by a user
		{"/usr/sbin/pacemakerd", "65534\t0\t0\t0", false},
		{"/usr/sbin/pacemakerd", "0\t65534\t0\t0", false},
		{"/tmp/pacemakerd", "0\t0\t0\t0", false},
		{"/usr/sbin/pacemaker-x", "0\t0\t0\t0", false},
		{"/usr/sbin/../../tmp/x/pacemakerd", "0\t0\t0\t0", false},
		{"/home/u/usr/sbin/corosync", "0\t0\t0\t0", false},
		{"/usr/sbin/sleep", "0\t0\t0\t0", false},
		{"/usr/sbin/pacemakerd", "garbage", false},
	} {
		pid := filepath.Join(proc, "100")
		require.NoError(t, os.RemoveAll(pid))
		require.NoError(t, os.Mkdir(pid, 0o755))
		require.NoError(t, os.Symlink(tc.exe, filepath.Join(pid, "exe")))
		require.NoError(t, os.WriteFile(filepath.Join(pid, "comm"), []byte("pacemakerd\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(pid, "status"), []byte("Name:\tpacemakerd\nUid:\t"+tc.uids+"\nGid:\t0\t0\t0\t0\n"), 0o644))
		assert.Equal(t, tc.want, Scanner{Proc: proc}.isDaemon(100), "%s uid %s", tc.exe, tc.uids)
	}
	assert.False(t, Scanner{Proc: proc}.isDaemon(101), "no such process")
}
