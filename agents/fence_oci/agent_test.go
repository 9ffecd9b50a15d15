package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	return strings.Join(append([]string{"auth=api_key", "config_file=" + c.config, "api_endpoint=" + c.url}, extra...), "\n") + "\n"
}

type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func (c *cloud) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(testenv.BuildAgent(t, "fence_oci"), args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "HA_LOGFACILITY=none", "HA_RSCTMP="+c.state)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	if len(c.key) > 0 && strings.Contains(r.stdout+r.stderr, strings.Split(string(c.key), "\n")[1]) || strings.Contains(r.stdout+r.stderr, "PRIVATE KEY") {
		t.Fatalf("the key appears in the output:\n%s%s", r.stdout, r.stderr)
	}
	return r
}

func TestOffIsStopConfirmed(t *testing.T) {
	c := newCloud(t)
	r := c.run(t, c.stdin("action=off", "port=node1", "nodename=node1"))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Success: Powered OFF\n", r.stdout)
	assert.Equal(t, "STOPPED", c.f.LifecycleState("node1"))
	assert.Equal(t, []string{"STOP"}, c.f.InstanceActions("node1"), "STOP, never SOFTSTOP")
	assert.Equal(t, "RUNNING", c.f.LifecycleState("node2"))
	assert.Zero(t, c.f.Count(ocifake.OpIMDS), "no metadata service is asked")

	r = c.run(t, c.stdin("action=off", "port="+c.n1))
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Success: Already OFF\n", r.stdout)
	assert.Equal(t, []string{"STOP"}, c.f.InstanceActions("node1"))

	c.f.SetLifecycleState("node2", "TERMINATED")
	r = c.run(t, c.stdin("action=off", "port="+c.n2))
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "Success: Already OFF\n", r.stdout, "a terminated instance cannot run")
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
			var r result
			if tc.stdin != nil {
				r = c.run(t, c.stdin(tc.stdin...))
			} else {
				r = c.run(t, "", append(tc.args, "--auth=api_key", "--config-file", c.config, "--api-endpoint", c.url)...)
			}
			assert.Equal(t, tc.code, r.code, r.stderr)
			assert.Equal(t, tc.stdout, r.stdout)
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
	r := c.run(t, c.stdin("action=list-status"))
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	assert.Len(t, lines, 61, "both pages, without the terminated instance")
	assert.Contains(t, lines, "node1,"+c.n1+",ON")
	assert.Contains(t, lines, "node2,"+c.n2+",OFF")
	assert.Contains(t, r.stdout, "other-00,")
	assert.NotContains(t, r.stdout, "other-01,")
	assert.Equal(t, 2, c.f.Count(ocifake.OpListInstances))
	r = c.run(t, c.stdin("action=list"))
	assert.Contains(t, r.stdout, "node1,"+c.n1+"\n")
}

func TestMonitorTouchesNoInstance(t *testing.T) {
	c := newCloud(t)
	r := c.run(t, c.stdin("action=monitor"))
	require.Equal(t, 0, r.code, r.stderr)
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
			r := c.run(t, c.stdin(append([]string{"action=off", "port=node1"}, tc.extra...)...))
			assert.Equal(t, tc.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Less(t, r.took, 20*time.Second, "bounded by power_timeout")
			if tc.code == 0 {
				assert.Equal(t, "Success: Powered OFF\n", r.stdout)
				assert.Equal(t, "STOPPED", c.f.LifecycleState("node1"))
			} else {
				assert.Empty(t, r.stdout, "no success without the API's word")
			}
			assert.NotContains(t, c.f.InstanceActions("node1"), "SOFTSTOP")
		})
	}
}

func TestInstancePrincipal(t *testing.T) {
	c := newCloud(t)
	p := []string{"auth=instance_principal", "region=us-ashburn-1", "compartment=" + c.f.Tenancy(),
		"api_endpoint=" + c.url, "auth_endpoint=" + c.url, "metadata_url=" + ocifake.IMDSURL(c.url, "node2")}
	r := c.run(t, strings.Join(append(p, "action=off", "port=node1"), "\n")+"\n")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "STOPPED", c.f.LifecycleState("node1"))
	assert.Equal(t, 1, c.f.Count(ocifake.OpFederation))
	assert.Equal(t, 3, c.f.Count(ocifake.OpIMDS), "the fencing node's own certificate, key and intermediate: nothing else")
	// The token is cached: the next action neither federates nor asks IMDS.
	r = c.run(t, strings.Join(append(p, "action=status", "port=node1"), "\n")+"\n")
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Equal(t, 1, c.f.Count(ocifake.OpFederation))
	assert.Equal(t, 3, c.f.Count(ocifake.OpIMDS))
	st, err := os.Stat(filepath.Join(c.state, "fence_oci-instance-principal.token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	// Without a region, the agent does not go looking for one.
	r = c.run(t, "auth=instance_principal\naction=status\nport=node1\n")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "needs region")
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
			r := c.run(t, tc.stdin)
			assert.Equal(t, 1, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			assert.Empty(t, r.stdout)
		})
	}
	assert.Empty(t, c.f.InstanceActions("node1"), "nothing was powered")
}

func TestMetadataValidates(t *testing.T) {
	c := &cloud{state: t.TempDir()}
	r := c.run(t, "action=metadata\n")
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, `<resource-agent name="fence_oci" `)
	assert.Contains(t, r.stdout, "\t\t<content type=\"select\" default=\"api_key\"  >\n\t\t\t<option value=\"api_key\" />\n\t\t\t<option value=\"instance_principal\" />\n")
	rng := "/usr/share/cluster/relaxng/metadata.rng"
	testenv.NeedFile(t, rng)
	xmllint := testenv.NeedCmd(t, "xmllint")
	cmd := exec.Command(xmllint, "--noout", "--relaxng", rng, "-")
	cmd.Stdin = strings.NewReader(r.stdout)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
