package multinode

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// allStacks is every seed in one two-node cluster, kept together on one
// node: seed 002's stack, a floatip reserved IP (seeds 000, 001, 004) and
// an ocivip secondary IP (seed 003), both colocated with rg_httpd. The demo
// and the benchmark power off the node that runs them.
type allStacks struct {
	c     *Cluster
	s     *Seed002
	cl    *Clouds
	fip   string
	vip   string
	echo  func(string)
	names []string
}

func newAllStacks(t *testing.T, token time.Duration, echo func(string)) *allStacks {
	a := &allStacks{fip: "203.0.113.10", vip: "10.213.0.60", echo: echo,
		names: []string{"seed 002 (page at the VIP)", "seeds 000/001/004 (reserved IP)", "seed 003 (OCI IP)"}}
	a.s = NewSeed002(t)
	a.cl = NewClouds(t, 2)
	require.NoError(t, a.cl.DO.AddReservedIP(a.fip, 0))
	o := a.s.Options()
	o.Nodes, o.Token = 2, token
	o.Agents = append(o.Agents, "floatip", "ocivip")
	o.OnBoot = func(n *Node) error {
		if err := a.s.DRBD.OnBoot(n); err != nil {
			return err
		}
		if err := a.cl.OnBoot(n); err != nil {
			return err
		}
		return n.ServeName(":8080")
	}
	a.c = Start(t, o)
	return a
}

// configure creates everything from node1 with pcs, prefers node1 a
// little (stickiness keeps things where they run), and waits until node1
// serves all of it.
func (a *allStacks) configure(t *testing.T, stonith bool) {
	c, n1 := a.c, a.c.Nodes[0]
	pcs := func(args ...string) {
		if a.echo != nil {
			a.echo("pcs " + strings.Join(args, " "))
		}
		n1.Pcs(t, args...)
	}
	pcs("resource", "defaults", "update", "resource-stickiness=100")
	if stonith {
		pcs("stonith", "create", "fence-harness", "fence_harness", "ip="+c.FenceURL(),
			"pcmk_host_list=node1 node2", "op", "monitor", "interval=60s")
		pcs("property", "set", "stonith-enabled=true")
	}
	a.s.Prefer = n1.Name
	a.s.Configure(t, c, n1, a.echo)
	pcs("resource", "create", "fip", "ocf:ocfkit:floatip", "floating_ip="+a.fip,
		"token_file="+a.cl.TokenFile, "api_url="+a.cl.DOAPI,
		"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=60s")
	pcs("resource", "create", "ocivip", "ocf:ocfkit:ocivip", "secondary_private_ip="+a.vip,
		"api_endpoint="+a.cl.OCIAPI, "auth_endpoint="+a.cl.OCIAPI,
		"op", "monitor", "interval=2s", "timeout=20s")
	pcs("constraint", "colocation", "add", "fip", "with", "rg_httpd", "INFINITY")
	pcs("constraint", "colocation", "add", "ocivip", "with", "rg_httpd", "INFINITY")
	c.WaitFor(t, 3*time.Minute, "every stack served by node1", func() bool { return a.allOn("node1") })
}

// serves reports, per stack, whether node serves it: the client gets the
// page from seed 002's VIP; the DO fake has the reserved IP on node's
// droplet; the OCI fake has the secondary IP on node's VNIC and the client
// is answered by node at that address.
func (a *allStacks) serves(node string) []bool {
	ociOK := false
	if a.cl.OCIHolder(a.vip) == node {
		got, err := a.c.ClientGet(fmt.Sprintf("http://%s:8080/", a.vip), time.Second)
		ociOK = err == nil && got == node
	}
	return []bool{a.s.Serves(a.c, node), a.cl.DOHolder(a.fip) == node, ociOK}
}

func (a *allStacks) allOn(node string) bool {
	for _, ok := range a.serves(node) {
		if !ok {
			return false
		}
	}
	return true
}

// powerOff cuts node's power and returns when, and, per stack, how long
// until the other node served it.
func (a *allStacks) powerOff(t *testing.T, victim, survivor *Node) (time.Time, []time.Duration) {
	took := make([]time.Duration, len(a.names))
	off := time.Now()
	victim.PowerOff()
	a.c.WaitFor(t, 3*time.Minute, "every stack on "+survivor.Name, func() bool {
		done := true
		for i, ok := range a.serves(survivor.Name) {
			if ok && took[i] == 0 {
				took[i] = time.Since(off)
			}
			done = done && took[i] != 0
		}
		return done
	})
	return off, took
}

// lostAt is the first time after since that node's Pacemaker log says
// peer lost (the controller learnt from Corosync that the peer left).
func lostAt(n *Node, peer string, since time.Time) time.Time {
	b, err := os.ReadFile(filepath.Join(n.dir, "var-log-pacemaker", "pacemaker.log"))
	if err != nil {
		return time.Time{}
	}
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, "pacemaker-controld") || !strings.Contains(l, "Node "+peer+" state is now lost") {
			continue
		}
		if len(l) < 19 {
			continue
		}
		at, err := time.ParseInLocation("Jan 02 15:04:05.000", l[:19], time.Local)
		if err != nil {
			continue
		}
		at = at.AddDate(since.Year(), 0, 0)
		if at.After(since) {
			return at
		}
	}
	return time.Time{}
}
