package multinode

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ocfkit/ocfkit/test/procs"
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

func (r *record) save() error { return procs.SaveRecord(recordPath, r) }

func loadRecord() (*record, error) {
	r := &record{}
	if err := procs.LoadRecord(recordPath, r); err != nil {
		return nil, err
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
	if r.Boot == procs.BootID() && r.Owner != os.Getpid() && procs.StartTime(r.Owner) != 0 && ownerIsTest(r.Owner) {
		return fmt.Errorf("test process %d still runs a multinode cluster (%s)", r.Owner, recordPath)
	}
	logf("multinode: cleaning up a cluster left behind by pid %d", r.Owner)
	if r.Boot == procs.BootID() {
		// Every process of a node's PID namespace is killed, not only its
		// init: the kernel's own teardown of a namespace whose init died
		// can take seconds, and the daemons it has not reaped yet would
		// make the next harness (this one or the single-node one) refuse
		// to start beside them.
		var members []int
		for pid, start := range r.Inits {
			if procs.StartTime(pid) == start {
				members = append(members, pidNSMembers(pid)...)
			}
		}
		for _, pid := range members {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		deadline := time.Now().Add(30 * time.Second)
		for _, pid := range members {
			for procs.StartTime(pid) != 0 && time.Now().Before(deadline) {
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
		if procs.StartTime(pid) != 0 {
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

// ownerIsTest guards against pid reuse: a recorded owner pid that now
// names a shell is not a test binary that still runs a cluster.
func ownerIsTest(pid int) bool {
	return strings.HasSuffix(procs.Comm(pid), ".test")
}

// foreignDaemons lists cluster daemons that do not run in one of our nodes
// (ours: the PID 1s of our nodes; a daemon is ours when one of them is its
// ancestor).
func foreignDaemons(ours map[int]bool) []string {
	return procs.Foreign(procs.Daemons, func(pid int) bool { return procs.Descends(pid, ours) })
}
