package bench_test

import (
	"os/exec"
	"testing"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/testenv"
)

const heartbeatIPaddr2 = "/usr/lib/ocf/resource.d/heartbeat/IPaddr2"

// TestBenchIPaddr2 times meta-data, probe and monitor of ocfkit's IPaddr2
// and heartbeat's on the same address, alternating, and reports size and
// peak memory.
func TestBenchIPaddr2(t *testing.T) {
	bench.Need(t)
	testenv.NeedFile(t, heartbeatIPaddr2)
	ours := testenv.BuildAgent(t, "IPaddr2")
	v := netiftest.NewVeth(t, []string{"198.18.60.1/24 brd +"}, nil)
	p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "vip", "ip": "198.18.60.10", "nic": v.Host, "cidr_netmask": "24"}
	common := agenttest.Environ(p)
	probe := agenttest.Environ(p.With("CRM_meta_interval", "0"))
	monitor := agenttest.Environ(p.With("CRM_meta_interval", "10000"))

	n := bench.Runs()
	bench.Compare(t, "IPaddr2 meta-data", n, side("ocfkit", ours, common, "meta-data", 0), side("heartbeat", heartbeatIPaddr2, common, "meta-data", 0))
	bench.Compare(t, "IPaddr2 probe (stopped)", n, side("ocfkit", ours, probe, "monitor", 7), side("heartbeat", heartbeatIPaddr2, probe, "monitor", 7))
	t.Cleanup(func() { exec.Command("ip", "addr", "del", "198.18.60.10/24", "dev", v.Host).Run() })
	if err := act(ours, agenttest.Environ(p.With("arp_bg", "false", "arp_count", "1")), "start", 0); err != nil {
		t.Fatal(err)
	}
	bench.Compare(t, "IPaddr2 monitor (started)", n, side("ocfkit", ours, monitor, "monitor", 0), side("heartbeat", heartbeatIPaddr2, monitor, "monitor", 0))

	monitorRSS(t, "IPaddr2 monitor peak RSS", monitor, ours, "heartbeat", heartbeatIPaddr2, "its shell alone, not its 20 children")
	bench.FileSize(t, "IPaddr2 binary (static, stripped)", ours)
}
