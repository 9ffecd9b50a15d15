package mount

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) {
	mounttest.HelperMain()
	os.Exit(m.Run())
}

// needSystem gates the tests that mount things: root, and not -short
// (make unit runs the providers' pure tests only).
func needSystem(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("system test: mounts loop devices and tmpfs")
	}
	testenv.NeedRoot(t)
}

func find(t *testing.T, f FS, allowFork bool) Found {
	t.Helper()
	tab, err := ReadTable()
	require.NoError(t, err)
	return f.Find(context.Background(), tab, allowFork)
}

func fsFor(t *testing.T, device, dir, fstype, options string) FS {
	t.Helper()
	d, err := ParseDevice(device, fstype, options)
	require.NoError(t, err)
	c, err := Canonical(dir)
	require.NoError(t, err)
	return FS{Device: d, Dir: c, FSType: fstype, Options: options}
}

func TestSystemBlockDeviceForms(t *testing.T) {
	needSystem(t)
	for _, fstype := range []string{"ext4", "xfs"} {
		t.Run(fstype, func(t *testing.T) {
			dev := mounttest.Loop(t, 300)
			uuid := mounttest.Mkfs(t, fstype, dev, "ocfkit"+fstype[:3])
			base := mounttest.Dir(t, "mnt")
			dir := filepath.Join(base, "web site")
			require.NoError(t, os.Symlink(dir, filepath.Join(base, "link")))
			for _, device := range []string{dev, "UUID=" + uuid, "-U " + uuid, "--label=ocfkit" + fstype[:3], "LABEL=ocfkit" + fstype[:3]} {
				// The directory is created by the agent; here it is
				// configured through a symlink and with a trailing slash.
				require.NoError(t, os.MkdirAll(dir, 0o755))
				f := fsFor(t, device, filepath.Join(base, "link")+"/", fstype, "")
				assert.Equal(t, dir, f.Dir)
				require.Nil(t, find(t, f, false).Mine, device)
				require.NoError(t, Mount(context.Background(), f), device)
				got := find(t, f, false)
				require.NotNil(t, got.Mine, device)
				assert.False(t, got.Unverified, "the superblock names the device without a fork")
				assert.Equal(t, dir, got.Mine.Mountpoint)

				other := fsFor(t, "UUID=00000000-0000-0000-0000-000000000001", dir, fstype, "")
				assert.NotNil(t, find(t, other, false).Other, "another UUID is another filesystem")
				assert.NotNil(t, find(t, fsFor(t, "LABEL=nope", dir, fstype, ""), true).Other)

				require.NoError(t, Unmount(context.Background(), got.Mine, UnmountOptions{}))
				assert.Nil(t, find(t, f, false).Mine)
				assert.NoError(t, FlushBuffers(dev))
			}
		})
	}
}

func TestSystemElsewhereAndDepthChecks(t *testing.T) {
	needSystem(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "ocfkitelse")
	a, b := mounttest.Dir(t, "a"), mounttest.Dir(t, "b")
	mounttest.Mount(t, dev, b)
	f := fsFor(t, dev, a, "ext4", "")
	tab, err := ReadTable()
	require.NoError(t, err)
	else_ := f.Elsewhere(context.Background(), tab, true)
	require.Len(t, else_, 1)
	assert.Equal(t, b, else_[0].Mountpoint)

	assert.NoError(t, ReadFirstBlock(dev))
	assert.Error(t, ReadFirstBlock(filepath.Join(a, "no-such-device")))
	mountAt := func(dir string) *Entry {
		tab, err := ReadTable()
		require.NoError(t, err)
		return tab.At(dir)
	}
	checkAs := func(dir string, e *Entry, prefix string) error {
		sf, err := ParseStatusFile(prefix, "fs_node")
		require.NoError(t, err)
		return sf.Check(dir, e, "fs", t.Logf)
	}
	check := func(dir, prefix string) error { return checkAs(dir, mountAt(dir), prefix) }
	assert.NoError(t, check(b, ".Filesystem_status/"))
	body, err := os.ReadFile(filepath.Join(b, ".Filesystem_status", "fs_node"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(body), "fs\n"))

	tmp := mounttest.Dir(t, "tmp")
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-tmp", tmp)
	assert.NoError(t, check(tmp, "st-"), "tmpfs without O_DIRECT")
	mounttest.Mount(t, "-o", "remount,ro", tmp)
	assert.Error(t, check(tmp, "st2-"), "read-only")
	assert.Error(t, checkAs(a, mountAt(b), "st-"), "not the mount")
	byDev := *mountAt(b)
	byDev.ID = 0 // found by its device number alone
	assert.NoError(t, checkAs(b, &byDev, "st-"))
	assert.Error(t, checkAs(a, &byDev, "st-"), "not the mount's device")
}

func TestSystemFsck(t *testing.T) {
	needSystem(t)
	testenv.NeedCmd(t, "fsck")
	dev := mounttest.Loop(t, 32)
	mounttest.Mkfs(t, "ext2", dev, "ocfkitfsck")
	assert.NoError(t, Fsck(context.Background(), "ext2", dev))
	err := Fsck(context.Background(), "ext2", "/dev/ocfkit-no-such-device")
	assert.Error(t, err)
}

func TestSystemBindTmpfsAndSource(t *testing.T) {
	needSystem(t)
	src := mounttest.Dir(t, "src dir")
	dst := mounttest.Dir(t, "dst")
	f := fsFor(t, src+"/", dst, "none", "bind")
	require.NoError(t, Mount(context.Background(), f))
	assert.NotNil(t, find(t, f, false).Mine)
	other := fsFor(t, mounttest.Dir(t, "elsewhere"), dst, "none", "bind")
	assert.NotNil(t, find(t, other, false).Other)

	tmp := mounttest.Dir(t, "tmp")
	tf := fsFor(t, "ocfkit-tmpfs", tmp, "tmpfs", "size=1m")
	require.NoError(t, Mount(context.Background(), tf))
	assert.NotNil(t, find(t, tf, false).Mine)
	assert.NotNil(t, find(t, fsFor(t, "othername", tmp, "tmpfs", ""), false).Other)
	assert.NotNil(t, find(t, fsFor(t, "ocfkit-tmpfs", tmp, "ext4", ""), false).Other, "same source, other type")
}

func TestSystemHoldersAreExact(t *testing.T) {
	needSystem(t)
	dir := mounttest.Dir(t, "held")
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-held", dir)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub dir"), 0o755))
	outside := mounttest.Dir(t, "outside")

	in := map[int]string{}
	for _, h := range []struct{ mode, path string }{
		{mounttest.HoldCwd, filepath.Join(dir, "sub dir")},
		{mounttest.HoldOpen, filepath.Join(dir, "open file")},
		{mounttest.HoldMmap, filepath.Join(dir, "mapped")},
		{mounttest.HoldIgnoreTerm, dir},
		{mounttest.HoldRoot, filepath.Join(dir, "sub dir")},
	} {
		in[mounttest.Hold(t, h.mode, h.path).PID()] = h.mode
	}
	in[mounttest.HoldExe(t, dir).PID()] = "exe"
	out := []int{
		mounttest.Hold(t, mounttest.HoldCwd, outside).PID(),
		mounttest.Hold(t, mounttest.HoldOpen, filepath.Join(outside, "f")).PID(),
		mounttest.Hold(t, mounttest.HoldMmap, filepath.Join(outside, "m")).PID(),
	}
	tab, err := ReadTable()
	require.NoError(t, err)
	hs, err := Scanner{}.Holders(tab.At(dir))
	require.NoError(t, err)
	got := map[int]Holder{}
	for _, h := range hs {
		got[h.PID] = h
	}
	for pid, mode := range in {
		h, ok := got[pid]
		if assert.True(t, ok, "holder %d (%s) not found in %v", pid, mode, hs) {
			assert.False(t, h.Protected)
		}
	}
	assert.Equal(t, "mapped file "+filepath.Join(dir, "mapped"), got[pidOf(in, mounttest.HoldMmap)].Why)
	assert.Equal(t, "cwd", got[pidOf(in, mounttest.HoldCwd)].Why)
	assert.Equal(t, "root", got[pidOf(in, mounttest.HoldRoot)].Why)
	assert.Equal(t, "exe", got[pidOf(in, "exe")].Why)
	assert.Regexp(t, `^fd \d+$`, got[pidOf(in, mounttest.HoldOpen)].Why)
	for _, pid := range out {
		assert.NotContains(t, got, pid, "process outside the mount")
	}
	assert.NotContains(t, got, os.Getpid())

	// The test process itself holding the mount is found but protected.
	f, err := os.Open(filepath.Join(dir, "open file"))
	require.NoError(t, err)
	defer f.Close()
	hs, err = Scanner{}.Holders(tab.At(dir))
	require.NoError(t, err)
	found := false
	for _, h := range hs {
		if h.PID == os.Getpid() {
			found = true
			assert.True(t, h.Protected)
		}
	}
	assert.True(t, found, "self holds the mount through an fd")
}

func pidOf(m map[int]string, mode string) int {
	for pid, md := range m {
		if md == mode {
			return pid
		}
	}
	return 0
}

func TestSystemBindOfRootHasNoHolders(t *testing.T) {
	needSystem(t)
	dir := mounttest.Dir(t, "rootbind")
	// Private at once, so that mounts other tests make meanwhile do not
	// propagate into it where / is shared.
	mounttest.Mount(t, "--bind", "--make-private", "/", dir)
	outsider := mounttest.Hold(t, mounttest.HoldCwd, "/")
	tab, err := ReadTable()
	require.NoError(t, err)
	e := tab.At(dir)
	require.NotNil(t, e)
	hs, err := Scanner{}.Holders(e)
	require.NoError(t, err)
	assert.Empty(t, hs, "a bind mount of / is held by nobody here")

	var logged []string
	err = Unmount(context.Background(), e, UnmountOptions{Log: func(f string, a ...any) { logged = append(logged, f) }})
	require.NoError(t, err)
	assert.Empty(t, logged, "nothing signalled")
	assert.False(t, outsider.Wait(300*time.Millisecond), "outsider alive")
	assert.False(t, mounttest.Mounted(t, dir))
}

func TestSystemUnmountBusy(t *testing.T) {
	needSystem(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "ocfkitbusy")
	dir := mounttest.Dir(t, "busy")
	mounttest.Mount(t, dev, dir)
	sub := filepath.Join(dir, "nested")
	require.NoError(t, os.Mkdir(sub, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-nested", sub)

	holders := []*mounttest.Holder{
		mounttest.Hold(t, mounttest.HoldCwd, dir),
		mounttest.Hold(t, mounttest.HoldOpen, filepath.Join(dir, "f")),
		mounttest.Hold(t, mounttest.HoldMmap, filepath.Join(dir, "m")),
		mounttest.Hold(t, mounttest.HoldIgnoreTerm, dir),
		mounttest.Hold(t, mounttest.HoldCwd, sub),
	}
	outside := mounttest.Dir(t, "outside")
	bystanders := []*mounttest.Holder{
		mounttest.Hold(t, mounttest.HoldCwd, outside),
		mounttest.Hold(t, mounttest.HoldIgnoreTerm, outside),
		mounttest.Hold(t, mounttest.HoldMmap, filepath.Join(outside, "m")),
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tab, err := ReadTable()
	require.NoError(t, err)
	var log []string
	opts := UnmountOptions{Budget: 6 * time.Second, Log: func(f string, a ...any) { log = append(log, f) }}
	for _, e := range append(tab.Under(dir), tab.At(dir)) {
		require.NoError(t, Unmount(ctx, e, opts), "unmount %s", e.Mountpoint)
	}
	assert.False(t, mounttest.Mounted(t, dir))
	assert.False(t, mounttest.Mounted(t, sub))
	for i, h := range holders {
		assert.True(t, h.Wait(5*time.Second), "holder %d exited", i)
	}
	for i, h := range bystanders {
		assert.False(t, h.Wait(300*time.Millisecond), "bystander %d is alive", i)
	}
	assert.NotEmpty(t, log)
}

func TestSystemUnmountNoForce(t *testing.T) {
	needSystem(t)
	dir := mounttest.Dir(t, "keep")
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-keep", dir)
	h := mounttest.Hold(t, mounttest.HoldCwd, dir)
	tab, err := ReadTable()
	require.NoError(t, err)
	err = Unmount(context.Background(), tab.At(dir), UnmountOptions{Force: ForceFalse, Budget: 500 * time.Millisecond})
	require.ErrorIs(t, err, ErrBusy)
	assert.Contains(t, err.Error(), "held by")
	assert.True(t, h.Alive(), "force_unmount=false signals nothing")
	assert.True(t, mounttest.Mounted(t, dir))

	// The agent itself holding the mount is never signalled either.
	require.NoError(t, os.Chdir(dir))
	t.Cleanup(func() { os.Chdir("/") })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err = Unmount(ctx, tab.At(dir), UnmountOptions{})
	require.ErrorIs(t, err, ErrBusy)
	assert.Contains(t, err.Error(), "protected")
	assert.True(t, h.Wait(5*time.Second), "the other holder was signalled")
}

// term_signals, kill_signals: a holder that ignores SIGTERM survives a
// stop that only sends TERM, and goes at once with term_signals="TERM
// KILL" (the advice of the anchor's maintainers in their issue 1907).
func TestSystemUnmountSignals(t *testing.T) {
	needSystem(t)
	dir := mounttest.Dir(t, "sigs")
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-sigs", dir)
	h := mounttest.Hold(t, mounttest.HoldIgnoreTerm, dir)
	tab, err := ReadTable()
	require.NoError(t, err)
	termOnly := &Signals{Term: []syscall.Signal{unix.SIGTERM}, Delay: 100 * time.Millisecond}
	err = Unmount(context.Background(), tab.At(dir), UnmountOptions{Budget: time.Second, Signals: termOnly})
	require.ErrorIs(t, err, ErrBusy)
	assert.True(t, h.Alive(), "TERM is ignored and no kill signal is configured")

	var log []string
	both := &Signals{Term: []syscall.Signal{unix.SIGTERM, unix.SIGKILL}, Delay: time.Second}
	opts := UnmountOptions{Budget: 20 * time.Second, Signals: both, PS: true,
		Log: func(f string, a ...any) { log = append(log, fmt.Sprintf(f, a...)) }}
	require.NoError(t, Unmount(context.Background(), tab.At(dir), opts))
	assert.True(t, h.Wait(5*time.Second))
	assert.False(t, mounttest.Mounted(t, dir))
	assert.Contains(t, strings.Join(log, "\n"), "sending SIGKILL to process")
	assert.Contains(t, strings.Join(log, "\n"), ", uid 0, parent ", "ps adds the user and the parent")
}

// force_unmount=move: the mount and its submounts move to .<name> beside
// the directory, in one step.
func TestSystemMoveAside(t *testing.T) {
	needSystem(t)
	parent := mounttest.Dir(t, "moveparent")
	// The kernel moves nothing out of a shared mount: make the parent a
	// private one, as the anchor's documentation asks.
	mounttest.Mount(t, "--bind", parent, parent)
	mounttest.Run(t, "mount", "--make-private", parent)
	dir := filepath.Join(parent, "data")
	require.NoError(t, os.Mkdir(dir, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-move", dir)
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-movesub", sub)

	to, err := MoveAside(dir)
	require.NoError(t, err)
	t.Cleanup(func() { mounttest.UnmountAll(t, to) })
	assert.Equal(t, filepath.Join(parent, ".data"), to)
	assert.False(t, mounttest.Mounted(t, dir))
	assert.True(t, mounttest.Mounted(t, to))
	assert.True(t, mounttest.Mounted(t, filepath.Join(to, "sub")))

	// A link planted where the mount would go is never followed.
	require.NoError(t, os.Mkdir(dir+"2", 0o755))
	require.NoError(t, os.Symlink("/tmp", filepath.Join(parent, ".data2")))
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-move2", dir+"2")
	_, err = MoveAside(dir + "2")
	assert.ErrorContains(t, err, "not a directory")
	assert.True(t, mounttest.Mounted(t, dir+"2"))
}
