package cluster

import (
	"bufio"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Op is one finished resource operation, as the controller logged it.
type Op struct {
	Time     time.Time
	Resource string // as Pacemaker names it, e.g. "vip" or "drbd0:0"
	Action   string // probe, start, stop, monitor, promote, demote, notify, ...
	Result   string // e.g. "ok", "not running", "error"
	RC       int    // the agent's exit code
}

// Operations returns, in order, every resource operation the controller has
// finished since the cluster started (cancelled recurring monitors are left
// out: they have no result). Use it to check the order of starts and stops,
// or to measure recovery times from the log's timestamps.
func (c *Cluster) Operations(t testing.TB) []Op {
	t.Helper()
	f, err := os.Open(c.path("pacemaker.log"))
	if err != nil {
		t.Fatalf("cluster: %v", err)
	}
	defer f.Close()
	return parseOperations(bufio.NewScanner(f), time.Now())
}

// Recovery waits until Pacemaker has started (or promoted) rsc again after
// since, the moment a test injected a failure, and returns how long after
// since the controller recorded that result. It fails the test after
// timeout. Use it to measure recovery times, never to assert them.
func (c *Cluster) Recovery(t testing.TB, rsc string, since time.Time, timeout time.Duration) time.Duration {
	t.Helper()
	var d time.Duration
	c.WaitFor(t, timeout, rsc+" started again", func() bool {
		var ok bool
		d, ok = recoveredAfter(c.Operations(t), rsc, since)
		return ok
	})
	return d
}

// recoveredAfter finds the first successful start or promote of rsc logged
// at or after since (the log has millisecond timestamps).
func recoveredAfter(ops []Op, rsc string, since time.Time) (time.Duration, bool) {
	since = since.Truncate(time.Millisecond)
	for _, op := range ops {
		if op.Resource == rsc && op.RC == 0 && (op.Action == "start" || op.Action == "promote") && !op.Time.Before(since) {
			return op.Time.Sub(since), true
		}
	}
	return 0, false
}

// opLine matches the controller's line for a finished operation:
// "... pacemaker-controld [pid] (log_executor_event) notice: Result of start
// operation for vip on node1: ok | ... rc=0"
var opLine = regexp.MustCompile(`^(\w{3} +\d+ [\d:.]+) .*pacemaker-controld.*: Result of (\S+) operation for (\S+) on \S+: ([^|]*?) \|.* rc=(\d+)`)

func parseOperations(sc *bufio.Scanner, now time.Time) []Op {
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var ops []Op
	for sc.Scan() {
		m := opLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		rc, _ := strconv.Atoi(m[5])
		when, err := time.ParseInLocation("Jan _2 15:04:05.000", m[1], time.Local)
		if err == nil {
			// The log has no year; the cluster is minutes old.
			when = when.AddDate(now.Year(), 0, 0)
		}
		ops = append(ops, Op{Time: when, Resource: m[3], Action: m[2], Result: strings.TrimSpace(m[4]), RC: rc})
	}
	return ops
}

// explain logs what a person needs to understand a failed test.
func (c *Cluster) explain(t testing.TB) {
	if out, err := run(c.tools["crm_mon"], "-1", "-A", "-f", "-r"); err == nil || out != "" {
		t.Logf("cluster: crm_mon -1 -A -f -r:\n%s", out)
	}
	notable := regexp.MustCompile(`(notice|warning|error|crit):|stderr|ocf-exit-reason`)
	t.Logf("cluster: pacemaker log (notable lines):\n%s", tail(c.path("pacemaker.log"), 150, notable))
	t.Logf("cluster: agents' log (HA_LOGFILE):\n%s", tail(c.path("agents.log"), 100, nil))
	t.Logf("cluster: corosync:\n%s", tail(c.path("corosync.log"), 20, nil))
	if s := tail(c.path("pacemakerd.log"), 20, nil); strings.TrimSpace(s) != "" {
		t.Logf("cluster: pacemakerd output:\n%s", s)
	}
}

// tail returns the last n lines of a file, only those matching keep when
// keep is not nil.
func tail(p string, n int, keep *regexp.Regexp) string {
	f, err := os.Open(p)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var lines []string
	for sc.Scan() {
		if keep != nil && !keep.MatchString(sc.Text()) {
			continue
		}
		lines = append(lines, sc.Text())
		if len(lines) > 2*n {
			lines = append(lines[:0], lines[len(lines)-n:]...)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
