package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// cloud is a fake region (ocifake.Region) with an API key config file,
// and instances added per test.
type cloud struct {
	t *testing.T
	*ocifake.Region
	f      *ocifake.Fake
	url    string
	config string // API key config file
}

func newCloud(t *testing.T, opt ocifake.Options) *cloud {
	t.Helper()
	testenv.NeedRoot(t)
	r := ocifake.NewRegion(t, opt)
	c := &cloud{t: t, Region: r, f: r.Fake, url: r.URL}
	cfg, err := ocifake.WriteConfig(t.TempDir(), c.f.AddAPIKey(), c.f.Region(), "")
	require.NoError(t, err)
	c.config = cfg
	return c
}

// addr is the n-th address of the subnet (198.19.x.n).
func (c *cloud) addr(n int) string { return c.Addr(n) }

// node is one simulated instance (ocifake.Node) with its own state
// directory.
type node struct {
	t        *testing.T
	c        *cloud
	name     string
	vnic     string
	nic      string
	stateDir string
	p        kvs
}

func (c *cloud) node(name string, byMAC bool) *node {
	c.t.Helper()
	o := c.Node(c.t, name)
	n := &node{t: c.t, c: c, name: name, vnic: o.VNIC, nic: o.NIC, stateDir: c.t.TempDir(), p: kvs(o.Params)}
	if !byMAC {
		n.p["nic"] = o.NIC
	}
	return n
}

type kvs = agenttest.Params

// run runs action as Pacemaker would on a node whose state and log are in
// stateDir, and fails the test if a secret shows in the output or the log.
// The resource is "vip" unless OCF_RESOURCE_INSTANCE says otherwise.
func run(t *testing.T, stateDir string, p kvs, action string) agenttest.Result {
	t.Helper()
	if _, ok := p["OCF_RESOURCE_INSTANCE"]; !ok {
		p = p.With("OCF_RESOURCE_INSTANCE", "vip")
	}
	logFile := filepath.Join(stateDir, "ocivip.log")
	cmd := agenttest.Command(t, testenv.BuildAgent(t, "ocivip"), action, p, "HA_RSCTMP="+stateDir, "HA_LOGFILE="+logFile)
	// Only the parameters configure the agent, not an OCI CLI's settings.
	cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "OCI_") })
	r := agenttest.Exec(t, cmd)
	log, _ := os.ReadFile(logFile)
	noSecrets(t, stateDir, r.Stdout+r.Stderr+string(log))
	return r
}

// noSecrets fails when a cached token or session key shows up in output.
func noSecrets(t *testing.T, stateDir, out string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(stateDir, "ocivip-instance-principal.token"))
	if err != nil {
		return
	}
	for _, field := range []string{`"token":"`, `"sessionKey":"`} {
		if i := bytes.Index(b, []byte(field)); i >= 0 {
			secret := string(b[i+len(field) : i+len(field)+40])
			if strings.Contains(out, secret) {
				t.Fatalf("a secret (%s) appears in the agent's output", field)
			}
		}
	}
}

// log is everything the node's agent runs logged.
func (n *node) log() string {
	b, _ := os.ReadFile(filepath.Join(n.stateDir, "ocivip.log"))
	return string(b)
}

func (n *node) do(action string, kv ...string) agenttest.Result {
	n.t.Helper()
	return run(n.t, n.stateDir, n.p.With(kv...), action)
}

// must runs action and fails the test unless it exits with want.
func (n *node) must(want int, action string, kv ...string) agenttest.Result {
	n.t.Helper()
	r := n.do(action, kv...)
	require.Equal(n.t, want, r.Code, "%s %s: %s", n.name, action, r)
	return r
}

// hasAddr says whether the node's NIC carries the VIP (exactly ip/24).
func (n *node) hasAddr(ip string) bool {
	n.t.Helper()
	out, err := exec.Command("ip", "-o", "-4", "addr", "show", "dev", n.nic).CombinedOutput()
	require.NoError(n.t, err, "%s", out)
	for _, f := range strings.Fields(string(out)) {
		if f == ip+"/24" {
			return true
		}
	}
	return false
}

func sh(name string, args ...string) error {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s %v: %v: %s", name, args, err, out)
	}
	return nil
}
