package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/fencetest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestInstalledForTheFencer installs both fence agents in /usr/sbin, as make
// install and the packages do, and checks that Pacemaker's tools see them:
// stonith_admin lists them and pcs describes them from their metadata. It
// removes what it installed, and refuses to touch an agent it did not.
func TestInstalledForTheFencer(t *testing.T) {
	testenv.NeedRoot(t)
	pcs := testenv.NeedCmd(t, "pcs")
	stonithAdmin := testenv.NeedCmd(t, "stonith_admin")
	bins := map[string]string{}
	for _, a := range []string{"fence_digitalocean", "fence_oci"} {
		bins[a] = testenv.BuildAgent(t, a)
	}
	testenv.LockSystem(t)
	for _, bin := range bins {
		fencetest.Install(t, bin)
	}

	out, err := exec.Command(stonithAdmin, "--list-installed").CombinedOutput()
	require.NoError(t, err, "stonith_admin --list-installed:\n%s", out)
	// stonith_admin lists fence agents by name without the fence_ prefix
	// in some versions; accept either.
	listed := strings.Fields(string(out))
	for a := range bins {
		assert.True(t, contains(listed, a) || contains(listed, strings.TrimPrefix(a, "fence_")), "%s not in:\n%s", a, out)
	}

	out, err = exec.Command(pcs, "stonith", "describe", "fence_digitalocean").CombinedOutput()
	require.NoError(t, err, "pcs stonith describe:\n%s", out)
	s := string(out)
	assert.True(t, strings.HasPrefix(s, "fence_digitalocean - Fence agent for DigitalOcean droplets"), s)
	for _, p := range []string{"token_file:", "api_url:", "power_timeout:", "pcmk_host_list:", "pcmk_delay_base:"} {
		assert.Contains(t, s, p)
	}
	out, err = exec.Command(pcs, "stonith", "describe", "fence_oci").CombinedOutput()
	require.NoError(t, err, "pcs stonith describe fence_oci:\n%s", out)
	assert.True(t, strings.HasPrefix(string(out), "fence_oci - Fence agent for OCI"), "%s", out)

	// The fencer's own view of the metadata.
	out, err = exec.Command(stonithAdmin, "--metadata", "--agent", "fence_digitalocean").CombinedOutput()
	require.NoError(t, err, "stonith_admin --metadata:\n%s", out)
	assert.Contains(t, string(out), `<resource-agent name="fence_digitalocean"`)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
