package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
	f := dofake.New(token)
	f.AddDroplet(dropA, "alpha")
	f.AddDroplet(dropB, "bravo")
	f.AddDroplet(dropC, "charlie")
	require.NoError(t, f.AddReservedIP(fip, dropC))
	env, err := dofake.Start(f)
	require.NoError(t, err)
	t.Cleanup(env.Close)
	tf := filepath.Join(t.TempDir(), "do.token")
	require.NoError(t, os.WriteFile(tf, []byte(token+"\n"), 0o600))
	return &cloud{Env: env, tokenFile: tf}
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

type kvs map[string]string

func (p kvs) with(kv ...string) kvs {
	q := kvs{}
	for k, v := range p {
		q[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(q, kv[i])
			continue
		}
		q[kv[i]] = kv[i+1]
	}
	return q
}

// result is one run of the agent binary.
type result struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
}

func (r result) reason() string {
	for _, l := range strings.Split(r.stderr, "\n") {
		if s, ok := strings.CutPrefix(l, "ocf-exit-reason:"); ok {
			return s
		}
	}
	return ""
}

// run runs action with p; keys starting with OCF_ or HA_ are passed as
// they are, others as OCF_RESKEY_<key>.
func run(t *testing.T, stateDir string, p kvs, action string) result {
	t.Helper()
	env := []string{"OCF_ROOT=/usr/lib/ocf", "OCF_RESOURCE_INSTANCE=fip-test", "HA_LOGFACILITY=none", "HA_RSCTMP=" + stateDir}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OCF_") && !strings.HasPrefix(kv, "HA_") {
			env = append(env, kv)
		}
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "OCF_") || strings.HasPrefix(k, "HA_") {
			env = append(env, k+"="+p[k])
		} else {
			env = append(env, "OCF_RESKEY_"+k+"="+p[k])
		}
	}
	cmd := exec.Command(testenv.BuildAgent(t, "floatip"), action)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", action, err)
	}
	if strings.Contains(r.stderr, token) || strings.Contains(r.stdout, token) {
		t.Fatalf("%s: the token appears in the output:\n%s", action, r.stderr)
	}
	return r
}

// do runs an action on the node; kv adds or overrides parameters.
func (n *node) do(action string, kv ...string) result {
	n.t.Helper()
	return run(n.t, n.stateDir, n.p.with(kv...), action)
}

// expect runs an action and fails the test unless it exits with code.
func (n *node) expect(code int, action string, kv ...string) result {
	n.t.Helper()
	r := n.do(action, kv...)
	if r.code != code {
		n.t.Fatalf("droplet %d %s: exit %d, want %d\nstderr:\n%s\ncalls:\n%s",
			n.droplet, action, r.code, code, r.stderr, n.c.Fake.CallSummary())
	}
	return r
}

// monitor is a recurring monitor (not a probe).
const recurring = "OCF_RESKEY_CRM_meta_interval"
