package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/dofake"
)

// TestFloatip runs ocfkit's floatip under a real Pacemaker against the
// DigitalOcean fake, this node being droplet 1001: the resource takes the
// reserved IP; the fake moves the IP to droplet 1002 behind Pacemaker's
// back and the next monitor says so, so Pacemaker takes it back; with
// neither the API nor the metadata service reachable the monitor reports
// degraded, and Pacemaker keeps the resource where it is.
func TestFloatip(t *testing.T) {
	const (
		token = "dop_v1_e2e_0f1e2d3c4b5a69788796a5b4c3d2e1f0"
		ip    = "203.0.113.10"
		here  = 1001
		other = 1002
	)
	a := dofake.NewAccount(t, token, ip, other, map[int]string{here: "node1", other: "node2"})
	f, env, tokenFile := a.Fake, a.Env, a.TokenFile
	state := filepath.Join(t.TempDir(), "state")

	c := cluster.Start(t, cluster.Options{Agents: []string{"floatip"}, Env: []string{"HA_RSCTMP=" + state}})
	desc := c.Pcs(t, "resource", "describe", "ocf:ocfkit:floatip")
	assert.Contains(t, desc, "floating_ip (required):")
	assert.Contains(t, desc, "token_file:")
	c.Pcs(t, "resource", "create", "fip", "ocf:ocfkit:floatip", "floating_ip="+ip, "token_file="+tokenFile,
		"api_url="+env.APIURL, "metadata_url="+env.Metadata[here],
		"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=60s")
	waitRole(t, c, "fip", "Started")
	assert.Equal(t, here, f.Holder(ip), "start assigned the IP to this droplet")
	assert.Equal(t, 0, c.Failcount(t, "fip"))
	assert.FileExists(t, filepath.Join(state, "floatip-fip"), "the record of the start, in the test's state directory")

	// The IP moves behind Pacemaker's back.
	require.NoError(t, f.Assign(ip, other))
	c.WaitFor(t, 2*time.Minute, "the IP back on this droplet after a failed monitor", func() bool {
		return c.Failcount(t, "fip") >= 1 && f.Holder(ip) == here && c.ResourceRole(t, "fip") == "Started"
	})
	var sawNotRunning, restarts bool
	for _, op := range c.Operations(t) {
		if op.Resource != "fip" {
			continue
		}
		if op.Action == "monitor" && op.RC == 7 {
			sawNotRunning = true
		}
		if sawNotRunning && op.Action == "start" && op.RC == 0 {
			restarts = true
		}
	}
	assert.True(t, sawNotRunning, "a monitor reported the IP elsewhere")
	assert.True(t, restarts, "Pacemaker started the resource again after that")

	// Nothing answers: degraded, not a failure.
	failures := c.Failcount(t, "fip")
	f.SetMetadataDown(here, true)
	f.SetFaults(dofake.Faults{APIDown: true})
	c.WaitFor(t, 2*time.Minute, "a degraded monitor", func() bool {
		for _, op := range c.Operations(t) {
			if op.Resource == "fip" && op.Action == "monitor" && op.RC == 190 {
				return true
			}
		}
		return false
	})
	time.Sleep(5 * time.Second) // a few more monitors
	assert.Equal(t, failures, c.Failcount(t, "fip"), "degraded monitors are not failures")
	assert.Equal(t, "Started", c.ResourceRole(t, "fip"))
	f.SetFaults(dofake.Faults{})
	f.SetMetadataDown(here, false)

	out := c.Pcs(t, "resource", "config", "fip")
	assert.NotContains(t, out, token, "the token is not in the CIB")

	c.Pcs(t, "resource", "disable", "fip")
	waitRole(t, c, "fip", "Stopped")
	assert.Equal(t, here, f.Holder(ip), "stop leaves the IP by default")
	_, err := os.Stat(filepath.Join(state, "floatip-fip"))
	assert.True(t, os.IsNotExist(err), "stop removed the state file")
}
