package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// clouds are the cloud seeds' side of the demo and the recovery figures:
// the DigitalOcean fake with this node as droplet 1001 and a reserved IP
// on droplet 1002, and the OCI fake with this node's VNIC on a veth and the
// secondary IP on node2's VNIC.
type clouds struct {
	t         *testing.T
	do        *dofake.Fake
	doEnv     *dofake.Env
	tokenFile string
	oci       *ocifake.Fake
	ociURL    string
	ociNIC    string
	ourVNIC   string
	otherVNIC string
	rsctmp    string // the agents' state directory (cached tokens)
}

const demoDOToken = "dop_v1_demo_00112233445566778899aabbccddeeff"

// newClouds starts the fakes; call it before the cluster starts, so that
// they outlive it.
func newClouds(t *testing.T) *clouds {
	t.Helper()
	cl := &clouds{t: t, rsctmp: t.TempDir()}
	cl.do = dofake.New(demoDOToken)
	cl.do.AddDroplet(demoDroplet, "node1")
	cl.do.AddDroplet(demoOtherDroplet, "node2")
	require.NoError(t, cl.do.AddReservedIP(demoFloatingIP, demoOtherDroplet))
	env, err := dofake.Start(cl.do)
	require.NoError(t, err)
	t.Cleanup(env.Close)
	cl.doEnv = env
	cl.tokenFile = filepath.Join(t.TempDir(), "do.token")
	require.NoError(t, os.WriteFile(cl.tokenFile, []byte(demoDOToken+"\n"), 0o600))

	cl.oci = ocifake.New(ocifake.Options{})
	cl.ociURL = ocifake.Serve(t, cl.oci)
	subnet := cl.oci.AddSubnet("198.19.53.0/24")
	v := netiftest.NewVeth(t, []string{"198.19.53.11/24"}, nil)
	cl.ociNIC = v.Host
	cl.oci.AddInstance("node1")
	cl.oci.AddInstance("node2")
	cl.ourVNIC = cl.oci.AddVNIC("node1", subnet.ID, "198.19.53.11", v.HostMAC.String())
	cl.otherVNIC = cl.oci.AddVNIC("node2", subnet.ID, "198.19.53.12", "02:00:17:00:00:02")
	_, err = cl.oci.AssignSecondary(demoOCIVIP, cl.otherVNIC)
	require.NoError(t, err)
	return cl
}

// options are what the cluster needs for the cloud agents.
func (cl *clouds) options() cluster.Options {
	return cluster.Options{Agents: []string{"floatip", "ocivip"}, Env: []string{"HA_RSCTMP=" + cl.rsctmp}}
}

// create adds fip and ocivip to s's cluster and waits for them.
func (cl *clouds) create(t *testing.T, s *seed002) {
	t.Helper()
	c := s.c
	fip := []string{"resource", "create", "fip", "ocf:ocfkit:floatip", "floating_ip=" + demoFloatingIP,
		"token_file=" + cl.tokenFile, "api_url=" + cl.doEnv.APIURL, "metadata_url=" + cl.doEnv.Metadata[demoDroplet],
		"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=60s"}
	s.echo("pcs %s", strings.Join(fip, " "))
	c.Pcs(t, fip...)
	vip := []string{"resource", "create", "ocivip", "ocf:ocfkit:ocivip", "secondary_private_ip=" + demoOCIVIP,
		"nic=" + cl.ociNIC, "metadata_url=" + ocifake.IMDSURL(cl.ociURL, "node1"),
		"api_endpoint=" + cl.ociURL, "auth_endpoint=" + cl.ociURL,
		"op", "monitor", "interval=2s", "timeout=20s"}
	s.echo("pcs %s", strings.Join(vip, " "))
	c.Pcs(t, vip...)
	c.WaitFor(t, 2*time.Minute, "fip and ocivip home", func() bool { return cl.fipHome(t, c) && cl.ociHome(t, c) })
}

func (cl *clouds) moveFloatingIP() {
	require.NoError(cl.t, cl.do.Assign(demoFloatingIP, demoOtherDroplet))
}

func (cl *clouds) moveOCIVIP() {
	_, err := cl.oci.AssignSecondary(demoOCIVIP, cl.otherVNIC)
	require.NoError(cl.t, err)
}

func (cl *clouds) fipHome(t *testing.T, c *cluster.Cluster) bool {
	return cl.do.Holder(demoFloatingIP) == demoDroplet && c.ResourceRole(t, "fip") == "Started"
}

func (cl *clouds) ociHome(t *testing.T, c *cluster.Cluster) bool {
	return cl.oci.VNICOf(demoOCIVIP) == cl.ourVNIC && c.ResourceRole(t, "ocivip") == "Started"
}
