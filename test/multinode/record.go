package multinode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// recordPath records a running multinode cluster: the test binary, the
// nodes' init processes and the run directory. A test binary killed before
// its cleanup (Ctrl-C, go test -timeout) leaves it behind, and the next
// Start uses it to kill what is left and remove the namespaces.
const recordPath = "/var/tmp/ocfkit-test-multinode.json"

type record struct {
	Owner int    `json:"owner"`
	Boot  string `json:"boot"`
	Dir   string `json:"dir"`
	// Inits maps a node's current PID 1 (host pid) to its start time.
	Inits map[int]uint64 `json:"inits"`
}

func bootID() string {
	b, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return string(bytes.TrimSpace(b))
}

func (r *record) save() error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	tmp := recordPath + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, recordPath)
}

func loadRecord() (*record, error) {
	b, err := os.ReadFile(recordPath)
	if err != nil {
		return nil, err
	}
	r := &record{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("%s: %w", recordPath, err)
	}
	return r, nil
}

// cleanLeftovers removes what a crashed run recorded: its nodes (kill -9 of
// each init, which takes the node's processes and network namespace with
// it), the switch and client namespaces, its run directory.
func cleanLeftovers(logf func(string, ...any)) error {
	r, err := loadRecord()
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.Boot == bootID() && r.Owner != os.Getpid() && startTime(r.Owner) != 0 && ownerIsTest(r.Owner) {
		return fmt.Errorf("test process %d still runs a multinode cluster (%s)", r.Owner, recordPath)
	}
	logf("multinode: cleaning up a cluster left behind by pid %d", r.Owner)
	if r.Boot == bootID() {
		// Every process of a node's PID namespace is killed, not only its
		// init: the kernel's own teardown of a namespace whose init died
		// can take seconds, and the daemons it has not reaped yet would
		// make the next harness (this one or the single-node one) refuse
		// to start beside them.
		var members []int
		for pid, start := range r.Inits {
			if startTime(pid) == start {
				members = append(members, pidNSMembers(pid)...)
			}
		}
		for _, pid := range members {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		deadline := time.Now().Add(30 * time.Second)
		for _, pid := range members {
			for startTime(pid) != 0 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
		}
		if left := alive(members); len(left) > 0 {
			return fmt.Errorf("processes of a crashed run's nodes outlive SIGKILL: %v", left)
		}
	}
	return removeShared(r.Dir)
}

// pidNSMembers lists init and every process that shares its PID namespace.
func pidNSMembers(init int) []int {
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", init))
	if err != nil {
		return []int{init}
	}
	out := []int{init}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == init {
			continue
		}
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid)); err == nil && l == ns {
			out = append(out, pid)
		}
	}
	return out
}

// alive is the subset of pids that still run (zombies excluded).
func alive(pids []int) []int {
	var out []int
	for _, pid := range pids {
		if startTime(pid) != 0 {
			out = append(out, pid)
		}
	}
	return out
}

// removeShared deletes the named namespaces and the run directory.
func removeShared(dir string) error {
	var errs []error
	for _, ns := range []string{clientNS, switchNS} {
		if nsExists(ns) {
			if err := ip("netns", "del", ns); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if dir != "" && strings.HasPrefix(dir, os.TempDir()) && strings.Contains(dir, "ocfkit-multinode-") {
		if err := os.RemoveAll(dir); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		if err := os.Remove(recordPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// startTime is field 22 of /proc/<pid>/stat, or 0 when pid does not run
// (a zombie does not count).
func startTime(pid int) uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return 0
	}
	v, _ := strconv.ParseUint(f[19], 10, 64)
	return v
}

// comm is the process name of pid as /proc/<pid>/stat has it.
func comm(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return ""
	}
	return s[open+1 : end]
}

// ownerIsTest guards against pid reuse: a recorded owner pid that now
// names a shell is not a test binary that still runs a cluster.
func ownerIsTest(pid int) bool {
	return strings.HasSuffix(comm(pid), ".test")
}

// daemonNames are Corosync's and Pacemaker's process names (as truncated
// to 15 bytes by the kernel).
var daemonNames = map[string]bool{
	"corosync": true, "pacemakerd": true, "pacemaker-based": true, "pacemaker-fence": true,
	"pacemaker-execd": true, "pacemaker-attrd": true, "pacemaker-sched": true,
	"pacemaker-contr": true, "pacemaker-remot": true,
}

// foreignDaemons lists cluster daemons that do not run in one of our nodes
// (ours: the PID 1s of our nodes; a daemon is ours when one of them is its
// ancestor).
func foreignDaemons(ours map[int]bool) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !daemonNames[comm(pid)] || startTime(pid) == 0 {
			continue
		}
		if !descends(pid, ours) {
			out = append(out, fmt.Sprintf("%s[%d]", comm(pid), pid))
		}
	}
	return out
}

func descends(pid int, from map[int]bool) bool {
	for i := 0; i < 64 && pid > 1; i++ {
		if from[pid] {
			return true
		}
		pid = ppid(pid)
	}
	return false
}

func ppid(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[end+1:])
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}
