package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/fencetest"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type cloud struct {
	f      *ocifake.Fake
	url    string
	config string
	key    []byte // the API key's PEM, which must never be printed
	n1, n2 string // instance OCIDs
	state  string // HA_RSCTMP of the agent
}

// newCloud is a region with node1, node2 and 60 other instances (the fake
// pages by 50, so a list takes two pages).
func newCloud(t *testing.T) *cloud {
	t.Helper()
	f := ocifake.New(ocifake.Options{PageSize: 50})
	c := &cloud{f: f, url: ocifake.Serve(t, f), state: t.TempDir()}
	c.n1 = f.AddInstance("node1").ID
	c.n2 = f.AddInstance("node2").ID
	for i := 0; i < 60; i++ {
		f.AddInstance(fmt.Sprintf("other-%02d", i))
	}
	f.SetComputeFaults(ocifake.ComputeFaults{ActionDelay: 200 * time.Millisecond})
	k := f.AddAPIKey()
	c.key = k.PrivateKeyPEM
	cfg, err := ocifake.WriteConfig(t.TempDir(), k, f.Region(), "")
	require.NoError(t, err)
	c.config = cfg
	return c
}

func (c *cloud) stdin(extra ...string) string {
	return fencetest.Stdin(append([]string{"auth=api_key", "config_file=" + c.config, "api_endpoint=" + c.url}, extra...)...)
}

// agent is fence_oci with its state in c.state; every run fails the test
// if the API key shows anywhere.
func (c *cloud) agent(t *testing.T) fencetest.Agent {
	return fencetest.Agent{
		Bin:   testenv.BuildAgent(t, "fence_oci"),
		Env:   []string{"HA_RSCTMP=" + c.state},
		Check: fencetest.Hides("key", c.keyLine(), "PRIVATE KEY"),
	}
}

// keyLine is the first line of the API key's base64 body ("" when the
// test has no key): no part of a key may be printed.
func (c *cloud) keyLine() string {
	if len(c.key) == 0 {
		return ""
	}
	return strings.Split(string(c.key), "\n")[1]
}

// run runs the agent with stdin (args nil) or args.
func (c *cloud) run(t *testing.T, stdin string, args ...string) fencetest.Result {
	t.Helper()
	return c.agent(t).Run(t, stdin, args...)
}

// expect runs the agent as run does and fails the test unless it exits
// with code.
func (c *cloud) expect(t *testing.T, code int, stdin string, args ...string) fencetest.Result {
	t.Helper()
	return c.agent(t).Expect(t, code, stdin, args...)
}

func TestOffIsStopConfirmed(t *testing.T) {
	c := newCloud(t)
	r := c.expect(t, 0, c.stdin("action=off", "port=node1", "nodename=node1"))
	assert.Equal(t, "Success: Powered OFF\n", r.Stdout)
	assert.Equal(t, "STOPPED", c.f.LifecycleState("node1"))
	assert.Equal(t, []string{"STOP"}, c.f.InstanceActions("node1"), "STOP, never SOFTSTOP")
	assert.Equal(t, "RUNNING", c.f.LifecycleState("node2"))
	assert.Zero(t, c.f.Count(ocifake.OpIMDS), "no metadata service is asked")

	r = c.expect(t, 0, c.stdin("action=off", "port="+c.n1))
	assert.Equal(t, "Success: Already OFF\n", r.Stdout)
	assert.Equal(t, []string{"STOP"}, c.f.InstanceActions("node1"))

	c.f.SetLifecycleState("node2", "TERMINATED")
	r = c.expect(t, 0, c.stdin("action=off", "port="+c.n2))
	assert.Equal(t, "Success: Already OFF\n", r.Stdout, "a terminated instance cannot run")
}

func TestActions(t *testing.T) {
	c := newCloud(t)
	for _, tc := range []struct {
		name   string
		stdin  []string
		args   []string
		code   int
		stdout string
		state  string
	}{
		{name: "status on", stdin: []string{"action=status", "port=node2"}, code: 0, stdout: "Status: ON\n", state: "RUNNING"},
		{name: "status by OCID", stdin: []string{"action=status", "plug=" + c.n2}, code: 0, stdout: "Status: ON\n", state: "RUNNING"},
		{name: "off by argv", args: []string{"-o", "off", "-n", "node2"}, code: 0, stdout: "Success: Powered OFF\n", state: "STOPPED"},
		{name: "status off", stdin: []string{"action=status", "port=node2"}, code: 2, stdout: "Status: OFF\n", state: "STOPPED"},
		{name: "on", stdin: []string{"action=on", "port=node2"}, code: 0, stdout: "Success: Powered ON\n", state: "RUNNING"},
		{name: "reboot", stdin: []string{"action=reboot", "port=node2"}, code: 0, stdout: "Success: Rebooted\n", state: "RUNNING"},
		{name: "monitor", stdin: []string{"action=monitor"}, code: 0, stdout: "", state: "RUNNING"},
		{name: "validate-all", stdin: []string{"action=validate-all"}, code: 0, stdout: "", state: "RUNNING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r fencetest.Result
			if tc.stdin != nil {
				r = c.expect(t, tc.code, c.stdin(tc.stdin...))
			} else {
				r = c.expect(t, tc.code, "", append(tc.args, "--auth=api_key", "--config-file", c.config, "--api-endpoint", c.url)...)
			}
			assert.Equal(t, tc.stdout, r.Stdout)
			assert.Equal(t, tc.state, c.f.LifecycleState("node2"))
		})
	}
	assert.Equal(t, []string{"STOP", "START", "STOP", "START"}, c.f.InstanceActions("node2"))
}

func TestList(t *testing.T) {
	c := newCloud(t)
	c.f.SetLifecycleState("node2", "STOPPED")
	c.f.SetLifecycleState("other-00", "STOPPING")
	c.f.SetLifecycleState("other-01", "TERMINATED")
	r := c.expect(t, 0, c.stdin("action=list-status"))
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	assert.Len(t, lines, 61, "both pages, without the terminated instance")
	assert.Contains(t, lines, "node1,"+c.n1+",ON")
	assert.Contains(t, lines, "node2,"+c.n2+",OFF")
	assert.Contains(t, r.Stdout, "other-00,")
	assert.NotContains(t, r.Stdout, "other-01,")
	assert.Equal(t, 2, c.f.Count(ocifake.OpListInstances))
	r = c.run(t, c.stdin("action=list"))
	assert.Contains(t, r.Stdout, "node1,"+c.n1+"\n")
}

func TestMonitorTouchesNoInstance(t *testing.T) {
	c := newCloud(t)
	c.expect(t, 0, c.stdin("action=monitor"))
	assert.Equal(t, 1, c.f.ComputeCount())
	assert.Empty(t, c.f.InstanceActions("node1"))
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name    string
		op      string
		fault   ocifake.Fault
		compute ocifake.ComputeFaults
		extra   []string
		code    int
		want    string
	}{
		{name: "429 with Retry-After", op: ocifake.OpInstanceAction, fault: ocifake.Fault{Status: 429, RetryAfter: time.Second, Times: 1}},
		{name: "5xx", op: ocifake.OpGetInstance, fault: ocifake.Fault{Status: 503, Times: 3}},
		{name: "stop falls back to RUNNING", compute: ocifake.ComputeFaults{FailActions: 1}},
		{name: "slow answers", op: ocifake.OpGetInstance, fault: ocifake.Fault{Delay: 300 * time.Millisecond}},
		{name: "slower than power_timeout", compute: ocifake.ComputeFaults{ActionDelay: time.Minute}, extra: []string{"power_timeout=3"}, code: 1, want: "Timed out waiting to power OFF"},
		{name: "API down", op: ocifake.OpListInstances, fault: ocifake.Fault{Status: 500}, extra: []string{"power_timeout=3"}, code: 1, want: "Unable to obtain correct plug status"},
		{name: "API hangs", op: ocifake.OpInstanceAction, fault: ocifake.Fault{Hang: true}, extra: []string{"power_timeout=3"}, code: 1, want: "Timed out waiting to power OFF"},
		{name: "not authorized", op: ocifake.OpInstanceAction, fault: ocifake.Fault{Status: 404}, code: 1, want: "NotAuthorizedOrNotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCloud(t)
			if tc.op != "" {
				c.f.SetFault(tc.op, tc.fault)
			}
			tc.compute.ActionDelay = max(tc.compute.ActionDelay, 200*time.Millisecond)
			c.f.SetComputeFaults(tc.compute)
			r := c.expect(t, tc.code, c.stdin(append([]string{"action=off", "port=node1"}, tc.extra...)...))
			assert.Contains(t, r.Stderr, tc.want)
			assert.Less(t, r.Elapsed, 20*time.Second, "bounded by power_timeout")
			if tc.code == 0 {
				assert.Equal(t, "Success: Powered OFF\n", r.Stdout)
				assert.Equal(t, "STOPPED", c.f.LifecycleState("node1"))
			} else {
				assert.Empty(t, r.Stdout, "no success without the API's word")
			}
			assert.NotContains(t, c.f.InstanceActions("node1"), "SOFTSTOP")
		})
	}
}

func TestInstancePrincipal(t *testing.T) {
	c := newCloud(t)
	p := []string{"auth=instance_principal", "region=us-ashburn-1", "compartment=" + c.f.Tenancy(),
		"api_endpoint=" + c.url, "auth_endpoint=" + c.url, "metadata_url=" + ocifake.IMDSURL(c.url, "node2")}
	r := c.expect(t, 0, strings.Join(append(p, "action=off", "port=node1"), "\n")+"\n")
	assert.Equal(t, "STOPPED", c.f.LifecycleState("node1"))
	assert.Equal(t, 1, c.f.Count(ocifake.OpFederation))
	assert.Equal(t, 3, c.f.Count(ocifake.OpIMDS), "the fencing node's own certificate, key and intermediate: nothing else")
	// The token is cached: the next action neither federates nor asks IMDS.
	r = c.expect(t, 2, strings.Join(append(p, "action=status", "port=node1"), "\n")+"\n")
	assert.Equal(t, 1, c.f.Count(ocifake.OpFederation))
	assert.Equal(t, 3, c.f.Count(ocifake.OpIMDS))
	st, err := os.Stat(filepath.Join(c.state, "fence_oci-instance-principal.token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	// Without a region, the agent does not go looking for one.
	r = c.expect(t, 1, "auth=instance_principal\naction=status\nport=node1\n")
	assert.Contains(t, r.Stderr, "needs region")
}

func TestBadInput(t *testing.T) {
	c := newCloud(t)
	c.f.AddInstance("twin-a")
	c.f.AddInstance("twin-b")
	c.f.SetDisplayName("twin-a", "twin")
	c.f.SetDisplayName("twin-b", "twin")
	open := filepath.Join(t.TempDir(), "config")
	b, err := os.ReadFile(c.config)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(open, b, 0o644))
	for _, tc := range []struct {
		name, stdin, want string
	}{
		{"config file others may read", "auth=api_key\nconfig_file=" + open + "\napi_endpoint=" + c.url + "\naction=off\nport=node1\n", "has mode 0644"},
		{"missing config file", "auth=api_key\nconfig_file=/nonexistent/config\napi_endpoint=" + c.url + "\naction=off\nport=node1\n", "config_file /nonexistent/config"},
		{"unknown plug", c.stdin("action=off", "port=node9"), `"node9": no such instance`},
		{"unknown OCID", c.stdin("action=off", "port=ocid1.instance.oc1.iad.nothere"), "no such instance"},
		{"ambiguous name", c.stdin("action=off", "port=twin"), "more than one instance has this display name"},
		{"malformed timeout", c.stdin("action=off", "port=node1", "power_timeout=x"), "--power-timeout is not a valid time in seconds"},
		{"bad auth", c.stdin("action=off", "port=node1", "auth=password"), "valid choice for --auth"},
		{"bad compartment", c.stdin("action=off", "port=node1", "compartment=mine"), "not a compartment or tenancy OCID"},
		{"plain http to a remote API", "config_file=" + c.config + "\napi_endpoint=http://192.0.2.1\naction=status\nport=node1\n", "use https"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.expect(t, 1, tc.stdin)
			assert.Contains(t, r.Stderr, tc.want)
			assert.Empty(t, r.Stdout)
		})
	}
	assert.Empty(t, c.f.InstanceActions("node1"), "nothing was powered")
}

func TestMetadataValidates(t *testing.T) {
	c := &cloud{state: t.TempDir()}
	r := c.expect(t, 0, "action=metadata\n")
	assert.Contains(t, r.Stdout, `<resource-agent name="fence_oci" `)
	assert.Contains(t, r.Stdout, "\t\t<content type=\"select\" default=\"api_key\"  >\n\t\t\t<option value=\"api_key\" />\n\t\t\t<option value=\"instance_principal\" />\n")
	fencetest.CheckMetadata(t, r.Stdout)
}
