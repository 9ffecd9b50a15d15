package multinode

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// cloudFence is one cloud's fence agent and IP agent in the two-node
// scenario: the devices, the IP resource, and what the cloud says.
type cloudFence struct {
	agent   string                          // fence_digitalocean, fence_oci
	ipAgent string                          // floatip, ocivip
	device  func(node string) []string      // pcs stonith create arguments after the agent name
	ip      func(t *testing.T, n *Node)     // creates resource "ip"
	holder  func() string                   // the node the cloud gives the IP to
	actions func(node string) []string      // power actions posted for the node's machine
	hooks   func(off, on func(name string)) // wires the cloud's power to the harness
	offword string                          // the action that powers off: power_off, STOP
}

// TestFenceDigitalOceanCutLink: a two-node DigitalOcean cluster (floatip,
// and one fence_digitalocean device per node, pcmk_delay_base on the
// survivor's). The active node's cable is cut; both nodes still reach the
// API (as droplets reach it over the internet), so both try to fence: the
// survivor's device for the victim has no delay and wins. The fake powers
// the victim's node off when the droplet's power_off takes effect; the
// survivor takes the reserved IP; at no sample do two nodes hold it.
func TestFenceDigitalOceanCutLink(t *testing.T) {
	const fip = "203.0.113.30"
	cl := NewClouds(t, 2)
	require.NoError(t, cl.DO.AddReservedIP(fip, 0))
	cl.DO.SetFaults(dofake.Faults{ActionDelay: 500 * time.Millisecond})
	c := Start(t, Options{Nodes: 2, Token: time.Second, Agents: []string{"floatip"}, OnBoot: cl.OnBoot,
		FenceAgents: map[string]string{"fence_digitalocean": testenv.BuildAgent(t, "fence_digitalocean")}})
	fenceScenario(t, c, cloudFence{
		agent: "fence_digitalocean", ipAgent: "floatip", offword: "power_off",
		device: func(node string) []string {
			return []string{"token_file=" + cl.TokenFile, "api_url=" + cl.DOAPI, "power_timeout=30"}
		},
		ip: func(t *testing.T, n *Node) {
			n.Pcs(t, "resource", "create", "ip", "ocf:ocfkit:floatip", "floating_ip="+fip,
				"token_file="+cl.TokenFile, "api_url="+cl.DOAPI,
				"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=60s")
		},
		holder: func() string { return cl.DOHolder(fip) },
		actions: func(node string) []string {
			return cl.DO.DropletActions(DropletID(c.Node(node).ID))
		},
		hooks: func(off, on func(string)) {
			cl.DO.SetPowerHooks(dofake.PowerHooks{OnPowerOff: off, OnPowerOn: on})
		},
	})
}

// TestFenceOCICutLink is the same on OCI: ocivip, and one fence_oci
// device per node authenticating as the instance it runs on (instance
// principals: each node's own certificate from its own metadata service).
func TestFenceOCICutLink(t *testing.T) {
	const vip = "10.213.0.61"
	cl := NewClouds(t, 2)
	cl.OCI.SetComputeFaults(ocifake.ComputeFaults{ActionDelay: 500 * time.Millisecond})
	c := Start(t, Options{Nodes: 2, Token: time.Second, Agents: []string{"ocivip"}, OnBoot: cl.OnBoot,
		FenceAgents: map[string]string{"fence_oci": testenv.BuildAgent(t, "fence_oci")}})
	fenceScenario(t, c, cloudFence{
		agent: "fence_oci", ipAgent: "ocivip", offword: "STOP",
		device: func(node string) []string {
			return []string{"auth=instance_principal", "region=" + cl.OCI.Region(), "compartment=" + cl.OCI.Tenancy(),
				"api_endpoint=" + cl.OCIAPI, "auth_endpoint=" + cl.OCIAPI, "power_timeout=30"}
		},
		ip: func(t *testing.T, n *Node) {
			n.Pcs(t, "resource", "create", "ip", "ocf:ocfkit:ocivip", "secondary_private_ip="+vip,
				"api_endpoint="+cl.OCIAPI, "auth_endpoint="+cl.OCIAPI,
				"op", "monitor", "interval=2s", "timeout=20s")
		},
		holder:  func() string { return cl.OCIHolder(vip) },
		actions: func(node string) []string { return cl.OCI.InstanceActions(node) },
		hooks: func(off, on func(string)) {
			cl.OCI.SetPowerHooks(ocifake.PowerHooks{OnPowerOff: off, OnPowerOn: on})
		},
	})
}

func fenceScenario(t *testing.T, c *Cluster, s cloudFence) {
	n1 := c.Nodes[0]
	other := func(name string) *Node {
		for _, n := range c.Nodes {
			if n.Name != name {
				return n
			}
		}
		return nil
	}
	// The cloud's power is the node's power: an off that the API reports
	// is a node that is off.
	s.hooks(func(name string) { c.Node(name).PowerOff() }, func(name string) {
		if n := c.Node(name); !n.On() {
			if err := n.PowerOn(); err != nil {
				t.Logf("power on %s: %v", name, err)
			}
		}
	})

	n1.Pcs(t, "resource", "defaults", "update", "resource-stickiness=100")
	s.ip(t, n1)
	var active string
	c.WaitFor(t, 2*time.Minute, "the IP up", func() bool {
		st := c.StatusOn(n1)
		if st == nil {
			return false
		}
		if w := st.Where("ip"); len(w) == 1 && s.holder() == w[0] {
			active = w[0]
			return true
		}
		return false
	})
	victim, survivor := c.Node(active), other(active)

	// One device per node; the one that fences the survivor waits, so
	// the survivor wins the two-node race.
	for _, n := range c.Nodes {
		args := []string{"stonith", "create", "fence-" + n.Name, s.agent, "pcmk_host_list=" + n.Name}
		if n == survivor {
			args = append(args, "pcmk_delay_base=5s")
		}
		args = append(args, s.device(n.Name)...)
		args = append(args, "op", "monitor", "interval=30s")
		n1.Pcs(t, args...)
		n1.Pcs(t, "constraint", "location", "fence-"+n.Name, "avoids", n.Name)
	}
	n1.Pcs(t, "property", "set", "stonith-enabled=true", "stonith-timeout=120s")
	c.WaitFor(t, 2*time.Minute, "both fence devices started", func() bool {
		st := c.StatusOn(n1)
		return st != nil && len(st.Where("fence-node1")) == 1 && len(st.Where("fence-node2")) == 1
	})

	// By hand first: stonith_admin --reboot from the survivor, as an
	// administrator checks a new cluster.
	out := survivor.Run(t, "stonith_admin", "--reboot", victim.Name, "--timeout", "90")
	t.Logf("stonith_admin --reboot %s: %s", victim.Name, out)
	assert.Equal(t, []string{s.offword}, firstOf(s.actions(victim.Name), 1), "a hard power off")
	c.WaitFor(t, 3*time.Minute, victim.Name+" back after the reboot", func() bool {
		st := c.StatusOn(survivor)
		return victim.On() && st != nil && len(st.Online()) == 2
	})
	c.WaitFor(t, 2*time.Minute, "the IP settled", func() bool {
		st := c.StatusOn(survivor)
		if st == nil {
			return false
		}
		w := st.Where("ip")
		if len(w) == 1 && s.holder() == w[0] {
			active = w[0]
			return true
		}
		return false
	})
	if active != victim.Name {
		// The IP moved during the reboot: the other node is now the one
		// to cut, and the delays must follow.
		victim, survivor = survivor, victim
		n1.Pcs(t, "stonith", "update", "fence-"+victim.Name, "pcmk_delay_base=0s")
		n1.Pcs(t, "stonith", "update", "fence-"+survivor.Name, "pcmk_delay_base=5s")
	}
	before := len(s.actions(victim.Name))
	beforeSurvivor := len(s.actions(survivor.Name))

	smp := StartSampler(100*time.Millisecond, func() map[string][]string {
		h := map[string][]string{}
		if n := s.holder(); n != "" {
			h["cloud-ip"] = []string{n}
		}
		return h
	})
	cut := time.Now()
	require.NoError(t, victim.CutLink())
	var offAt time.Duration
	c.WaitFor(t, 2*time.Minute, victim.Name+" powered off by "+s.agent, func() bool {
		if !victim.On() || len(s.actions(victim.Name)) > before {
			if offAt == 0 {
				offAt = time.Since(cut)
			}
			return slices.Contains(s.actions(victim.Name)[before:], s.offword)
		}
		return false
	})
	c.WaitFor(t, 2*time.Minute, "the survivor holds the IP", func() bool {
		st := c.StatusOn(survivor)
		return s.holder() == survivor.Name && st != nil && slices.Contains(st.Where("ip"), survivor.Name)
	})
	took := time.Since(cut)
	time.Sleep(5 * time.Second) // past the victim's delayed attempt, had it lived
	samples := smp.Stop()
	assert.Empty(t, DoubleHolders(samples), "never two holders of the IP")
	assert.Equal(t, beforeSurvivor, len(s.actions(survivor.Name)), "the survivor was never powered: %v", s.actions(survivor.Name))
	assert.True(t, survivor.On())
	t.Logf("%s: cable of %s cut; %s asked to power it off at +%s; %s holds the IP at +%s (%d samples)",
		s.agent, victim.Name, survivor.Name, offAt.Round(10*time.Millisecond), survivor.Name,
		took.Round(10*time.Millisecond), len(samples))
}

func firstOf(xs []string, n int) []string {
	if len(xs) < n {
		return xs
	}
	return xs[:n]
}
