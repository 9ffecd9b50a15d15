package multinode

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPowerOffFailover proves the harness: two nodes, a group of
// heartbeat's IPaddr2 and Dummy; the node running it loses power; the
// survivor runs it, and the client reaches the address on the survivor.
func TestPowerOffFailover(t *testing.T) {
	c := Start(t, Options{Nodes: 2, Token: time.Second, OnBoot: func(n *Node) error {
		return n.ServeName(":8080")
	}})
	const vip = "10.213.0.50"
	n1 := c.Nodes[0]
	n1.Pcs(t, "resource", "create", "vip", "ocf:heartbeat:IPaddr2", "ip="+vip, "cidr_netmask=24",
		"op", "monitor", "interval=2s", "--group", "g")
	n1.Pcs(t, "resource", "create", "d1", "ocf:heartbeat:Dummy", "op", "monitor", "interval=2s", "--group", "g")
	var active string
	c.WaitFor(t, time.Minute, "the group started", func() bool {
		st := c.Status(t)
		w := st.Where("d1")
		if len(w) == 1 && len(st.Where("vip")) == 1 {
			active = w[0]
			return true
		}
		return false
	})
	body, err := c.ClientGet("http://"+vip+":8080/", 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, active, body, "the client reaches the VIP on the node that runs it")

	victim := c.Node(active)
	var survivor *Node
	for _, n := range c.Nodes {
		if n != victim {
			survivor = n
		}
	}
	off := time.Now()
	victim.PowerOff()
	c.WaitFor(t, 2*time.Minute, "the group on the survivor", func() bool {
		st := c.StatusOn(survivor)
		return st != nil && len(st.Where("d1")) == 1 && st.Where("d1")[0] == survivor.Name &&
			len(st.Where("vip")) == 1 && st.Where("vip")[0] == survivor.Name
	})
	var served string
	c.WaitFor(t, time.Minute, "the client served by the survivor", func() bool {
		served, _ = c.ClientGet("http://"+vip+":8080/", 2*time.Second)
		return served == survivor.Name
	})
	t.Logf("power off of %s: the client was served by %s after %s", victim.Name, served, time.Since(off).Round(10*time.Millisecond))

	// The node comes back and rejoins; the group stays (stickiness is not
	// set, but nothing moves a healthy group back without a reason).
	require.NoError(t, victim.PowerOn())
	c.WaitFor(t, 2*time.Minute, victim.Name+" back online", func() bool {
		st := c.StatusOn(survivor)
		return st != nil && len(st.Online()) == 2
	})
}
