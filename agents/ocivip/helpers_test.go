package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// cloud is a fake region with one subnet (a random 198.19.x.0/24, so that
// parallel packages do not collide) and instances added per test.
type cloud struct {
	t      *testing.T
	f      *ocifake.Fake
	url    string
	subnet ocifake.Subnet
	net    netip.Prefix
	config string // API key config file
	nextIP int
}

func newCloud(t *testing.T, opt ocifake.Options) *cloud {
	t.Helper()
	testenv.NeedRoot(t)
	f := ocifake.New(opt)
	c := &cloud{t: t, f: f, url: ocifake.Serve(t, f), nextIP: 10}
	c.net = netip.MustParsePrefix(fmt.Sprintf("198.19.%d.0/24", rand.IntN(250)+1))
	c.subnet = f.AddSubnet(c.net.String())
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	c.config = cfg
	return c
}

// addr is the n-th address of the subnet (198.19.x.n).
func (c *cloud) addr(n int) string {
	a := c.net.Addr().As4()
	a[3] = byte(n)
	return netip.AddrFrom4(a).String()
}

// node is one simulated instance: its VNIC in the fake, a veth pair whose
// host end is its "NIC", and its own state directory.
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
	// Like an instance's NIC, the veth carries the VNIC's primary IP: the
	// VIPs are secondary addresses, and removing one leaves the others.
	c.nextIP++
	primary := c.addr(c.nextIP)
	v := netiftest.NewVeth(c.t, []string{primary + "/24"}, nil)
	c.f.AddInstance(name)
	vnic := c.f.AddVNIC(name, c.subnet.ID, primary, v.HostMAC.String())
	n := &node{t: c.t, c: c, name: name, vnic: vnic, nic: v.Host, stateDir: c.t.TempDir(), p: kvs{
		"secondary_private_ip": c.addr(200),
		"metadata_url":         ocifake.IMDSURL(c.url, name),
		"api_endpoint":         c.url,
		"auth_endpoint":        c.url,
	}}
	if !byMAC {
		n.p["nic"] = v.Host
	}
	return n
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

func (r result) String() string {
	return fmt.Sprintf("exit %d after %v\n%s", r.code, r.elapsed.Round(time.Millisecond), r.stderr)
}

// run runs action; keys starting with OCF_ or HA_ are passed as they are,
// others as OCF_RESKEY_<key>. The resource is "vip" unless OCF_RESOURCE_INSTANCE says otherwise.
func run(t *testing.T, stateDir string, p kvs, action string) result {
	t.Helper()
	env := []string{"OCF_ROOT=/usr/lib/ocf", "OCF_RESOURCE_INSTANCE=vip", "HA_LOGFACILITY=none", "HA_RSCTMP=" + stateDir,
		"HA_LOGFILE=" + filepath.Join(stateDir, "ocivip.log")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OCF_") && !strings.HasPrefix(kv, "HA_") && !strings.HasPrefix(kv, "OCI_") {
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
	cmd := exec.Command(testenv.BuildAgent(t, "ocivip"), action)
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
	log, _ := os.ReadFile(filepath.Join(stateDir, "ocivip.log"))
	noSecrets(t, stateDir, r.stdout+r.stderr+string(log))
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

func (n *node) do(action string, kv ...string) result {
	n.t.Helper()
	return run(n.t, n.stateDir, n.p.with(kv...), action)
}

// must runs action and fails the test unless it exits with want.
func (n *node) must(want int, action string, kv ...string) result {
	n.t.Helper()
	r := n.do(action, kv...)
	require.Equal(n.t, want, r.code, "%s %s: %s", n.name, action, r)
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
