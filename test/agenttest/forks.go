package agenttest

import (
	"os/exec"
	"runtime"
	"syscall"
	"testing"
)

// CountForks runs cmd (not yet started, e.g. from Command) under ptrace
// and returns how many processes it and its children created (fork, vfork,
// or clone of a new process; threads are not counted) and its exit code
// (-1 when a signal ended it). A zero proves nothing by itself: a test
// that asserts one should also show, with an action that does fork, that
// the count sees it.
func CountForks(t testing.TB, cmd *exec.Cmd) (forks, code int) {
	t.Helper()
	runtime.LockOSThread() // every ptrace call must come from the tracer thread
	defer runtime.UnlockOSThread()
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Ptrace = true
	must(t, cmd.Start())
	defer cmd.Process.Release()
	pid := cmd.Process.Pid
	var ws syscall.WaitStatus
	_, err := syscall.Wait4(pid, &ws, 0, nil) // stopped at exec
	must(t, err)
	const exitKill = 0x100000 // PTRACE_O_EXITKILL: no traced orphan if the test dies
	must(t, syscall.PtraceSetOptions(pid, syscall.PTRACE_O_TRACEFORK|syscall.PTRACE_O_TRACEVFORK|syscall.PTRACE_O_TRACECLONE|exitKill))
	must(t, syscall.PtraceCont(pid, 0))
	for {
		wpid, err := syscall.Wait4(-1, &ws, syscall.WALL, nil)
		must(t, err)
		switch {
		case ws.Exited() || ws.Signaled():
			if wpid == pid {
				if ws.Signaled() {
					return forks, -1
				}
				return forks, ws.ExitStatus()
			}
			continue
		case !ws.Stopped():
			continue
		}
		sig := ws.StopSignal()
		deliver := 0
		switch {
		case sig == syscall.SIGTRAP && (ws.TrapCause() == syscall.PTRACE_EVENT_FORK || ws.TrapCause() == syscall.PTRACE_EVENT_VFORK):
			forks++
		case sig == syscall.SIGTRAP || sig == syscall.SIGSTOP:
			// clone events and the first stop of a new task
		default:
			deliver = int(sig)
		}
		syscall.PtraceCont(wpid, deliver)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
