package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/cluster"
)

// TestClusterDummy proves the harness with Pacemaker's own Dummy agent: a
// resource starts, a monitor failure is detected and recovered, a failure
// injected with crm_resource --fail is recovered, and disable stops it.
func TestClusterDummy(t *testing.T) {
	c := cluster.Start(t, cluster.Options{})
	state := filepath.Join(t.TempDir(), "d1.state")
	assert.Equal(t, "false", strings.TrimSpace(c.Run(t, "crm_attribute", "-t", "crm_config", "-n", "stonith-enabled", "-G", "-q")))

	c.Pcs(t, "resource", "create", "d1", "ocf:heartbeat:Dummy", "state="+state,
		"op", "monitor", "interval=1s")
	waitRole(t, c, "d1", "Started")
	require.FileExists(t, state)
	assert.Equal(t, 0, c.Failcount(t, "d1"))

	// The resource vanishes behind Pacemaker's back: the next monitor
	// says "not running", Pacemaker counts a failure and restarts it.
	require.NoError(t, os.Remove(state))
	c.WaitFor(t, time.Minute, "d1 fail count 1", func() bool { return c.Failcount(t, "d1") == 1 })
	waitRole(t, c, "d1", "Started")
	c.WaitFor(t, time.Minute, "d1 state file back", func() bool {
		_, err := os.Stat(state)
		return err == nil
	})

	// An injected failure. Pacemaker 2.1 counts it twice (fail-count of
	// d1#asyncmon_0 goes to 2), so only "more than before" is certain.
	c.Run(t, "crm_resource", "--fail", "-r", "d1", "-N", c.Node())
	c.WaitFor(t, time.Minute, "d1 fail count above 1", func() bool { return c.Failcount(t, "d1") > 1 })
	// The role reads Started until the scheduler acts on the failure, so
	// the recovery is awaited by its start, not by the role.
	starts := func() int {
		n := 0
		for _, op := range c.Operations(t) {
			if op.Resource == "d1" && op.Action == "start" && op.RC == 0 {
				n++
			}
		}
		return n
	}
	c.WaitFor(t, time.Minute, "d1 started a third time", func() bool { return starts() >= 3 })
	waitRole(t, c, "d1", "Started")
	assert.Equal(t, 3, starts(), "one start and two recoveries")

	c.Pcs(t, "resource", "disable", "d1")
	waitRole(t, c, "d1", "Stopped")
	assert.NoFileExists(t, state)
}

// TestClusterPromotable checks the roles and the promotion score the drbd
// scenario relies on, with Pacemaker's Stateful agent.
func TestClusterPromotable(t *testing.T) {
	c := cluster.Start(t, cluster.Options{})
	state := filepath.Join(t.TempDir(), "st.state")

	c.Pcs(t, "resource", "create", "st", "ocf:pacemaker:Stateful", "state="+state,
		"promotable", "promoted-max=1", "clone-max=1",
		"op", "monitor", "interval=2s", "role=Promoted", "op", "monitor", "interval=3s", "role=Unpromoted")
	waitRole(t, c, "st-clone", "Promoted")
	assert.Equal(t, "Promoted", c.ResourceRole(t, "st"))
	score, err := strconv.Atoi(c.NodeAttr(t, "master-st"))
	require.NoError(t, err)
	assert.Positive(t, score)
	assert.Equal(t, "", c.NodeAttr(t, "ocfkit-no-such-attribute"))

	c.Pcs(t, "resource", "disable", "st-clone")
	waitRole(t, c, "st-clone", "Stopped")
	assert.Equal(t, "", c.NodeAttr(t, "master-st"))
}

func waitRole(t *testing.T, c *cluster.Cluster, id, role string) {
	t.Helper()
	c.WaitFor(t, 2*time.Minute, id+" "+role, func() bool { return c.ResourceRole(t, id) == role })
}

// TestClusterProvider checks that built agents appear as provider ocfkit
// and what environment Pacemaker runs agents with: Options.Env, the
// harness's log settings, and nothing else from the test process.
func TestClusterProvider(t *testing.T) {
	t.Setenv("OCFKIT_E2E_SENTINEL", "from-the-test-process")
	c := cluster.Start(t, cluster.Options{Agents: []string{"IPaddr2"}, Env: []string{"OCFKIT_E2E_MARK=1"}})

	out := c.Pcs(t, "resource", "describe", "ocf:ocfkit:IPaddr2")
	assert.Contains(t, out, "ocf:ocfkit:IPaddr2 - ")
	assert.Contains(t, out, "ip (required):")
	link, err := os.Readlink(cluster.ProviderDir)
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(link, "IPaddr2"))

	env := execdEnviron(t)
	assert.Contains(t, env, "OCFKIT_E2E_MARK=1")
	assert.Contains(t, env, "HA_LOGFACILITY=none", "no syslog from agents")
	assert.NotContains(t, strings.Join(env, "\n"), "OCFKIT_E2E_SENTINEL")
	var logfile string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "HA_LOGFILE="); ok {
			logfile = v
		}
	}
	require.NotEmpty(t, logfile, "agents get a log file")
	assert.FileExists(t, logfile)
	assert.Contains(t, env, "HA_RSCTMP="+filepath.Join(filepath.Dir(logfile), "rsctmp"), "agents' state stays in the cluster's directory")
}

// execdEnviron is the environment of this cluster's pacemaker-execd, which
// runs the agents. Start refuses when another cluster runs, so the only
// pacemaker-execd is ours.
func execdEnviron(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	require.NoError(t, err)
	for _, e := range ents {
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err != nil || strings.TrimSpace(string(comm)) != "pacemaker-execd" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		require.NoError(t, err)
		return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	}
	t.Fatal("no pacemaker-execd running")
	return nil
}
