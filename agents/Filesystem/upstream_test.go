package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Behaviours of the newest upstream agent that the installed 4.12 anchor
// lacks, tested against upstream's documented semantics.

// term_signals: a holder that ignores TERM keeps the mount when both
// phases send only TERM, and goes with term_signals="TERM KILL" (the
// upstream maintainers' advice in their issue 1907).
func TestTermSignals(t *testing.T) {
	testenv.NeedRoot(t)
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": "ocfkit-sigs", "directory": dir, "fstype": "tmpfs", "OCF_RESKEY_CRM_meta_timeout": "3000",
		"term_signals": "TERM", "kill_signals": "TERM", "signal_delay": "0.2"}
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { mounttest.UnmountAll(t, dir) })
	h := mounttest.Hold(t, mounttest.HoldIgnoreTerm, dir)
	r := expect(t, p, "stop", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "busy")
	assert.True(t, h.Alive(), "no KILL was configured")
	expect(t, p.With("term_signals", "TERM KILL"), "stop", ocf.Success)
	assert.True(t, h.Wait(5*time.Second), "killed in the first phase")
	assert.False(t, mounttest.Mounted(t, dir))
}

// A signal list or delay that does not parse is refused where it would be
// used, and never fails a stop (which uses the default).
func TestSignalParametersRefused(t *testing.T) {
	testenv.NeedRoot(t)
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": "ocfkit-badsig", "directory": dir, "fstype": "tmpfs"}
	for _, bad := range []kvs{p.With("term_signals", "TERMINATE"), p.With("kill_signals", "0"), p.With("signal_delay", "soon")} {
		r := expect(t, bad, "validate-all", ocf.ErrConfigured)
		assert.NotEmpty(t, r.Reason())
		expect(t, bad, "start", ocf.ErrConfigured)
		expect(t, bad, "stop", ocf.Success)
	}
	expect(t, p.With("term_signals", "SIGTERM 1 hup", "signal_delay", "0.5"), "validate-all", ocf.Success)
}

// force_unmount=Yes is not an ocf_is_true spelling: the anchor ignores it
// (with a warning) and signals nothing; so does ocfkit now.
func TestForceUnmountUnknownSpelling(t *testing.T) {
	testenv.NeedRoot(t)
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": "ocfkit-yes", "directory": dir, "fstype": "tmpfs", "OCF_RESKEY_CRM_meta_timeout": "2000", "force_unmount": "Yes"}
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { mounttest.UnmountAll(t, dir) })
	h := mounttest.Hold(t, mounttest.HoldCwd, dir)
	p, log := logTo(t, p)
	expect(t, p, "stop", ocf.ErrGeneric)
	assert.Contains(t, log(), "unknown modifier Yes ignored")
	assert.True(t, h.Alive())
	expect(t, p.With("force_unmount", "ja"), "stop", ocf.Success)
	assert.True(t, h.Wait(5*time.Second))
}

// privateParent makes a directory whose mount is private, where mount
// --move works (the anchor documents the same requirement).
func privateParent(t *testing.T) string {
	t.Helper()
	parent := mounttest.Dir(t, "parent")
	mounttest.Mount(t, "--bind", parent, parent)
	mounttest.Run(t, "mount", "--make-private", parent)
	return parent
}

// force_unmount=move: the mount goes aside before its users are killed and
// is unmounted there; a mount left aside (a stop cut short) is an error
// for monitor and start, and the next stop unmounts it.
func TestForceUnmountMove(t *testing.T) {
	testenv.NeedRoot(t)
	dir := filepath.Join(privateParent(t), "data")
	moved := filepath.Join(filepath.Dir(dir), ".data")
	p, log := logTo(t, kvs{"device": "ocfkit-move", "directory": dir, "fstype": "tmpfs", "force_unmount": "safe,move", "OCF_RESKEY_CRM_meta_timeout": "10000"})
	expect(t, p, "start", ocf.Success)
	h := mounttest.Hold(t, mounttest.HoldCwd, dir)
	expect(t, p, "stop", ocf.Success)
	assert.Contains(t, log(), "moved "+dir+" to "+moved)
	assert.True(t, h.Wait(5*time.Second))
	assert.False(t, mounttest.Mounted(t, dir))
	assert.False(t, mounttest.Mounted(t, moved))

	// A stop cut short after the move.
	expect(t, p, "start", ocf.Success)
	_, err := mount.MoveAside(dir)
	require.NoError(t, err)
	r := expect(t, p, "monitor", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "something is mounted on "+moved)
	expect(t, p.With("OCF_RESKEY_CRM_meta_interval", "10000"), "monitor", ocf.ErrGeneric)
	expect(t, p, "start", ocf.ErrGeneric)
	expect(t, p, "stop", ocf.Success)
	assert.False(t, mounttest.Mounted(t, moved))
	expect(t, p, "monitor", ocf.NotRunning)

	// Where the kernel cannot move (a shared parent), stop unmounts in place.
	shared := mounttest.Dir(t, "shared")
	mounttest.Mount(t, "--bind", shared, shared)
	mounttest.Run(t, "mount", "--make-shared", shared)
	q := p.With("directory", filepath.Join(shared, "d"))
	expect(t, q, "start", ocf.Success)
	expect(t, q, "stop", ocf.Success)
	assert.Contains(t, log(), "unmounting in place")
	assert.False(t, mounttest.Mounted(t, filepath.Join(shared, "d")))
}

// A network filesystem's start writes upstream's drop-in where systemd
// runs (here a temporary directory standing for /run/systemd/system) and
// has systemd reload; a local one writes nothing.
func TestRemoteFSDropIn(t *testing.T) {
	testenv.NeedRoot(t)
	run := filepath.Join(t.TempDir(), "system")
	require.NoError(t, os.Mkdir(run, 0o755))
	bin := t.TempDir()
	calls := filepath.Join(bin, "calls")
	require.NoError(t, os.WriteFile(filepath.Join(bin, "systemctl"), []byte("#!/bin/sh\necho \"$@\" >> "+calls+"\n"), 0o755))
	env := []string{instance, systemdDirEnv + "=" + run, "PATH=" + bin + ":" + os.Getenv("PATH")}
	ours := testenv.BuildAgent(t, "Filesystem")
	dropIn := filepath.Join(run, "resource-agents-deps.target.d", "99-Filesystem-remote.conf")

	dir := mounttest.Dir(t, "m")
	local := kvs{"device": "ocfkit-local", "directory": dir, "fstype": "tmpfs"}
	agenttest.Expect(t, ocf.Success, ours, "start", local, env...)
	agenttest.Expect(t, ocf.Success, ours, "stop", local, env...)
	_, err := os.Stat(dropIn)
	assert.True(t, os.IsNotExist(err), "tmpfs needs no network")

	// The mount itself fails (no server answers; the deadline ends it):
	// the drop-in is written first, as upstream's start does.
	nfs := kvs{"device": "127.0.0.1:/nothing", "directory": dir, "fstype": "nfs", "options": "retry=0,soft,timeo=1,retrans=0",
		"OCF_RESKEY_CRM_meta_timeout": "5000"}
	agenttest.Run(t, ours, "start", nfs, env...)
	t.Cleanup(func() { mounttest.UnmountAll(t, dir) })
	b, err := os.ReadFile(dropIn)
	require.NoError(t, err)
	assert.Equal(t, "[Unit]\nAfter=remote-fs.target\n", string(b))
	c, err := os.ReadFile(calls)
	require.NoError(t, err)
	assert.Equal(t, "daemon-reload\n", string(c))
	// Once written, a second start reloads nothing.
	agenttest.Run(t, ours, "start", nfs.With("fstype", "aznfs"), env...)
	c, _ = os.ReadFile(calls)
	assert.Equal(t, 1, strings.Count(string(c), "daemon-reload"))
}

// logTo has the agent log to a file (HA_LOGFILE) and returns a reader of it.
func logTo(t *testing.T, p kvs) (kvs, func() string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "agent.log")
	return p.With("HA_LOGFILE", f), func() string { b, _ := os.ReadFile(f); return string(b) }
}
