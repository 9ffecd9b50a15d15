package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc identifies a process across pid reuse: the pid and its start time
// in clock ticks since boot (field 22 of /proc/<pid>/stat).
type proc struct {
	Pid   int    `json:"pid"`
	Start uint64 `json:"start"`
	Name  string `json:"name"`
}

// stat holds what the harness reads from /proc/<pid>/stat.
type stat struct {
	comm  string
	state byte
	ppid  int
	start uint64
}

func readStat(pid int) (stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, err
	}
	return parseStat(string(b))
}

// parseStat parses a /proc/<pid>/stat line. The command name is in
// parentheses and may itself contain spaces and parentheses, so the fields
// are counted from the last ')'.
func parseStat(s string) (stat, error) {
	open := strings.IndexByte(s, '(')
	end := strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return stat{}, errors.New("malformed stat line")
	}
	f := strings.Fields(s[end+1:])
	// f[0] is field 3 (state), so field n is f[n-3].
	if len(f) < 20 || len(f[0]) != 1 {
		return stat{}, errors.New("short stat line")
	}
	ppid, err := strconv.Atoi(f[1])
	if err != nil {
		return stat{}, fmt.Errorf("stat ppid: %w", err)
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return stat{}, fmt.Errorf("stat starttime: %w", err)
	}
	return stat{comm: s[open+1 : end], state: f[0][0], ppid: ppid, start: start}, nil
}

// identify records pid with its start time.
func identify(pid int) (proc, error) {
	st, err := readStat(pid)
	if err != nil {
		return proc{}, err
	}
	return proc{Pid: pid, Start: st.start, Name: st.comm}, nil
}

// alive reports whether p still runs (a zombie does not count).
func (p proc) alive() bool {
	st, err := readStat(p.Pid)
	return err == nil && st.start == p.Start && st.state != 'Z' && st.state != 'X'
}

func allPids() []int {
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

// descendants returns the living descendants of p (children first).
func descendants(p proc) []proc {
	if !p.alive() {
		return nil
	}
	kids := map[int][]proc{}
	for _, pid := range allPids() {
		st, err := readStat(pid)
		if err != nil || st.state == 'Z' {
			continue
		}
		kids[st.ppid] = append(kids[st.ppid], proc{Pid: pid, Start: st.start, Name: st.comm})
	}
	var out []proc
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

// daemonNames are the process names (as truncated to 15 bytes in
// /proc/<pid>/stat) of a running Corosync or Pacemaker.
var daemonNames = map[string]bool{
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

// foreignDaemons lists the processes called one of names (usually
// daemonNames) that are not in ours, as "name[pid]".
func foreignDaemons(names map[string]bool, ours map[int]bool) []string {
	var out []string
	for _, pid := range allPids() {
		if ours[pid] {
			continue
		}
		st, err := readStat(pid)
		if err != nil || st.state == 'Z' {
			continue
		}
		if names[st.comm] {
			out = append(out, fmt.Sprintf("%s[%d]", st.comm, pid))
		}
	}
	return out
}

// terminate sends SIGTERM to p and waits up to grace for it to exit, then
// sends SIGKILL and waits a little more. It reports whether SIGKILL was
// needed. A zombie counts as exited, so it works for children and orphans.
func terminate(p proc, grace time.Duration) (killed bool) {
	if !p.alive() {
		return false
	}
	syscall.Kill(p.Pid, syscall.SIGTERM)
	if waitExit(p, grace) {
		return false
	}
	syscall.Kill(p.Pid, syscall.SIGKILL)
	waitExit(p, 10*time.Second)
	return true
}

func waitExit(p proc, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !p.alive() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return !p.alive()
}

// killAll sends SIGKILL to each process that is still the one recorded.
func killAll(ps []proc) {
	for _, p := range ps {
		if p.alive() {
			syscall.Kill(p.Pid, syscall.SIGKILL)
		}
	}
	for _, p := range ps {
		waitExit(p, 5*time.Second)
	}
}

// shmLeftovers lists the libqb files in /dev/shm that belong to one of the
// given pids: IPC directories "qb-<server>-<client>-..." and Corosync's
// "qb-corosync-<pid>-blackbox-*". A daemon killed with SIGKILL leaves them.
func shmLeftovers(dir string, pids map[int]bool) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		parts := strings.Split(e.Name(), "-")
		if len(parts) < 3 || parts[0] != "qb" {
			continue
		}
		for _, s := range parts[1:3] {
			if pid, err := strconv.Atoi(s); err == nil && pids[pid] {
				out = append(out, filepath.Join(dir, e.Name()))
				break
			}
		}
	}
	return out
}
