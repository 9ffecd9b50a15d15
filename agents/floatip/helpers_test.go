package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	token = "dop_v1_4f0c9a7e3b2d1c6e8a9f0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e"
	fip   = "203.0.113.10"
	dropA = 1001
	dropB = 1002
	dropC = 1003
)

// cloud is a fake DigitalOcean account with three droplets; fip starts on C.
type cloud struct {
	*dofake.Env
	tokenFile string
}

func newCloud(t *testing.T) *cloud {
	t.Helper()
	testenv.NeedRoot(t) // the token file must be owned by root
	a := dofake.NewAccount(t, token, fip, dropC, map[int]string{dropA: "alpha", dropB: "bravo", dropC: "charlie"})
	return &cloud{Env: a.Env, tokenFile: a.TokenFile}
}

// node is one cluster node: a droplet with its own state directory.
type node struct {
	t        *testing.T
	c        *cloud
	droplet  int
	stateDir string
	p        kvs
}

func (c *cloud) node(t *testing.T, droplet int) *node {
	return &node{t: t, c: c, droplet: droplet, stateDir: t.TempDir(), p: kvs{
		"floating_ip":  fip,
		"token_file":   c.tokenFile,
		"api_url":      c.APIURL,
		"metadata_url": c.Metadata[droplet],
	}}
}

type kvs = agenttest.Params

// floatip is the agent as Pacemaker runs it on a node whose state is in
// stateDir; every run fails the test if the token shows in the output.
func floatip(t *testing.T, stateDir string) agenttest.Agent {
	return agenttest.Agent{
		Bin: testenv.BuildAgent(t, "floatip"),
		Env: []string{"OCF_RESOURCE_INSTANCE=fip-test", "HA_RSCTMP=" + stateDir},
		Check: func(t testing.TB, r agenttest.Result) {
			if strings.Contains(r.Stderr, token) || strings.Contains(r.Stdout, token) {
				t.Fatalf("%s: the token appears in the output:\n%s", r.Action, r.Stderr)
			}
		},
	}
}

// agent is floatip on the node; Expect's failures show the calls the fake
// API saw.
func (n *node) agent() agenttest.Agent {
	a := floatip(n.t, n.stateDir)
	a.Diag = func() string { return fmt.Sprintf("droplet %d; calls:\n%s", n.droplet, n.c.Fake.CallSummary()) }
	return a
}

// do runs an action on the node; kv adds or overrides parameters.
func (n *node) do(action string, kv ...string) agenttest.Result {
	n.t.Helper()
	return n.agent().Run(n.t, action, n.p.With(kv...))
}

// expect runs an action and fails the test unless it exits with code.
func (n *node) expect(code int, action string, kv ...string) agenttest.Result {
	n.t.Helper()
	return n.agent().Expect(n.t, code, action, n.p.With(kv...))
}

// monitor is a recurring monitor (not a probe).
const recurring = "OCF_RESKEY_CRM_meta_interval"
