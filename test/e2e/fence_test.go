package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/fencetest"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestFenceDigitalOceanUnderFencer has Pacemaker's own fencer run
// fence_digitalocean against the DigitalOcean fake: the device's monitor,
// the targets it lists, and stonith_admin --reboot and --off of a droplet
// named after a (remote) node. The fencer writes the options on stdin and
// reads the exit code, so this is the protocol as Pacemaker speaks it.
func TestFenceDigitalOceanUnderFencer(t *testing.T) {
	const token = "dop_v1_e2e_fence_1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"
	f := dofake.New(token)
	f.AddDroplet(1001, "remote1")
	f.AddDroplet(1002, "remote2")
	f.SetFaults(dofake.Faults{ActionDelay: 300 * time.Millisecond})
	env, tokenFile := dofake.Serve(t, f)

	c := cluster.Start(t, cluster.Options{})
	fencetest.Install(t, testenv.BuildAgent(t, "fence_digitalocean"))
	desc := c.Pcs(t, "stonith", "describe", "fence_digitalocean")
	assert.Contains(t, desc, "token_file:")
	c.Pcs(t, "stonith", "create", "fence-remote2", "fence_digitalocean", "pcmk_host_list=remote2",
		"token_file="+tokenFile, "api_url="+env.APIURL, "power_timeout=20", "op", "monitor", "interval=5s")
	waitRole(t, c, "fence-remote2", "Started")
	assert.Empty(t, f.DropletActions(1002), "the monitor touches no droplet")

	out := c.Run(t, "stonith_admin", "--list-targets", "fence-remote2", "--timeout", "30")
	assert.Contains(t, out, "remote2")
	assert.Contains(t, out, "1002")

	c.Run(t, "stonith_admin", "--reboot", "remote2", "--timeout", "60")
	assert.Equal(t, []string{"power_off", "power_on"}, f.DropletActions(1002), "a hard power off, then on")
	assert.Equal(t, "active", f.DropletStatus(1002))

	c.Run(t, "stonith_admin", "--fence", "remote2", "--timeout", "60")
	assert.Equal(t, "off", f.DropletStatus(1002))
	assert.Equal(t, "active", f.DropletStatus(1001), "only the target")
	hist := c.Run(t, "stonith_admin", "--history", "remote2")
	assert.Contains(t, hist, "of remote2 successful")
	assert.NotContains(t, c.CrmMon(t), token)

	// A target the API cannot confirm: the fencer reports failure.
	f.SetFaults(dofake.Faults{ActionDelay: time.Hour})
	f.SetDropletStatus(1002, "active")
	out2, err := exec.Command("stonith_admin", "--fence", "remote2", "--timeout", "40").CombinedOutput()
	assert.Error(t, err, "an off that the API never confirms is not a success: %s", out2)
	assert.Equal(t, "active", f.DropletStatus(1002))
}

// TestFenceOCIUnderFencer is the same for fence_oci with an API key.
func TestFenceOCIUnderFencer(t *testing.T) {
	f := ocifake.New(ocifake.Options{})
	f.AddInstance("remote1")
	id2 := f.AddInstance("remote2").ID
	f.SetComputeFaults(ocifake.ComputeFaults{ActionDelay: 300 * time.Millisecond})
	url := ocifake.Serve(t, f)
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)

	c := cluster.Start(t, cluster.Options{})
	fencetest.Install(t, testenv.BuildAgent(t, "fence_oci"))
	c.Pcs(t, "stonith", "create", "fence-remote2", "fence_oci", "pcmk_host_list=remote2",
		"config_file="+cfg, "api_endpoint="+url, "power_timeout=20", "op", "monitor", "interval=5s")
	waitRole(t, c, "fence-remote2", "Started")

	out := c.Run(t, "stonith_admin", "--list-targets", "fence-remote2", "--timeout", "30")
	assert.Contains(t, out, "remote2")
	assert.Contains(t, out, id2)

	c.Run(t, "stonith_admin", "--reboot", "remote2", "--timeout", "60")
	assert.Equal(t, []string{"STOP", "START"}, f.InstanceActions("remote2"), "STOP, then START")
	assert.Equal(t, "RUNNING", f.LifecycleState("remote2"))
	c.Run(t, "stonith_admin", "--fence", "remote2", "--timeout", "60")
	assert.Equal(t, "STOPPED", f.LifecycleState("remote2"))
	assert.Equal(t, "RUNNING", f.LifecycleState("remote1"))
	assert.NotContains(t, strings.Join(f.InstanceActions("remote2"), " "), "SOFT")
}
