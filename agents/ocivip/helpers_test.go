package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// ocivip is the agent as Pacemaker runs it on a node whose state and log
// are in stateDir: the resource is "vip" unless OCF_RESOURCE_INSTANCE says
// otherwise, only the parameters configure it (not an OCI CLI's OCI_*
// settings), and every run fails the test if a secret shows in the output
// or the log.
func ocivip(t *testing.T, stateDir string) agenttest.Agent {
	logFile := filepath.Join(stateDir, "ocivip.log")
	return agenttest.Agent{
		Bin:    testenv.BuildAgent(t, "ocivip"),
		Params: kvs{"OCF_RESOURCE_INSTANCE": "vip"},
		Env:    []string{"HA_RSCTMP=" + stateDir, "HA_LOGFILE=" + logFile},
		Drop:   []string{"OCI_"},
		Check: func(t testing.TB, r agenttest.Result) {
			log, _ := os.ReadFile(logFile)
			noSecrets(t, stateDir, r.Action, r.Stdout+r.Stderr+string(log))
		},
	}
}

// run runs action with parameters p on a node whose state is in stateDir.
func run(t *testing.T, stateDir string, p kvs, action string) agenttest.Result {
	t.Helper()
	return ocivip(t, stateDir).Run(t, action, p)
}

// expect runs action as run does and fails the test unless it exits with
// want.
func expect(t *testing.T, want int, stateDir string, p kvs, action string) agenttest.Result {
	t.Helper()
	return ocivip(t, stateDir).Expect(t, want, action, p)
}

// noSecrets fails when a cached token or session key shows up in out, the
// output of action.
func noSecrets(t testing.TB, stateDir, action, out string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(stateDir, "ocivip-instance-principal.token"))
	if err != nil {
		return
	}
	for _, field := range []string{`"token":"`, `"sessionKey":"`} {
		if i := bytes.Index(b, []byte(field)); i >= 0 {
			secret := string(b[i+len(field) : i+len(field)+40])
			if strings.Contains(out, secret) {
				t.Fatalf("%s: a secret (%s) appears in the agent's output", action, field)
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
	return expect(n.t, want, n.stateDir, n.p.With(kv...), action)
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
