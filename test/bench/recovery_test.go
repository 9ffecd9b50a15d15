package bench_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"

	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/seeds"
)

// TestSeedsRecovery measures, under `make bench` only, how long Pacemaker
// takes from each injected failure to recording the resource started again
// (the controller's log time of the successful start), as a median of 5:
// the seed 002 stack, the DigitalOcean reserved IP (seeds 000, 001, 004)
// and the OCI secondary IP (seed 003), all in one cluster. The monitors run
// every 2 s, so about half of that is detection.
func TestSeedsRecovery(t *testing.T) {
	bench.Need(t)
	cl := seeds.NewClouds(t)
	s := seeds.New002(t, cl.Options())
	c := s.C
	s.Configure(t)
	s.WaitUp(t, "the seed 002 stack up")
	cl.Create(t, s)
	vip, err := netlink.ParseAddr(s.VIP + "/24")
	require.NoError(t, err)
	link, err := netlink.LinkByName(s.NIC)
	require.NoError(t, err)
	now := func(f func()) func() time.Time {
		return func() time.Time {
			start := time.Now()
			f()
			return start
		}
	}
	seedUp := func() bool { return s.Up(t) }

	// Each inject returns the moment the clock starts.
	kinds := []struct {
		what, rsc string
		inject    func() time.Time
		up        func() bool
	}{
		{"seed 002, apache killed", "res_httpd",
			now(func() { require.NoError(t, syscall.Kill(s.Web.MainPid(), syscall.SIGKILL)) }), seedUp},
		{"seed 002, filesystem unmounted", "res_fs_drbd0", now(func() { s.Unmount(t) }), seedUp},
		{"seed 002, VIP deleted", "res_ip", now(func() { require.NoError(t, netlink.AddrDel(link, vip)) }), seedUp},
		{"seed 002, DRBD UpToDate again, apache up", "res_httpd", func() time.Time {
			s.SetDisk(t, "Outdated")
			c.WaitFor(t, 2*time.Minute, "the group stopped", func() bool { return c.ResourceRole(t, "rg_httpd") == "Stopped" })
			return now(func() { s.SetDisk(t, "UpToDate") })()
		}, seedUp},
		{"DigitalOcean, reserved IP moved", "fip", now(cl.MoveFloatingIP), func() bool { return cl.FIPHome(t, c) }},
		{"OCI, secondary IP moved", "ocivip", now(cl.MoveOCIVIP), func() bool { return cl.OCIHome(t, c) }},
	}
	const runs = 5
	for _, k := range kinds {
		var d []time.Duration
		for i := 0; i < runs; i++ {
			since := k.inject()
			d = append(d, c.Recovery(t, k.rsc, since, 2*time.Minute))
			c.WaitFor(t, 2*time.Minute, "all well again after: "+k.what, k.up)
		}
		bench.Printf("%-44s median %9s  (n=%d, monitors every 2s)", "recovery: "+k.what,
			bench.Median(d).Round(time.Millisecond), runs)
	}
}
