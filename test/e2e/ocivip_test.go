package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// TestOcivip is seed 003 under a real Pacemaker, against the OCI fake: this
// node is instance node1, whose VNIC's NIC is a veth the test owns. The
// resource takes the secondary private IP (instance principal auth); the
// fake moves the IP to node2 behind Pacemaker's back, the next monitor says
// so and Pacemaker takes it back; with the API failing the monitor reports
// degraded and Pacemaker leaves the resource alone.
func TestOcivip(t *testing.T) {
	r := ocifake.NewRegion(t, ocifake.Options{})
	f, url := r.Fake, r.URL
	node1 := r.Node(t, "node1")
	here, other := node1.VNIC, r.Remote("node2")
	vip := r.Addr(200)
	_, err := f.AssignSecondary(vip, other)
	require.NoError(t, err)

	state := filepath.Join(t.TempDir(), "state")
	c := cluster.Start(t, cluster.Options{Agents: []string{"ocivip"}, Env: []string{"HA_RSCTMP=" + state}})
	desc := c.Pcs(t, "resource", "describe", "ocf:ocfkit:ocivip")
	assert.Contains(t, desc, "secondary_private_ip (required):")
	assert.Contains(t, desc, "unassign_on_stop:")
	c.Pcs(t, "resource", "create", "vip", "ocf:ocfkit:ocivip", "secondary_private_ip="+vip,
		"metadata_url="+ocifake.IMDSURL(url, "node1"), "api_endpoint="+url, "auth_endpoint="+url,
		"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=30s")
	waitRole(t, c, "vip", "Started")
	assert.Equal(t, here, f.VNICOf(vip), "start moved the IP to this instance's VNIC")
	assert.True(t, ociHasAddr(t, node1.NIC, vip+"/24"), "the address is on the NIC with the VNIC's MAC")
	assert.Equal(t, 0, c.Failcount(t, "vip"))
	federations := f.Count(ocifake.OpFederation)
	assert.Equal(t, 1, federations)

	// The IP moves behind Pacemaker's back.
	_, err = f.AssignSecondary(vip, other)
	require.NoError(t, err)
	c.WaitFor(t, 2*time.Minute, "the IP back on this instance after a failed monitor", func() bool {
		return c.Failcount(t, "vip") >= 1 && f.VNICOf(vip) == here && c.ResourceRole(t, "vip") == "Started"
	})
	var sawNotRunning, restarted bool
	for _, op := range c.Operations(t) {
		if op.Resource != "vip" {
			continue
		}
		if op.Action == "monitor" && op.RC == 7 {
			sawNotRunning = true
		}
		if sawNotRunning && op.Action == "start" && op.RC == 0 {
			restarted = true
		}
	}
	assert.True(t, sawNotRunning, "a monitor reported the IP elsewhere")
	assert.True(t, restarted, "Pacemaker started the resource again")
	assert.True(t, ociHasAddr(t, node1.NIC, vip+"/24"))
	assert.Equal(t, federations, f.Count(ocifake.OpFederation), "every monitor and the restart used the cached token")

	// The API fails: degraded, not a failure.
	failures := c.Failcount(t, "vip")
	f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 503})
	c.WaitFor(t, 2*time.Minute, "a degraded monitor", func() bool {
		for _, op := range c.Operations(t) {
			if op.Resource == "vip" && op.Action == "monitor" && op.RC == 190 {
				return true
			}
		}
		return false
	})
	time.Sleep(5 * time.Second) // a few more monitors
	assert.Equal(t, failures, c.Failcount(t, "vip"), "degraded monitors are not failures")
	assert.Equal(t, "Started", c.ResourceRole(t, "vip"))
	f.ClearFaults()

	tok, err := os.ReadFile(filepath.Join(state, "ocivip-instance-principal.token"))
	require.NoError(t, err)
	assert.NotContains(t, c.Pcs(t, "resource", "config", "vip"), string(tok[10:40]), "no token in the CIB")

	c.Pcs(t, "resource", "disable", "vip")
	waitRole(t, c, "vip", "Stopped")
	assert.False(t, ociHasAddr(t, node1.NIC, vip+"/24"), "stop removed the address")
	assert.Equal(t, here, f.VNICOf(vip), "stop leaves the private IP by default")
}

func ociHasAddr(t *testing.T, dev, cidr string) bool {
	t.Helper()
	out, err := exec.Command("ip", "-o", "addr", "show", "dev", dev).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.Contains(string(out), " "+cidr+" ")
}
