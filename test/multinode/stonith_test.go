package multinode

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fenceAll creates one fence_harness device that can fence every node, and
// enables fencing.
func fenceAll(t *testing.T, c *Cluster, n *Node) {
	var names []string
	for _, m := range c.Nodes {
		names = append(names, m.Name)
	}
	n.Pcs(t, "stonith", "create", "fence-harness", "fence_harness", "ip="+c.FenceURL(),
		"pcmk_host_list="+strings.Join(names, " "), "op", "monitor", "interval=60s")
	n.Pcs(t, "property", "set", "stonith-enabled=true")
}

// TestFenceAgent runs fence_harness's actions by hand from a node, the way
// the fencer does, through stonith_admin.
func TestFenceAgent(t *testing.T) {
	c := Start(t, Options{Nodes: 2, Token: time.Second})
	n1, n2 := c.Nodes[0], c.Nodes[1]
	meta := n1.Run(t, "fence_harness", "-o", "metadata")
	assert.Contains(t, meta, `<resource-agent name="fence_harness"`)
	fenceAll(t, c, n1)
	out := n1.Run(t, "sh", "-c", fmt.Sprintf("printf 'action=status\\nplug=node2\\nip=%s\\n' | fence_harness", c.FenceURL()))
	assert.Contains(t, out, "Status: ON")
	out = n1.Run(t, "sh", "-c", fmt.Sprintf("printf 'action=list\\nip=%s\\n' | fence_harness", c.FenceURL()))
	assert.Contains(t, out, "node2,node2")

	// Fencing node2 through Pacemaker: off, as stonith_admin asks.
	n1.Run(t, "stonith_admin", "--fence", "node2", "--timeout", "60")
	assert.False(t, n2.On(), "node2 was powered off")
	ev := c.Fenced()
	require.Len(t, ev, 1)
	assert.Equal(t, FenceEvent{Target: "node2", Action: "off", By: "node1", OK: true}, FenceEvent{Target: ev[0].Target, Action: ev[0].Action, By: ev[0].By, OK: ev[0].OK})
	out, err := n1.Exec("sh", "-c", fmt.Sprintf("printf 'action=status\\nplug=node2\\nip=%s\\n' | fence_harness", c.FenceURL()))
	assert.Error(t, err, "status of a node that is off exits 2")
	assert.Contains(t, out, "Status: OFF")
}

// TestCutLinkFenced is scenario 4 on ocfkit's IPaddr2 and floatip (a
// group of both): with fencing on, the active node's cable is cut; another
// node fences it (only they can reach the fence device), then takes the
// address and the reserved IP: at no 100 ms sample do two nodes hold
// either. The fenced node reboots and rejoins, and the address
// stays where it is (resource-stickiness).
//
// Two nodes go through the same with every seed stack (TestSeed002,
// TestSeedFloatip, TestSeedOcivip); this is the three-node run, where the
// isolated node also loses quorum.
func TestCutLinkFenced(t *testing.T) {
	cutLinkFenced(t, 3)
}

func cutLinkFenced(t *testing.T, nodes int) {
	const fip = "203.0.113.11"
	cl := NewClouds(t, nodes)
	require.NoError(t, cl.DO.AddReservedIP(fip, 0))
	c := Start(t, Options{Nodes: nodes, Token: time.Second, Agents: []string{"IPaddr2", "floatip"}, OnBoot: cl.OnBoot})
	const vip = "10.213.0.51"
	n1 := c.Nodes[0]
	fenceAll(t, c, n1)
	n1.Pcs(t, "resource", "defaults", "update", "resource-stickiness=100")
	n1.Pcs(t, "resource", "create", "vip", "ocf:ocfkit:IPaddr2", "ip="+vip, "cidr_netmask=24", "nic=eth0",
		"op", "monitor", "interval=2s", "--group", "g")
	n1.Pcs(t, "resource", "create", "fip", "ocf:ocfkit:floatip", "floating_ip="+fip,
		"token_file="+cl.TokenFile, "api_url="+cl.DOAPI, "op", "monitor", "interval=2s", "timeout=20s",
		"--group", "g")
	var active string
	c.WaitFor(t, time.Minute, "vip and fip started", func() bool {
		w := c.Status(t).Where("vip")
		if len(w) == 1 && cl.DOHolder(fip) == w[0] {
			active = w[0]
			return true
		}
		return false
	})
	victim := c.Node(active)
	s := StartSampler(100*time.Millisecond, func() map[string][]string {
		h := map[string][]string{"vip": c.AddrHolders(vip)}
		if n := cl.DOHolder(fip); n != "" {
			h["reserved-ip"] = []string{n}
		}
		return h
	})
	cut := time.Now()
	require.NoError(t, victim.CutLink())
	var survivor string
	c.WaitFor(t, 2*time.Minute, "vip and fip on another node", func() bool {
		for _, n := range c.Nodes {
			if n != victim && n.HasAddr(vip) && cl.DOHolder(fip) == n.Name {
				survivor = n.Name
				return true
			}
		}
		return false
	})
	took := time.Since(cut)
	c.WaitFor(t, 2*time.Minute, victim.Name+" rebooted and back online", func() bool {
		st := c.StatusOn(c.Node(survivor))
		return st != nil && len(st.Online()) == nodes
	})
	time.Sleep(3 * time.Second) // a few monitors after the rejoin
	samples := s.Stop()
	assert.Empty(t, DoubleHolders(samples), "never two holders of the address")
	ev := c.Fenced()
	require.Len(t, ev, 1, "exactly one fence action: %+v", ev)
	assert.Equal(t, victim.Name, ev[0].Target)
	assert.NotEqual(t, victim.Name, ev[0].By)
	assert.True(t, ev[0].OK)
	assert.Equal(t, []string{survivor}, c.Status(t).Where("vip"), "the rejoined node did not take the address back")
	assert.Equal(t, survivor, cl.DOHolder(fip), "nor the reserved IP")
	t.Logf("%d nodes: cable of %s cut; fenced by %s at +%s; address and reserved IP on %s at +%s; %d samples",
		nodes, victim.Name, ev[0].By, ev[0].At.Sub(cut).Round(10*time.Millisecond), survivor,
		took.Round(10*time.Millisecond), len(samples))
}

// TestCutLinkWithoutFencing shows what fencing prevents: with
// stonith-enabled=false, cutting the active node's cable leaves each side
// sure the other is dead, and the address is held by both nodes at once.
// When the cable is back, Pacemaker finds the address active twice and
// leaves it on one node.
func TestCutLinkWithoutFencing(t *testing.T) {
	c := Start(t, Options{Nodes: 2, Token: time.Second, Agents: []string{"IPaddr2"}})
	const vip = "10.213.0.52"
	n1 := c.Nodes[0]
	n1.Pcs(t, "resource", "create", "vip", "ocf:ocfkit:IPaddr2", "ip="+vip, "cidr_netmask=24", "nic=eth0",
		"op", "monitor", "interval=2s")
	var active string
	c.WaitFor(t, time.Minute, "vip started", func() bool {
		w := c.Status(t).Where("vip")
		if len(w) == 1 {
			active = w[0]
		}
		return len(w) == 1
	})
	victim := c.Node(active)
	require.NoError(t, victim.CutLink())
	c.WaitFor(t, time.Minute, "the address on both nodes (split brain)", func() bool {
		return len(c.AddrHolders(vip)) == 2
	})
	require.NoError(t, victim.HealLink())
	c.WaitFor(t, 2*time.Minute, "one cluster again, the address on one node", func() bool {
		st := c.StatusOn(victim)
		return st != nil && len(st.Online()) == 2 && len(st.Where("vip")) == 1 && len(c.AddrHolders(vip)) == 1
	})
	assert.Empty(t, c.Fenced(), "nobody was fenced")
}
