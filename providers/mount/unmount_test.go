package mount

import (
	"context"
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

func TestProtectedNames(t *testing.T) {
	for _, n := range []string{"pacemakerd", "pacemaker-contr", "pacemaker-execd", "corosync", "sbd"} {
		assert.True(t, isProtectedName(n), n)
	}
	for _, n := range []string{"sleep", "apache2", "", "pace"} {
		assert.False(t, isProtectedName(n), n)
	}
}
