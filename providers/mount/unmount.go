package mount

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/fault"
)

// Force is the force_unmount parameter: what to do with processes that
// keep a mount busy.
type Force int

// The force_unmount values. ForceSafe exists for the anchor's users: its
// scan avoids fuser, which can block on a dead NFS server. This package's
// scan reads /proc in the background and is abandoned at the deadline, so
// safe and true behave alike.
const (
	ForceTrue Force = iota
	ForceSafe
	ForceFalse
)

// UnmountOptions tune Unmount.
type UnmountOptions struct {
	Force Force
	// ForceFlag runs umount -f on every round, as for nfs and cifs.
	ForceFlag bool
	// Budget caps the time spent on one mount (fast_stop); zero means the
	// context's deadline.
	Budget time.Duration
	// Log receives one line per signal sent and per round; may be nil.
	Log func(format string, args ...any)
	// Scanner finds holders; the zero value reads /proc.
	Scanner Scanner
	// Signals are sent to the holders; nil means DefaultSignals.
	Signals *Signals
	// PS adds each holder's user and parent to the log line.
	PS bool
}

// ErrBusy is wrapped by Unmount's error when the mount stayed busy.
var ErrBusy = fault.Class(fault.ErrBusy, "mount is busy")

// Unmount unmounts the mount e. When it is busy and Force allows, the
// processes holding it get the term signals (SIGTERM) for the first half
// of the remaining time and the kill signals (SIGKILL) for the rest, sent
// again every signal delay to a holder still there, and umount is retried
// as soon as they are gone. Protected processes are never signalled.
func Unmount(ctx context.Context, e *Entry, o UnmountOptions) error {
	logf := o.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	start := time.Now()
	deadline, ok := ctx.Deadline()
	if ok {
		// Keep some of the action's time to report: an umount(8) killed at
		// the deadline must still be waited for, and shortly after the
		// deadline the runtime's watchdog ends the agent with a reason of
		// its own instead of the holders this one names.
		deadline = deadline.Add(-reserve(deadline.Sub(start)))
	}
	if !ok || (o.Budget > 0 && start.Add(o.Budget).Before(deadline)) {
		deadline = start.Add(o.Budget)
		if o.Budget <= 0 {
			deadline = start.Add(20 * time.Second)
		}
	}
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	killFrom := start.Add(deadline.Sub(start) / 2)
	sigs := DefaultSignals()
	if o.Signals != nil {
		sigs = *o.Signals
	}

	signalled := map[int]*target{}
	defer func() {
		for _, t := range signalled {
			t.close()
		}
	}()
	step := 20 * time.Millisecond
	var lastErr error
	var holders []Holder
	for round := 0; ; round++ {
		err := umount(ctx, e.Mountpoint, o.ForceFlag)
		if err == nil || !stillMounted(e) {
			return nil
		}
		lastErr = err
		if ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		current, devs := o.Scanner.holdersWithin(ctx, e)
		if current != nil {
			holders = current // kept for the error should the next round time out
		}
		phase, phaseSigs := 0, sigs.Term
		if time.Now().After(killFrom) {
			phase, phaseSigs = 1, sigs.Kill
		}
		var waitOn []*target
		for _, h := range current {
			if h.Protected {
				if round == 0 {
					logf("%s is held by protected process %d (%s, %s): not signalled", e.Mountpoint, h.PID, h.Comm, h.Why)
				}
				continue
			}
			if o.Force == ForceFalse {
				continue
			}
			t := signalled[h.PID]
			if t == nil {
				var ok bool
				if t, ok = openTarget(h.PID); !ok {
					continue // exited since the scan
				}
				signalled[h.PID] = t
				// The pid was seen holding the mount before the pidfd was
				// opened; make sure the pinned process is that holder.
				if t.fd >= 0 && !o.Scanner.stillHolds(ctx, h.PID, e, devs) {
					continue
				}
			}
			if last, ok := t.sentAt[phase]; ok && time.Since(last) < sigs.Delay {
				waitOn = append(waitOn, t)
				continue
			}
			t.sentAt[phase] = time.Now()
			for _, sig := range phaseSigs {
				logf("sending %s to process %d (%s%s) holding %s (%s)", signalName(sig), h.PID, h.Comm, psInfo(o.PS, h.PID), e.Mountpoint, h.Why)
				if err := t.signal(sig); err != nil && !errors.Is(err, syscall.ESRCH) {
					logf("cannot signal process %d: %v", h.PID, err)
				}
			}
			waitOn = append(waitOn, t)
		}
		wait := step
		if left := time.Until(deadline); left < wait {
			wait = left
		}
		if len(waitOn) > 0 {
			waitExit(waitOn, wait)
		} else {
			time.Sleep(wait)
		}
		if step < 500*time.Millisecond {
			step *= 2
		}
	}
	return fmt.Errorf("cannot unmount %s: %w (%v)%s", e.Mountpoint, ErrBusy, lastErr, describe(holders))
}

// reserve is the part of the time left that Unmount leaves unused.
func reserve(left time.Duration) time.Duration {
	return min(max(left/10, 20*time.Millisecond), time.Second)
}

// stillMounted reports whether mount e is still in the table.
func stillMounted(e *Entry) bool {
	t, err := ReadTable()
	if err != nil {
		return true
	}
	for _, x := range t {
		if x.ID == e.ID {
			return true
		}
	}
	return false
}

func describe(hs []Holder) string {
	if len(hs) == 0 {
		return ""
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].PID < hs[j].PID })
	var parts []string
	for i, h := range hs {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(hs)-i))
			break
		}
		p := fmt.Sprintf("%d (%s, %s)", h.PID, h.Comm, h.Why)
		if h.Protected {
			p += " protected"
		}
		parts = append(parts, p)
	}
	return "; held by " + strings.Join(parts, ", ")
}

// target is a process being signalled, through a pidfd when the kernel
// has them, so that a pid reused after the holder exited is never hit.
type target struct {
	pid int
	fd  int // -1 without pidfd
	// sentAt is when the signals of each phase (0 term, 1 kill) were
	// last sent: they are sent again signal_delay later.
	sentAt map[int]time.Time
}

// openTarget pins pid with a pidfd. ok is false when the process is gone;
// plain kill(2) is used only on kernels without pidfds (before 5.3).
func openTarget(pid int) (t *target, ok bool) {
	fd, err := unix.PidfdOpen(pid, 0)
	switch {
	case err == nil:
	case errors.Is(err, unix.ENOSYS):
		fd = -1
	default:
		return nil, false
	}
	return &target{pid: pid, fd: fd, sentAt: map[int]time.Time{}}, true
}

func (t *target) signal(sig syscall.Signal) error {
	if t.fd >= 0 {
		return unix.PidfdSendSignal(t.fd, sig, nil, 0)
	}
	return unix.Kill(t.pid, sig)
}

func (t *target) close() {
	if t.fd >= 0 {
		unix.Close(t.fd)
	}
}

// waitExit returns when every target has exited or d has passed. A pidfd
// polls readable once its process is gone.
func waitExit(ts []*target, d time.Duration) {
	end := time.Now().Add(d)
	var fds []unix.PollFd
	for _, t := range ts {
		if t.fd < 0 {
			time.Sleep(d)
			return
		}
		fds = append(fds, unix.PollFd{Fd: int32(t.fd), Events: unix.POLLIN})
	}
	for {
		left := time.Until(end)
		if left <= 0 {
			return
		}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if err != nil && !errors.Is(err, unix.EINTR) {
			time.Sleep(left)
			return
		}
		if n > 0 {
			done := true
			for i := range fds {
				if fds[i].Revents&(unix.POLLIN|unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0 {
					fds[i].Fd = -1 // ignored by poll from now on
				} else if fds[i].Fd >= 0 {
					done = false
				}
			}
			if done {
				return
			}
		}
	}
}

// holdersWithin scans for holders but gives up at the context's deadline:
// resolving a link into a dead NFS mount can block in the kernel, and the
// stop must still report in time. The scan's goroutine is left behind
// then; the kernel lets a fatal signal end it when the agent exits.
func (s Scanner) holdersWithin(ctx context.Context, e *Entry) ([]Holder, map[[2]int]bool) {
	type result struct {
		hs   []Holder
		devs map[[2]int]bool
	}
	ch := make(chan result, 1)
	go func() {
		hs, devs, _ := s.scan(e)
		ch <- result{hs, devs}
	}()
	select {
	case r := <-ch:
		return r.hs, r.devs
	case <-ctx.Done():
		return nil, nil
	}
}

// signalName is SIGTERM for 15, "signal 40" for one without a name.
func signalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// psInfo is ", user U, parent P" of a process, as ps -f would show them,
// when ps is on; "" otherwise or when the process is gone.
func psInfo(ps bool, pid int) string {
	if !ps {
		return ""
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	var uid, ppid string
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Uid:"); ok {
			if f := strings.Fields(v); len(f) > 0 {
				uid = f[0]
			}
		}
		if v, ok := strings.CutPrefix(l, "PPid:"); ok {
			ppid = strings.TrimSpace(v)
		}
	}
	return fmt.Sprintf(", uid %s, parent %s", uid, ppid)
}
