package main

import (
	"os/exec"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// forks runs the agent under ptrace and counts the processes it creates
// (fork, vfork and clone of a process; threads are not counted).
func forks(t *testing.T, p args, action string) (n, code int) {
	t.Helper()
	runtime.LockOSThread() // every ptrace call must come from the tracer thread
	defer runtime.UnlockOSThread()
	cmd := exec.Command(testenv.BuildAgent(t, "apache"), action)
	cmd.Env = p.env()
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

func TestMonitorForksNothing(t *testing.T) {
	ts, p := server(t, httpdtest.Options{TLS: true})
	p = p.with("tls_cafile", ts.CertFile, "envfiles", "/etc/apache2/envvars")
	n, code := forks(t, p, "monitor")
	assert.Equal(t, ocf.NotRunning, code)
	assert.Zero(t, n, "probe of a stopped server")

	// The counter must see forks, or the zeros prove nothing: validate-all
	// runs httpd -t. (Not start: the daemon would stay traced.)
	n, code = forks(t, p, "validate-all")
	require.Equal(t, ocf.Success, code)
	require.Greater(t, n, 0, "validate-all forks httpd -t")

	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })

	for _, q := range []args{p, p.with(recurring, "10000"), p.with("OCF_CHECK_LEVEL", "10", "testurl", "/", "testregex10", "test page")} {
		n, code = forks(t, q, "monitor")
		assert.Equal(t, ocf.Success, code)
		assert.Zero(t, n, "monitor of a running server over HTTPS")
	}
	n, code = forks(t, p, "meta-data")
	assert.Equal(t, ocf.Success, code)
	assert.Zero(t, n, "meta-data")
}
