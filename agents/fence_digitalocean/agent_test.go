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

	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/fencetest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	token = "dop_v1_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
	node1 = 1001
	node2 = 1002
)

type cloud struct {
	*dofake.Env
	tokenFile string
}

// newCloud is an account with node1 and node2 and 250 other droplets, so
// that a list needs two pages.
func newCloud(t *testing.T) *cloud {
	t.Helper()
	testenv.NeedRoot(t) // the token file must be owned by root
	f := dofake.New(token)
	f.AddDroplet(node1, "node1")
	f.AddDroplet(node2, "node2")
	for i := 0; i < 250; i++ {
		f.AddDroplet(5000+i, fmt.Sprintf("other-%03d", i))
	}
	f.SetFaults(dofake.Faults{ActionDelay: 200 * time.Millisecond})
	env, err := dofake.Start(f)
	require.NoError(t, err)
	t.Cleanup(env.Close)
	tf := filepath.Join(t.TempDir(), "do.token")
	require.NoError(t, os.WriteFile(tf, []byte(token+"\n"), 0o600))
	return &cloud{Env: env, tokenFile: tf}
}

// stdin is what the fencer would write for this device, plus extra lines.
func (c *cloud) stdin(extra ...string) string {
	return fencetest.Stdin(append([]string{"token_file=" + c.tokenFile, "api_url=" + c.APIURL}, extra...)...)
}

// fenceDO is fence_digitalocean; every run fails the test if the token shows
// anywhere.
func fenceDO(t *testing.T) fencetest.Agent {
	return fencetest.Agent{
		Bin:   testenv.BuildAgent(t, "fence_digitalocean"),
		Check: fencetest.Hides("token", token),
	}
}

// run runs the agent with stdin (args nil) or args.
func run(t *testing.T, stdin string, args ...string) fencetest.Result {
	t.Helper()
	return fenceDO(t).Run(t, stdin, args...)
}

// expect runs the agent as run does and fails the test unless it exits
// with code.
func expect(t *testing.T, code int, stdin string, args ...string) fencetest.Result {
	t.Helper()
	return fenceDO(t).Expect(t, code, stdin, args...)
}

func TestOffIsAHardPowerOffConfirmed(t *testing.T) {
	c := newCloud(t)
	r := expect(t, 0, c.stdin("action=off", "port=node1", "nodename=node1"))
	assert.Equal(t, "Success: Powered OFF\n", r.Stdout)
	assert.Equal(t, "off", c.Fake.DropletStatus(node1))
	assert.Equal(t, []string{"power_off"}, c.Fake.DropletActions(node1), "power_off, never shutdown")
	assert.Equal(t, "active", c.Fake.DropletStatus(node2))
	assert.Zero(t, c.Fake.MetadataCalls(node1)+c.Fake.MetadataCalls(node2), "no metadata service is asked")

	// Already off: success, nothing posted.
	r = expect(t, 0, c.stdin("action=off", "port=node1"))
	assert.Equal(t, "Success: Already OFF\n", r.Stdout)
	assert.Equal(t, []string{"power_off"}, c.Fake.DropletActions(node1))
}

func TestActions(t *testing.T) {
	c := newCloud(t)
	for _, tc := range []struct {
		name   string
		stdin  []string // nil: args
		args   []string
		code   int
		stdout string
		status string // node2's status afterwards
	}{
		{name: "status on", stdin: []string{"action=status", "port=node2"}, code: 0, stdout: "Status: ON\n", status: "active"},
		{name: "status by id", stdin: []string{"action=status", "plug=1002"}, code: 0, stdout: "Status: ON\n", status: "active"},
		{name: "off by argv", args: []string{"-o", "off", "-n", "node2"}, code: 0, stdout: "Success: Powered OFF\n", status: "off"},
		{name: "status off", stdin: []string{"action=status", "port=node2"}, code: 2, stdout: "Status: OFF\n", status: "off"},
		{name: "on", stdin: []string{"action=on", "port=node2"}, code: 0, stdout: "Success: Powered ON\n", status: "active"},
		{name: "on already", args: []string{"--action=on", "--plug=1002"}, code: 0, stdout: "Success: Already ON\n", status: "active"},
		{name: "reboot (the default action)", stdin: []string{"port=node2"}, code: 0, stdout: "Success: Rebooted\n", status: "active"},
		{name: "monitor", stdin: []string{"action=monitor"}, code: 0, stdout: "", status: "active"},
		{name: "validate-all", stdin: []string{"action=validate-all"}, code: 0, stdout: "", status: "active"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r fencetest.Result
			if tc.stdin != nil {
				r = expect(t, tc.code, c.stdin(tc.stdin...))
			} else {
				r = expect(t, tc.code, "", append(tc.args, "--token-file", c.tokenFile, "--api-url", c.APIURL)...)
			}
			assert.Equal(t, tc.stdout, r.Stdout)
			assert.Equal(t, tc.status, c.Fake.DropletStatus(node2))
		})
	}
	assert.Equal(t, []string{"power_off", "power_on", "power_off", "power_on"}, c.Fake.DropletActions(node2))
}

func TestListPagesAndNamesFirst(t *testing.T) {
	c := newCloud(t)
	r := expect(t, 0, c.stdin("action=list"))
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	assert.Len(t, lines, 252, "both pages")
	assert.Contains(t, lines, "node1,1001")
	assert.Contains(t, lines, "other-249,5249")
	assert.Equal(t, 2, c.Fake.Calls("GET /v2/droplets"))

	c.Fake.SetDropletStatus(node2, "off")
	r = expect(t, 0, c.stdin("action=list-status", "separator=;"))
	assert.Contains(t, r.Stdout, "node1;1001;ON\n")
	assert.Contains(t, r.Stdout, "node2;1002;OFF\n")
	c.Fake.SetDropletStatus(node2, "new")
	r = run(t, c.stdin("action=list-status"))
	assert.Contains(t, r.Stdout, "node2,1002,UNKNOWN\n")
	r = expect(t, 1, c.stdin("action=status", "port=node2")) // a droplet being created is neither on nor off
	assert.Contains(t, r.Stderr, "Unable to obtain correct plug status")
	assert.Empty(t, c.Fake.DropletActions(node1), "list touches nothing")
}

func TestMonitorTouchesNoDroplet(t *testing.T) {
	c := newCloud(t)
	c.Fake.ResetCalls()
	r := expect(t, 0, c.stdin("action=monitor"))
	assert.Equal(t, 1, c.Fake.APICalls(), c.Fake.CallSummary())
	assert.Empty(t, c.Fake.DropletActions(node1))

	// A wrong token: monitor fails.
	bad := filepath.Join(t.TempDir(), "bad.token")
	require.NoError(t, os.WriteFile(bad, []byte("dop_v1_wrong\n"), 0o600))
	r = expect(t, 1, "token_file="+bad+"\napi_url="+c.APIURL+"\naction=monitor\n")
	assert.Contains(t, r.Stderr, "HTTP 401")
	assert.Contains(t, r.Stderr, "Unable to connect/login to fencing device")
}

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults dofake.Faults
		extra  []string
		code   int
		want   string // in stderr
		off    bool   // node1 is off afterwards
	}{
		{name: "429 with Retry-After", faults: dofake.Faults{RateLimited: 2, RetryAfter: time.Second}, code: 0, off: true},
		{name: "5xx", faults: dofake.Faults{ServerErrors: 3}, code: 0, off: true},
		{name: "errored action is posted again", faults: dofake.Faults{ErrorActions: 1}, code: 0, off: true},
		{name: "pending event", faults: dofake.Faults{PendingEvent: 2}, code: 0, off: true},
		{name: "undocumented action status", faults: dofake.Faults{UnknownStatus: 5}, code: 0, off: true},
		{name: "slower than power_timeout", faults: dofake.Faults{ActionDelay: time.Minute}, extra: []string{"power_timeout=3"}, code: 1, want: "Timed out waiting to power OFF"},
		{name: "API down", faults: dofake.Faults{APIDown: true}, extra: []string{"power_timeout=3"}, code: 1, want: "Unable to obtain correct plug status"},
		{name: "API hangs", faults: dofake.Faults{Hang: true}, extra: []string{"power_timeout=3"}, code: 1, want: "Unable to obtain correct plug status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCloud(t)
			tc.faults.ActionDelay = max(tc.faults.ActionDelay, 200*time.Millisecond)
			c.Fake.SetFaults(tc.faults)
			r := expect(t, tc.code, c.stdin(append([]string{"action=off", "port=node1"}, tc.extra...)...))
			assert.Contains(t, r.Stderr, tc.want)
			assert.Less(t, r.Elapsed, 20*time.Second, "bounded by power_timeout")
			if tc.off {
				assert.Equal(t, "Success: Powered OFF\n", r.Stdout)
				assert.Equal(t, "off", c.Fake.DropletStatus(node1))
			} else {
				assert.Empty(t, r.Stdout, "no success without the API's word")
			}
			assert.NotContains(t, c.Fake.DropletActions(node1), "shutdown")
		})
	}
}

func TestBadInput(t *testing.T) {
	c := newCloud(t)
	c.Fake.AddDroplet(3001, "twin")
	c.Fake.AddDroplet(3002, "twin")
	open := filepath.Join(t.TempDir(), "open.token")
	require.NoError(t, os.WriteFile(open, []byte(token+"\n"), 0o644))
	for _, tc := range []struct {
		name  string
		stdin string
		want  string
	}{
		{"missing token file", "token_file=/nonexistent/do.token\napi_url=" + c.APIURL + "\naction=off\nport=node1\n", "token file /nonexistent/do.token: does not exist"},
		{"token file others may read", "token_file=" + open + "\napi_url=" + c.APIURL + "\naction=off\nport=node1\n", "has mode 0644"},
		{"unknown plug", c.stdin("action=off", "port=node9"), `"node9": no such droplet`},
		{"unknown id", c.stdin("action=off", "port=999999"), "no such droplet"},
		{"ambiguous name", c.stdin("action=off", "port=twin"), "more than one droplet has this name"},
		{"malformed timeout", c.stdin("action=off", "port=node1", "power_timeout=1m"), "--power-timeout is not a valid time in seconds"},
		{"unknown action", c.stdin("action=explode", "port=node1"), "Unrecognised action 'explode'"},
		{"no plug", c.stdin("action=off"), "You have to enter plug number"},
		{"plain http to a remote API", "token_file=" + c.tokenFile + "\napi_url=http://192.0.2.1\naction=status\nport=node1\n", "only sent over https"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, 1, tc.stdin)
			assert.Contains(t, r.Stderr, tc.want)
			assert.Empty(t, r.Stdout)
		})
	}
	assert.Empty(t, c.Fake.DropletActions(node1), "nothing was powered")
	assert.Empty(t, c.Fake.DropletActions(3001))

	// A malformed line and an unknown option are ignored with a warning.
	r := expect(t, 0, c.stdin("action=status", "port=node1", "garbage line", "password=whatever-it-is"))
	assert.Contains(t, r.Stderr, "WARNING: Parse error: Ignoring unknown option 'garbage line'")
	assert.NotContains(t, r.Stderr, "whatever-it-is")
}

func TestMetadataValidates(t *testing.T) {
	r := expect(t, 0, "action=metadata\n")
	assert.Contains(t, r.Stdout, `<resource-agent name="fence_digitalocean" shortdesc="Fence agent for DigitalOcean droplets" >`)
	assert.Contains(t, r.Stdout, `<parameter name="token_file" unique="0" required="0">`)
	assert.Contains(t, r.Stdout, `<content type="second" default="60"  />`)
	fencetest.CheckMetadata(t, r.Stdout)
	// argv form too, as pcs runs it.
	r2 := run(t, "", "-o", "metadata")
	assert.Equal(t, r.Stdout, r2.Stdout)
}
