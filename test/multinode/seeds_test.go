package multinode

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stack is one seed's service as the scenarios see it.
type stack struct {
	agents []string
	// create configures the service from node n (resource rsc).
	create func(t *testing.T, c *Cluster, n *Node)
	rsc    string
	// holders says who holds each exclusive thing (cloud IP, address).
	holders Probe
	// serves reports whether the service answers on node, as its users
	// and its cloud see it.
	serves func(c *Cluster, node string) bool
	// fail breaks the service on node behind Pacemaker's back.
	fail func(t *testing.T, node string)
	// rejoined checks a node that came back (DRBD resynced), if set.
	rejoined func(t *testing.T, n *Node)
}

// runScenarios puts a stack through the failover scenarios on two nodes,
// in one cluster: (3) a failure with migration-threshold=1 moves it;
// (2) a planned switchover (standby) never has two holders; (1) power
// off of the active node: the survivor serves; (5) the node comes back and
// rejoins without taking the service back; (4) with fencing, the active
// node's cable is cut: it alone is fenced, the survivor serves, never two
// holders, and it rejoins.
func runScenarios(t *testing.T, c *Cluster, s stack) {
	n1 := c.Nodes[0]
	n1.Pcs(t, "resource", "defaults", "update", "resource-stickiness=100", "migration-threshold=1")
	s.create(t, c, n1)
	other := func(name string) *Node {
		for _, n := range c.Nodes {
			if n.Name != name {
				return n
			}
		}
		return nil
	}
	where := func() string {
		for _, n := range c.Nodes {
			if n.On() && s.serves(c, n.Name) {
				if st := c.StatusOn(n); st != nil {
					if w := st.Where(s.rsc); len(w) == 1 && w[0] == n.Name {
						return n.Name
					}
				}
			}
		}
		return ""
	}
	waitOn := func(desc string, node string) time.Duration {
		began := time.Now()
		c.WaitFor(t, 2*time.Minute, desc, func() bool { return where() == node })
		return time.Since(began)
	}
	var active string
	began := time.Now()
	c.WaitFor(t, 2*time.Minute, "the service up", func() bool { active = where(); return active != "" })
	t.Logf("service up on %s after %s", active, time.Since(began).Round(10*time.Millisecond))

	// (3) a failure moves it.
	t.Run("failure", func(t *testing.T) {
		to := other(active).Name
		s.fail(t, active)
		waitOn("the service moved after a failure on "+active, to)
		n1.Pcs(t, "resource", "cleanup", s.rsc)
		active = to
	})

	// (2) planned switchover.
	t.Run("switchover", func(t *testing.T) {
		to := other(active).Name
		smp := StartSampler(100*time.Millisecond, s.holders)
		n1.Pcs(t, "node", "standby", active)
		took := waitOn("the service switched over to "+to, to)
		samples := smp.Stop()
		assert.Empty(t, DoubleHolders(samples), "no moment with two holders")
		n1.Pcs(t, "node", "unstandby", active)
		t.Logf("standby of %s: service on %s after %s (%d samples)", active, to, took.Round(10*time.Millisecond), len(samples))
		active = to
	})

	// (1) power off, then (5) the node rejoins.
	t.Run("poweroff", func(t *testing.T) {
		victim, survivor := c.Node(active), other(active)
		smp := StartSampler(100*time.Millisecond, s.holders)
		off := time.Now()
		victim.PowerOff()
		c.WaitFor(t, 2*time.Minute, "the survivor serves", func() bool { return s.serves(c, survivor.Name) })
		took := time.Since(off)
		waitOn("the survivor runs it", survivor.Name)
		require.NoError(t, victim.PowerOn())
		c.WaitFor(t, 2*time.Minute, victim.Name+" rejoined", func() bool {
			st := c.StatusOn(survivor)
			return st != nil && len(st.Online()) == len(c.Nodes)
		})
		time.Sleep(3 * time.Second) // monitors and probes on the rejoined node
		assert.Equal(t, survivor.Name, where(), "the service stays on the survivor")
		if s.rejoined != nil {
			s.rejoined(t, victim)
		}
		samples := smp.Stop()
		assert.Empty(t, DoubleHolders(samples))
		t.Logf("power off of %s: %s serves after %s", victim.Name, survivor.Name, took.Round(10*time.Millisecond))
		active = survivor.Name
	})

	// (4) fencing after a cable cut, and the fenced node rejoins.
	t.Run("fenced", func(t *testing.T) {
		fenceAll(t, c, n1)
		victim, survivor := c.Node(active), other(active)
		smp := StartSampler(100*time.Millisecond, s.holders)
		cut := time.Now()
		require.NoError(t, victim.CutLink())
		c.WaitFor(t, 2*time.Minute, "the survivor serves", func() bool { return s.serves(c, survivor.Name) })
		took := time.Since(cut)
		c.WaitFor(t, 2*time.Minute, victim.Name+" fenced and rejoined", func() bool {
			st := c.StatusOn(survivor)
			return st != nil && len(st.Online()) == len(c.Nodes)
		})
		time.Sleep(3 * time.Second)
		samples := smp.Stop()
		assert.Empty(t, DoubleHolders(samples), "never two holders")
		ev := c.Fenced()
		require.Len(t, ev, 1, "exactly one fence action: %+v", ev)
		assert.Equal(t, victim.Name, ev[0].Target)
		assert.Equal(t, survivor.Name, ev[0].By)
		assert.Equal(t, survivor.Name, where(), "the fenced node did not take the service back")
		if s.rejoined != nil {
			s.rejoined(t, victim)
		}
		t.Logf("cable of %s cut: fenced by %s at +%s; %s serves after %s", victim.Name, ev[0].By,
			ev[0].At.Sub(cut).Round(10*time.Millisecond), survivor.Name, took.Round(10*time.Millisecond))
	})
}

// TestSeedFloatip is seeds 000, 001 and 004 on two nodes: a DigitalOcean
// reserved IP moved by floatip, with the default metadata_url.
func TestSeedFloatip(t *testing.T) {
	const fip = "203.0.113.10"
	cl := NewClouds(t, 2)
	const outsider = 1099
	cl.DO.AddDroplet(outsider, "outsider")
	require.NoError(t, cl.DO.AddReservedIP(fip, 0))
	c := Start(t, Options{Nodes: 2, Token: time.Second, Agents: []string{"floatip"}, OnBoot: cl.OnBoot})
	runScenarios(t, c, stack{
		agents: []string{"floatip"},
		rsc:    "fip",
		create: func(t *testing.T, c *Cluster, n *Node) {
			n.Pcs(t, "resource", "create", "fip", "ocf:ocfkit:floatip", "floating_ip="+fip,
				"token_file="+cl.TokenFile, "api_url="+cl.DOAPI,
				"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=60s")
		},
		holders: func() map[string][]string {
			h := map[string][]string{}
			if n := cl.DOHolder(fip); n != "" {
				h["reserved-ip"] = []string{n}
			}
			return h
		},
		serves: func(c *Cluster, node string) bool { return cl.DOHolder(fip) == node },
		fail: func(t *testing.T, node string) {
			require.NoError(t, cl.DO.Assign(fip, outsider))
		},
	})
}

// TestSeedOcivip is seed 003 on two nodes: an OCI secondary private IP
// moved by ocivip, which also holds it as a local address on the node's
// NIC; the client reaches it.
func TestSeedOcivip(t *testing.T) {
	const vip = "10.213.0.60"
	cl := NewClouds(t, 2)
	cl.OCI.AddInstance("outsider")
	outsider := cl.OCI.AddVNIC("outsider", cl.Subnet.ID, "10.213.0.99", "02:00:0a:d5:00:63")
	c := Start(t, Options{Nodes: 2, Token: time.Second, Agents: []string{"ocivip"}, OnBoot: func(n *Node) error {
		if err := cl.OnBoot(n); err != nil {
			return err
		}
		return n.ServeName(":8080")
	}})
	runScenarios(t, c, stack{
		agents: []string{"ocivip"},
		rsc:    "vip",
		create: func(t *testing.T, c *Cluster, n *Node) {
			n.Pcs(t, "resource", "create", "vip", "ocf:ocfkit:ocivip", "secondary_private_ip="+vip,
				"api_endpoint="+cl.OCIAPI, "auth_endpoint="+cl.OCIAPI,
				"op", "monitor", "interval=2s", "timeout=20s")
		},
		holders: func() map[string][]string {
			h := map[string][]string{"address": c.AddrHolders(vip)}
			if n := cl.OCIHolder(vip); n != "" {
				h["private-ip"] = []string{n}
			}
			return h
		},
		serves: func(c *Cluster, node string) bool {
			if cl.OCIHolder(vip) != node || !c.Node(node).HasAddr(vip) {
				return false
			}
			got, err := c.ClientGet(fmt.Sprintf("http://%s:8080/", vip), time.Second)
			return err == nil && got == node
		},
		fail: func(t *testing.T, node string) {
			_, err := cl.OCI.AssignSecondary(vip, outsider)
			require.NoError(t, err)
		},
	})
}
