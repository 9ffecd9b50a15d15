package bench_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestBenchFloatip times floatip's start (IP elsewhere, IP already here)
// and monitor against the DigitalOcean fake with 50 ms added to every API
// answer, counts the API requests of each, and reports size and peak
// memory. There is no installed anchor: the community agent and its
// assign-ip script are not packaged.
func TestBenchFloatip(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t) // the token file must be owned by root
	ours := testenv.BuildAgent(t, "floatip")

	const token = "dop_v1_bench_token_0123456789abcdef"
	const ip = "203.0.113.10"
	a := dofake.NewAccount(t, token, ip, 1002, map[int]string{1001: "alpha", 1002: "bravo"})
	f, env, tokenFile := a.Fake, a.Env, a.TokenFile
	f.SetFaults(dofake.Faults{Latency: 50 * time.Millisecond})
	dir := t.TempDir()
	p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "fip", "HA_RSCTMP": filepath.Join(dir, "state"),
		"floating_ip": ip, "token_file": tokenFile, "api_url": env.APIURL, "metadata_url": env.Metadata[1001]}
	common := agenttest.Environ(p)
	monitor := agenttest.Environ(p.With("CRM_meta_interval", "10000"))

	n := bench.Runs()
	calls := func(what string, runs int) {
		bench.Printf("%-34s %.1f API requests per run (%d metadata)", what, float64(f.APICalls())/float64(runs),
			f.MetadataCalls(1001)/runs)
		f.ResetCalls()
	}

	f.ResetCalls()
	bench.Sample(t, "floatip start, IP elsewhere", n, func() error {
		if err := f.Assign(ip, 1002); err != nil {
			return err
		}
		return act(ours, common, "start", 0)
	})
	calls("floatip start, IP elsewhere", n)

	bench.Sample(t, "floatip start, IP already here", n, func() error { return act(ours, common, "start", 0) })
	calls("floatip start, IP already here", n)

	bench.Sample(t, "floatip monitor (metadata agrees)", n, func() error { return act(ours, monitor, "monitor", 0) })
	calls("floatip monitor (metadata agrees)", n)

	f.SetMetadataDown(1001, true)
	bench.Sample(t, "floatip monitor (metadata down)", n, func() error { return act(ours, monitor, "monitor", 0) })
	calls("floatip monitor (metadata down)", n)
	f.SetMetadataDown(1001, false)

	rssMonitor, err := bench.PeakRSS(ours, monitor, "monitor")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Assign(ip, 1002); err != nil {
		t.Fatal(err)
	}
	rssStart, err := bench.PeakRSS(ours, common, "start")
	if err != nil {
		t.Fatal(err)
	}
	if f.Holder(ip) != 1001 {
		t.Fatalf("the measured start did not move the IP")
	}
	bench.Printf("%-34s monitor %d KB   start (IP elsewhere) %d KB", "floatip peak RSS", rssMonitor, rssStart)
	size := bench.FileSize(t, "floatip binary (static, stripped)", ours)
	if size > 12_000_000 {
		bench.Printf("%-34s over the 12 MB target", "floatip binary")
	}
}
