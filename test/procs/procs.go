// Package procs reads this machine's processes from /proc for the
// Pacemaker test harnesses (test/cluster, test/multinode): a process known
// by its pid and start time (so a reused pid is not taken for it), its
// children, how to stop it, whether cluster daemons run that are not the
// harness's, and the records a harness keeps so that the next run cleans
// up after a crashed one.
package procs

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Proc identifies a process across pid reuse: the pid and its start time
// in clock ticks since boot (field 22 of /proc/<pid>/stat).
type Proc struct {
	Pid   int    `json:"pid"`
	Start uint64 `json:"start"`
	Name  string `json:"name"`
}

// Stat is what the harnesses read from /proc/<pid>/stat.
type Stat struct {
	Comm  string
	State byte
	PPid  int
	Start uint64 // clock ticks since boot
}

// ReadStat reads /proc/<pid>/stat.
func ReadStat(pid int) (Stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Stat{}, err
	}
	return ParseStat(string(b))
}

// ParseStat parses a /proc/<pid>/stat line. The command name is in
// parentheses and may itself contain spaces and parentheses, so the fields
// are counted from the last ')'.
func ParseStat(s string) (Stat, error) {
	open := strings.IndexByte(s, '(')
	end := strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return Stat{}, errors.New("malformed stat line")
	}
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state), so field n is f[n-3].
	if len(f) < 20 || len(f[0]) != 1 {
		return Stat{}, errors.New("short stat line")
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return Stat{}, fmt.Errorf("stat ppid: %w", err)
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return Stat{}, fmt.Errorf("stat starttime: %w", err)
	}
	return Stat{Comm: s[open+1 : end], State: f[0][0], PPid: ppid, Start: start}, nil
}

// Identify records pid with its start time.
func Identify(pid int) (Proc, error) {
	st, err := ReadStat(pid)
	if err != nil {
		return Proc{}, err
	}
	return Proc{Pid: pid, Start: st.Start, Name: st.Comm}, nil
}

// Alive reports whether p still runs (a zombie does not count).
func (p Proc) Alive() bool {
	st, err := ReadStat(p.Pid)
	return err == nil && st.Start == p.Start && st.State != 'Z' && st.State != 'X'
}

// Pids are the pids of every process, in order.
func Pids() []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// Descendants returns the living descendants of p (children first).
func Descendants(p Proc) []Proc {
	if !p.Alive() {
		return nil
	}
	kids := map[int][]Proc{}
	for _, pid := range Pids() {
		st, err := ReadStat(pid)
		if err != nil || st.State == 'Z' {
			continue
		}
		kids[st.PPid] = append(kids[st.PPid], Proc{Pid: pid, Start: st.Start, Name: st.Comm})
	}
	var out []Proc
	queue := []int{p.Pid}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, k := range kids[pid] {
			out = append(out, k)
			queue = append(queue, k.Pid)
		}
	}
	return out
}

// Daemons are the process names (as truncated to 15 bytes in
// /proc/<pid>/stat) of a running Corosync or Pacemaker.
var Daemons = map[string]bool{
	"corosync":        true,
	"pacemakerd":      true,
	"pacemaker-based": true,
	"pacemaker-fence": true,
	"pacemaker-execd": true,
	"pacemaker-attrd": true,
	"pacemaker-sched": true,
	"pacemaker-contr": true,
	"pacemaker-remot": true,
}

// Foreign lists the processes called one of names (usually Daemons) for
// which ours is false, as "name[pid]"; ours nil counts none as ours.
func Foreign(names map[string]bool, ours func(pid int) bool) []string {
	var out []string
	for _, pid := range Pids() {
		if ours != nil && ours(pid) {
			continue
		}
		st, err := ReadStat(pid)
		if err != nil || st.State == 'Z' {
			continue
		}
		if names[st.Comm] {
			out = append(out, fmt.Sprintf("%s[%d]", st.Comm, pid))
		}
	}
	return out
}

// Descends reports whether pid is one of from or their descendant.
func Descends(pid int, from map[int]bool) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		if from[pid] {
			return true
		}
		st, err := ReadStat(pid)
		if err != nil {
			return false
		}
		pid = st.PPid
	}
	return false
}

// StartTime is pid's start time in clock ticks since boot, 0 when it does
// not run (a zombie does not count).
func StartTime(pid int) uint64 {
	st, err := ReadStat(pid)
	if err != nil || st.State == 'Z' || st.State == 'X' {
		return 0
	}
	return st.Start
}

// Comm is pid's process name, "" when it does not run.
func Comm(pid int) string {
	st, _ := ReadStat(pid)
	return st.Comm
}

// Terminate sends SIGTERM to p and waits up to grace for it to exit, then
// sends SIGKILL and waits a little more. It reports whether SIGKILL was
// needed. A zombie counts as exited, so it works for children and orphans.
func Terminate(p Proc, grace time.Duration) (killed bool) {
	if !p.Alive() {
		return false
	}
	syscall.Kill(p.Pid, syscall.SIGTERM)
	if WaitExit(p, grace) {
		return false
	}
	syscall.Kill(p.Pid, syscall.SIGKILL)
	WaitExit(p, 10*time.Second)
	return true
}

// WaitExit waits up to d for p to exit, and reports whether it did.
func WaitExit(p Proc, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !p.Alive() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return !p.Alive()
}

// KillAll sends SIGKILL to each process that is still the one recorded.
func KillAll(ps []Proc) {
	for _, p := range ps {
		if p.Alive() {
			syscall.Kill(p.Pid, syscall.SIGKILL)
		}
	}
	for _, p := range ps {
		WaitExit(p, 5*time.Second)
	}
}
