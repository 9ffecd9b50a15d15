package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forks runs the agent under ptrace and counts the processes it creates
// (fork, vfork, or clone of a new process; threads are not counted).
func forks(t *testing.T, p params, action string) (n, code int) {
	t.Helper()
	runtime.LockOSThread() // every ptrace call must come from the tracer thread
	defer runtime.UnlockOSThread()
	cmd := exec.Command(testenv.BuildAgent(t, "Filesystem"), action)
	cmd.Env = agentEnv(p)
	cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true}
	require.NoError(t, cmd.Start())
	pid := cmd.Process.Pid
	var ws syscall.WaitStatus
	_, err := syscall.Wait4(pid, &ws, 0, nil) // stopped at exec
	require.NoError(t, err)
	const exitKill = 0x100000 // PTRACE_O_EXITKILL
	require.NoError(t, syscall.PtraceSetOptions(pid, syscall.PTRACE_O_TRACEFORK|syscall.PTRACE_O_TRACEVFORK|syscall.PTRACE_O_TRACECLONE|exitKill))
	require.NoError(t, syscall.PtraceCont(pid, 0))
	for {
		wpid, err := syscall.Wait4(-1, &ws, syscall.WALL, nil)
		require.NoError(t, err)
		switch {
		case ws.Exited() || ws.Signaled():
			if wpid == pid {
				if ws.Signaled() {
					return n, -1
				}
				return n, ws.ExitStatus()
			}
			continue
		case !ws.Stopped():
			continue
		}
		sig := ws.StopSignal()
		deliver := 0
		switch {
		case sig == syscall.SIGTRAP && (ws.TrapCause() == syscall.PTRACE_EVENT_FORK || ws.TrapCause() == syscall.PTRACE_EVENT_VFORK):
			n++
		case sig == syscall.SIGTRAP || sig == syscall.SIGSTOP:
			// clone events and the first stop of a new task
		default:
			deliver = int(sig)
		}
		syscall.PtraceCont(wpid, deliver)
	}
}

func TestMonitorDepth0ForksNothing(t *testing.T) {
	n, code := forks(t, params{"device": "proc", "directory": "/proc/", "fstype": "proc"}, "monitor")
	assert.Equal(t, ocf.Success, code)
	assert.Zero(t, n, "monitor of /proc")

	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	uuid := mounttest.Mkfs(t, "ext4", dev, "nofork")
	dir := filepath.Join(mounttest.Dir(t, "m"), "web site")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	// The counter itself must see forks, or the zeros below prove nothing.
	tmp := mounttest.Dir(t, "tmp")
	n, code = forks(t, params{"device": "ocfkit-nofork", "directory": tmp, "fstype": "tmpfs"}, "start")
	require.Equal(t, ocf.Success, code)
	require.Greater(t, n, 0, "start forks mount(8)")

	for _, device := range []string{dev, "UUID=" + uuid, "-L nofork"} {
		p := params{"device": device, "directory": dir + "/", "fstype": "ext4", "OCF_RESKEY_CRM_meta_interval": "20000"}
		n, code = forks(t, p, "monitor")
		assert.Equal(t, ocf.NotRunning, code)
		assert.Zero(t, n, "monitor of %s, not mounted", device)
		expect(t, p, "start", ocf.Success)
		n, code = forks(t, p, "monitor")
		assert.Equal(t, ocf.Success, code)
		assert.Zero(t, n, "monitor of %s, mounted", device)
		expect(t, p, "stop", ocf.Success)
	}
}
