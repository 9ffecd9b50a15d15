package bench_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/testenv"
)

const heartbeatApache = "/usr/lib/ocf/resource.d/heartbeat/apache"

// TestBenchApache runs ocfkit's apache and heartbeat's against the same
// server (a test configuration on 127.0.0.1 with a server-status page):
// monitor, probe, meta-data, start and the stop of an idle server,
// alternating, plus binary size and peak memory.
func TestBenchApache(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t)
	testenv.NeedFile(t, heartbeatApache)
	testenv.NeedCmd(t, "apache2")
	ours := testenv.BuildAgent(t, "apache") // as make builds it
	size := bench.FileSize(t, "apache binary (static, stripped)", ours)
	bench.Printf("%-34s %s (at most 8 MB)", "apache binary size target", met(size <= 8_000_000))

	ts := httpdtest.New(t, httpdtest.Options{})
	p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "benchweb", "configfile": ts.ConfigFile, "CRM_meta_timeout": "20000"}
	env := agenttest.Environ(p)
	monitor := agenttest.Environ(p.With("CRM_meta_interval", "10000"))
	probe := agenttest.Environ(p.With("CRM_meta_interval", "0"))
	runs := bench.Runs()

	bench.Compare(t, "apache meta-data", runs,
		side("ocfkit", ours, env, "meta-data", 0), side("heartbeat", heartbeatApache, env, "meta-data", 0))
	bench.Compare(t, "apache probe (stopped)", runs,
		side("ocfkit", ours, probe, "monitor", 7), side("heartbeat", heartbeatApache, probe, "monitor", 7))

	if err := act(ours, env, "start", 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { act(ours, env, "stop", 0) })
	mo, mh := bench.Compare(t, "apache monitor (status page)", runs,
		side("ocfkit", ours, monitor, "monitor", 0), side("heartbeat", heartbeatApache, monitor, "monitor", 0))
	bench.Printf("%-34s %s (at least 10x faster than heartbeat's)", "apache monitor target", met(mh >= 10*mo))
	bench.Compare(t, "apache probe (running)", runs,
		side("ocfkit", ours, probe, "monitor", 0), side("heartbeat", heartbeatApache, probe, "monitor", 0))
	monitorRSS(t, "apache monitor peak RSS", monitor, ours, "heartbeat", heartbeatApache, "its shell alone, not wget/curl")
	if err := act(ours, env, "stop", 0); err != nil {
		t.Fatal(err)
	}

	// Start and idle stop: each sample starts a server (stop timed) or
	// stops one (start timed) with the same agent, untimed around it.
	cycle := func(agent string) (start, stop time.Duration, err error) {
		t0 := time.Now()
		if err := act(agent, env, "start", 0); err != nil {
			return 0, 0, err
		}
		start = time.Since(t0)
		time.Sleep(300 * time.Millisecond) // idle: workers up, nothing in flight
		t0 = time.Now()
		if err := act(agent, env, "stop", 0); err != nil {
			return 0, 0, err
		}
		stop = time.Since(t0)
		if left := httpd.InstancePids(httpdtest.Binary, ts.ConfigFile); len(left) > 0 {
			return 0, 0, fmt.Errorf("%s stop left httpd processes %v", agent, left)
		}
		return start, stop, nil
	}
	var startO, startH, stopO, stopH []time.Duration
	cycles := max(runs/3, 5) // the anchor needs about four seconds a cycle
	for i := 0; i < cycles; i++ {
		for _, s := range []struct {
			agent       string
			start, stop *[]time.Duration
		}{{ours, &startO, &stopO}, {heartbeatApache, &startH, &stopH}} {
			a, b, err := cycle(s.agent)
			if err != nil {
				t.Fatalf("cycle %d: %v", i, err)
			}
			*s.start, *s.stop = append(*s.start, a), append(*s.stop, b)
		}
	}
	for _, r := range []struct {
		what   string
		o, h   []time.Duration
		target time.Duration
	}{{"apache start (until the check passes)", startO, startH, 0}, {"apache stop of an idle server", stopO, stopH, time.Second}} {
		mo, mh := bench.Median(r.o), bench.Median(r.h)
		bench.Printf("%-34s %-10s %9s   %-10s %9s   ratio %6.1fx  (n=%d)", r.what, "ocfkit", mo.Round(time.Microsecond),
			"heartbeat", mh.Round(time.Microsecond), float64(mh)/float64(mo), cycles)
		if r.target > 0 {
			bench.Printf("%-34s %s (median at most %s)", "apache idle stop target", met(mo <= r.target), r.target)
		}
	}
}

// met words a target for the figures; timings are reported, not asserted.
func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
