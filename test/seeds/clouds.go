package seeds

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// Clouds are the cloud seeds on the single-node cluster, beside seed 002:
// the DigitalOcean reserved IP of seeds 000, 001 and 004 (the fake API
// with this node as droplet Droplet and the IP on OtherDroplet, the token
// in a 0600 file) and the OCI secondary IP of seed 003 (the fake API with
// this node's VNIC on a veth and the IP on node2's VNIC).
type Clouds struct {
	t         testing.TB
	DO        *dofake.Fake
	DOEnv     *dofake.Env
	TokenFile string
	OCI       *ocifake.Fake
	OCIURL    string
	OCINIC    string
	OurVNIC   string
	OtherVNIC string
	RSCTMP    string // the agents' state directory (cached tokens)
}

// The cloud seeds' droplets and addresses.
const (
	Droplet      = 1001
	OtherDroplet = 1002
	FloatingIP   = "203.0.113.10"
	OCIVIP       = "198.19.53.200"
	doToken      = "dop_v1_demo_00112233445566778899aabbccddeeff"
)

// NewClouds starts the fakes; call it before the cluster starts, so that
// they outlive it.
func NewClouds(t testing.TB) *Clouds {
	t.Helper()
	cl := &Clouds{t: t, RSCTMP: t.TempDir()}
	cl.DO = dofake.New(doToken)
	cl.DO.AddDroplet(Droplet, "node1")
	cl.DO.AddDroplet(OtherDroplet, "node2")
	require.NoError(t, cl.DO.AddReservedIP(FloatingIP, OtherDroplet))
	cl.DOEnv, cl.TokenFile = dofake.Serve(t, cl.DO)

	cl.OCI = ocifake.New(ocifake.Options{})
	cl.OCIURL = ocifake.Serve(t, cl.OCI)
	subnet := cl.OCI.AddSubnet("198.19.53.0/24")
	v := netiftest.NewVeth(t, []string{"198.19.53.11/24"}, nil)
	cl.OCINIC = v.Host
	cl.OCI.AddInstance("node1")
	cl.OCI.AddInstance("node2")
	cl.OurVNIC = cl.OCI.AddVNIC("node1", subnet.ID, "198.19.53.11", v.HostMAC.String())
	cl.OtherVNIC = cl.OCI.AddVNIC("node2", subnet.ID, "198.19.53.12", "02:00:17:00:00:02")
	_, err := cl.OCI.AssignSecondary(OCIVIP, cl.OtherVNIC)
	require.NoError(t, err)
	return cl
}

// Options are what the cluster needs for the cloud agents.
func (cl *Clouds) Options() cluster.Options {
	return cluster.Options{Agents: []string{"floatip", "ocivip"}, Env: []string{"HA_RSCTMP=" + cl.RSCTMP}}
}

// Create adds fip and ocivip to s's cluster and waits for them.
func (cl *Clouds) Create(t testing.TB, s *Seed002) {
	t.Helper()
	c := s.C
	fip := []string{"resource", "create", "fip", "ocf:ocfkit:floatip", "floating_ip=" + FloatingIP,
		"token_file=" + cl.TokenFile, "api_url=" + cl.DOEnv.APIURL, "metadata_url=" + cl.DOEnv.Metadata[Droplet],
		"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=60s"}
	s.Echo("pcs %s", strings.Join(fip, " "))
	c.Pcs(t, fip...)
	vip := []string{"resource", "create", "ocivip", "ocf:ocfkit:ocivip", "secondary_private_ip=" + OCIVIP,
		"nic=" + cl.OCINIC, "metadata_url=" + ocifake.IMDSURL(cl.OCIURL, "node1"),
		"api_endpoint=" + cl.OCIURL, "auth_endpoint=" + cl.OCIURL,
		"op", "monitor", "interval=2s", "timeout=20s"}
	s.Echo("pcs %s", strings.Join(vip, " "))
	c.Pcs(t, vip...)
	c.WaitFor(t, 2*time.Minute, "fip and ocivip home", func() bool { return cl.FIPHome(t, c) && cl.OCIHome(t, c) })
}

// MoveFloatingIP assigns the reserved IP to the other droplet behind
// Pacemaker's back.
func (cl *Clouds) MoveFloatingIP() {
	require.NoError(cl.t, cl.DO.Assign(FloatingIP, OtherDroplet))
}

// MoveOCIVIP moves the secondary IP to node2's VNIC behind Pacemaker's back.
func (cl *Clouds) MoveOCIVIP() {
	_, err := cl.OCI.AssignSecondary(OCIVIP, cl.OtherVNIC)
	require.NoError(cl.t, err)
}

// FIPHome reports whether the reserved IP is on this node and fip runs.
func (cl *Clouds) FIPHome(t testing.TB, c *cluster.Cluster) bool {
	return cl.DO.Holder(FloatingIP) == Droplet && c.ResourceRole(t, "fip") == "Started"
}

// OCIHome reports whether the secondary IP is on this node's VNIC and
// ocivip runs.
func (cl *Clouds) OCIHome(t testing.TB, c *cluster.Cluster) bool {
	return cl.OCI.VNICOf(OCIVIP) == cl.OurVNIC && c.ResourceRole(t, "ocivip") == "Started"
}
