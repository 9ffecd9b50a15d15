package bench_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestBenchOcivip times ocivip's start (IP elsewhere, cold and warm; IP
// already ours) and monitor against the OCI fake with 50 ms added to every
// API and federation answer, counts API, federation and metadata requests
// of each, and reports size and peak memory. The anchor cannot run here
// (it needs the OCI CLI and queries 169.254.169.254 before any action but
// meta-data), so only meta-data is compared with it.
func TestBenchOcivip(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t)
	ours := testenv.BuildAgent(t, "ocivip")

	r := ocifake.NewRegion(t, ocifake.Options{})
	f, url := r.Fake, r.URL
	here, other := r.Node(t, "a").VNIC, r.Remote("b")
	vip := r.Addr(200)
	f.SetLatency(50 * time.Millisecond)

	state := filepath.Join(t.TempDir(), "state")
	p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "vip", "HA_RSCTMP": state, "secondary_private_ip": vip,
		"metadata_url": ocifake.IMDSURL(url, "a"), "api_endpoint": url, "auth_endpoint": url}
	common := agenttest.Environ(p)
	monitor := agenttest.Environ(p.With("CRM_meta_interval", "20000"))
	t.Cleanup(func() { bench.Run(ours, common, "stop") })
	elsewhere := func() error {
		_, err := f.AssignSecondary(vip, other)
		return err
	}
	n := bench.Runs()
	calls := func(what string, runs int) {
		bench.Printf("%-34s %.1f API, %.1f federation, %.1f metadata requests per run", what,
			float64(f.APICount())/float64(runs), float64(f.Count(ocifake.OpFederation))/float64(runs),
			float64(f.Count(ocifake.OpIMDS))/float64(runs))
		f.ResetCounts()
	}
	cold := func() {
		os.Remove(filepath.Join(state, "ocivip-instance-principal.token"))
		os.Remove(filepath.Join(state, "ocivip-subnet."+here))
	}

	f.ResetCounts()
	bench.Sample(t, "ocivip start, elsewhere, cold", n, func() error {
		cold()
		if err := elsewhere(); err != nil {
			return err
		}
		return act(ours, common, "start", 0)
	})
	calls("ocivip start, elsewhere, cold", n)

	bench.Sample(t, "ocivip start, IP elsewhere", n, func() error {
		if err := elsewhere(); err != nil {
			return err
		}
		return act(ours, common, "start", 0)
	})
	calls("ocivip start, IP elsewhere", n)

	bench.Sample(t, "ocivip start, IP already ours", n, func() error { return act(ours, common, "start", 0) })
	calls("ocivip start, IP already ours", n)

	bench.Sample(t, "ocivip monitor", n, func() error { return act(ours, monitor, "monitor", 0) })
	calls("ocivip monitor", n)

	bench.Sample(t, "ocivip monitor, token renewal", n, func() error {
		os.Remove(filepath.Join(state, "ocivip-instance-principal.token"))
		return act(ours, monitor, "monitor", 0)
	})
	calls("ocivip monitor, token renewal", n)

	anchor := "/usr/lib/ocf/resource.d/heartbeat/ocivip"
	if _, err := os.Stat(anchor); err == nil {
		meta := []string{"OCF_ROOT=/usr/lib/ocf"}
		bench.Compare(t, "ocivip meta-data", n, side("ocfkit", ours, meta, "meta-data", 0), side("heartbeat", anchor, meta, "meta-data", 0))
	}

	rssMonitor, err := bench.PeakRSS(ours, monitor, "monitor")
	if err != nil {
		t.Fatal(err)
	}
	if err := elsewhere(); err != nil {
		t.Fatal(err)
	}
	cold()
	rssStart, err := bench.PeakRSS(ours, common, "start")
	if err != nil {
		t.Fatal(err)
	}
	if f.VNICOf(vip) != here {
		t.Fatalf("the measured start did not move the IP")
	}
	bench.Printf("%-34s monitor %d KB   start (cold, elsewhere) %d KB", "ocivip peak RSS", rssMonitor, rssStart)
	size := bench.FileSize(t, "ocivip binary (static, stripped)", ours)
	if size > 14_000_000 {
		bench.Printf("%-34s over the 14 MB target", "ocivip binary")
	}
}
