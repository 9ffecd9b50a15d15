package e2e

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestClusterApache runs ocf:ocfkit:apache under Pacemaker: the server
// starts, its main process is killed with SIGKILL behind Pacemaker's back
// (its workers live on and keep the port), the monitor notices, Pacemaker
// stops and starts it again, and disable stops everything.
func TestClusterApache(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "apache2")
	// Before the cluster, so that its cleanup (kill whatever runs with this
	// configuration) comes after Pacemaker has stopped the resource.
	ts := httpdtest.New(t, httpdtest.Options{})
	c := cluster.Start(t, cluster.Options{Agents: []string{"apache"}})

	out := c.Pcs(t, "resource", "describe", "ocf:ocfkit:apache")
	assert.Contains(t, out, "ocf:ocfkit:apache - ")
	assert.Contains(t, out, "statusurl")

	c.Pcs(t, "resource", "create", "web", "ocf:ocfkit:apache", "configfile="+ts.ConfigFile,
		"op", "monitor", "interval=2s", "timeout=20s")
	waitRole(t, c, "web", "Started")
	up := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		re, _ := httpd.CompileRegex("Apache Server Status")
		return (&httpd.Probe{URL: ts.URL("/server-status"), Match: re}).Check(ctx)
	}
	require.NoError(t, up())
	first := ts.MainPid()
	require.NotZero(t, first)
	assert.Equal(t, 0, c.Failcount(t, "web"))

	killed := time.Now()
	require.NoError(t, syscall.Kill(first, syscall.SIGKILL))
	c.WaitFor(t, time.Minute, "web fail count 1", func() bool { return c.Failcount(t, "web") >= 1 })
	c.WaitFor(t, time.Minute, "web restarted with a new main process", func() bool {
		pid := ts.MainPid()
		return pid != 0 && pid != first && httpd.IsHTTPD(pid, httpdtest.Binary) && c.ResourceRole(t, "web") == "Started"
	})
	c.WaitFor(t, 30*time.Second, "status page back", func() bool { return up() == nil })
	t.Logf("killed main process %d; serving again %s later (main process %d)", first, time.Since(killed).Round(time.Millisecond), ts.MainPid())
	main := ts.MainPid()
	for _, pid := range httpd.InstancePids(httpdtest.Binary, ts.ConfigFile) {
		if pid != main {
			assert.Equal(t, main, parentOf(t, pid), "pid %d is a worker of the new server, not an orphan of the killed one", pid)
		}
	}

	c.Pcs(t, "resource", "disable", "web")
	waitRole(t, c, "web", "Stopped")
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile))
	assert.NoFileExists(t, ts.PidFile)
}

func parentOf(t *testing.T, pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}
