package mount

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResolveNeverLooksAtAMountPoint: resolving the directory must not
// ask the mounted filesystem anything (on a dead NFS server every lstat
// of the mount point hangs), while still following symbolic links.
func TestResolveNeverLooksAtAMountPoint(t *testing.T) {
	links := map[string]string{"/srv/link": "/srv/data", "/srv/rel": "data/../data", "/opt/web": "/srv/link/site"}
	dirs := map[string]bool{"/srv": true, "/opt": true}
	mounts := map[string]bool{"/": true, "/srv/data": true, "/srv/data/site": true}
	var looked []string
	sys := lookup{
		lstat: func(p string) (fs.FileInfo, error) {
			looked = append(looked, p)
			switch {
			case links[p] != "":
				return fakeInfo{fs.ModeSymlink}, nil
			case dirs[p]:
				return fakeInfo{fs.ModeDir}, nil
			}
			return nil, fs.ErrNotExist
		},
		readlink: func(p string) (string, error) { return links[p], nil },
	}
	for _, tc := range []struct{ in, want string }{
		{"/srv/data", "/srv/data"},
		{"/srv/data/", "/srv/data"},
		{"/srv/link", "/srv/data"},
		{"/srv/rel/", "/srv/data"},
		{"/opt/web", "/srv/data/site"},
		{"/srv/missing/x", "/srv/missing/x"},
		{"/srv/link/site", "/srv/data/site"},
	} {
		looked = nil
		got, err := resolve(sys, mounts, tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		for _, p := range looked {
			assert.False(t, isUnder(p, "/srv/data"), "%s: looked at %s", tc.in, p)
		}
	}
	loop := lookup{lstat: func(string) (fs.FileInfo, error) { return fakeInfo{fs.ModeSymlink}, nil }, readlink: func(p string) (string, error) { return p, nil }}
	_, err := resolve(loop, nil, "/a")
	assert.ErrorContains(t, err, "too many levels")
}

type fakeInfo struct{ mode fs.FileMode }

func (f fakeInfo) Name() string       { return "x" }
func (f fakeInfo) Size() int64        { return 0 }
func (f fakeInfo) Mode() fs.FileMode  { return f.mode }
func (f fakeInfo) ModTime() time.Time { return time.Time{} }
func (f fakeInfo) IsDir() bool        { return f.mode.IsDir() }
func (f fakeInfo) Sys() any           { return nil }

func TestBindMatchedThroughTheTable(t *testing.T) {
	tab, err := ParseTable(strings.NewReader(`22 1 253:1 / / rw - ext4 /dev/vda1 rw
30 22 0:40 / /srv rw - tmpfs srv rw
31 22 0:40 /src /mnt/web rw - tmpfs srv rw
32 22 253:1 /srv/src /mnt/under rw - ext4 /dev/vda1 rw
`))
	require.NoError(t, err)
	f := FS{Device: Device{Raw: "/srv/src/", Kind: KindDir}, Dir: "/mnt/web", FSType: "none", Options: "bind"}
	assert.NotNil(t, f.Find(context.Background(), tab, false).Mine)
	f.Dir = "/mnt/under"
	assert.NotNil(t, f.Find(context.Background(), tab, false).Other, "the hidden directory under /srv is another one")
}

// TestUnmountRecheckIsBounded: once a holder is pinned, it is re-checked
// in /proc; that read can block on a dead server, and must give up at the
// deadline instead of holding the stop past its timeout. A FIFO stands
// for the blocking read: the scan reads it once (a writer is there), the
// re-check finds no writer and blocks.
func TestUnmountRecheckIsBounded(t *testing.T) {
	needSystem(t)
	dir := mounttest.Dir(t, "m")
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-recheck", dir)
	tab, err := ReadTable()
	require.NoError(t, err)
	e := tab.At(dir)
	require.NotNil(t, e)

	sleeper := exec.Command("sleep", "30")
	require.NoError(t, sleeper.Start())
	t.Cleanup(func() { sleeper.Process.Kill(); sleeper.Wait() })
	proc := t.TempDir()
	pid := filepath.Join(proc, strconv.Itoa(sleeper.Process.Pid))
	require.NoError(t, os.MkdirAll(filepath.Join(pid, "fd"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(pid, "fdinfo"), 0o755))
	require.NoError(t, os.Symlink(filepath.Join(dir, "file"), filepath.Join(pid, "fd", "3")))
	fifo := filepath.Join(pid, "fdinfo", "3")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	go func() {
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.WriteString("pos:\t0\nflags:\t0100000\nmnt_id:\t" + strconv.Itoa(e.ID) + "\n")
			f.Close()
		}
	}()
	t.Cleanup(func() {
		// Let a reader still blocked in open go.
		for i := 0; i < 10; i++ {
			if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
			time.Sleep(10 * time.Millisecond)
		}
	})

	fakeUmount(t, "32")
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		done <- Unmount(ctx, e, UnmountOptions{Scanner: Scanner{Proc: proc}})
	}()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrBusy)
	case <-time.After(10 * time.Second):
		t.Fatal("Unmount blocked past its deadline re-checking a holder")
	}
	assert.Nil(t, sleeper.ProcessState, "the process whose re-check did not answer was not signalled")
	assert.NoError(t, sleeper.Process.Signal(syscall.Signal(0)))
}
