package fence

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeDevice is a Device in memory: machines by name, a log of calls.
type fakeDevice struct {
	mu       sync.Mutex
	machines map[string]*Target
	calls    []string
	fail     error         // every call fails with it
	slow     time.Duration // Power takes this long (bounded by ctx)
}

func (d *fakeDevice) log(s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, s)
}

func (d *fakeDevice) Check(context.Context) error { d.log("check"); return d.fail }

func (d *fakeDevice) List(context.Context) ([]Target, error) {
	d.log("list")
	if d.fail != nil {
		return nil, d.fail
	}
	return []Target{*d.machines["node1"], *d.machines["node2"]}, nil
}

func (d *fakeDevice) Find(_ context.Context, plug string) (Target, error) {
	d.log("find " + plug)
	if d.fail != nil {
		return Target{}, d.fail
	}
	for _, m := range d.machines {
		if m.Name == plug || m.ID == plug {
			return *m, nil
		}
	}
	return Target{}, errors.New("no such machine " + plug)
}

func (d *fakeDevice) Power(ctx context.Context, t Target, on bool, _ Polling) error {
	d.log("power " + t.Name + " " + map[bool]string{true: "on", false: "off"}[on])
	if d.slow > 0 {
		select {
		case <-time.After(d.slow):
		case <-ctx.Done():
			return errors.New("not confirmed at the deadline")
		}
	}
	if d.fail != nil {
		return d.fail
	}
	m := d.machines[t.Name]
	m.State = Off
	if on {
		m.State = On
	}
	return nil
}

const testSecret = "s3cr3t-token-value"

func newTestAgent(d *fakeDevice) *Agent {
	return &Agent{
		Name: "fence_test", Shortdesc: "Fence agent for tests", Longdesc: "Tests & more <things>.", VendorURL: "https://example.com",
		Defaults: map[string]string{"power_timeout": "2"},
		Options: []Option{
			{Name: "token_file", Arg: "[path]", Type: "string", Default: "/etc/x", Order: 2, Shortdesc: "Token file"},
			{Name: "secret_thing", Arg: "[value]", Type: "string", Order: 3, Shortdesc: "A secret", Secret: true},
			{Name: "mode", Arg: "[mode]", Type: "select", Choices: []string{"a", "b"}, Default: "a", Order: 4, Shortdesc: "A choice"},
		},
		Open: func(o *Options, log *Logger, secret func(string)) (Device, error) {
			secret(testSecret)
			if o.Get("token_file") == "/missing" {
				return nil, errors.New("token file /missing: does not exist")
			}
			log.Infof("opened with %s", testSecret)
			return d, nil
		},
	}
}

func newDevice() *fakeDevice {
	return &fakeDevice{machines: map[string]*Target{
		"node1": {Name: "node1", ID: "101", State: On},
		"node2": {Name: "node2", ID: "102", State: Off},
		"node3": {Name: "node3", ID: "103", State: Unknown},
	}}
}

type result struct {
	code           int
	stdout, stderr string
}

func runStdin(t *testing.T, a *Agent, stdin string) result {
	t.Helper()
	t.Setenv("HA_LOGFACILITY", "none")
	var out, errb bytes.Buffer
	code := a.Run(nil, strings.NewReader(stdin), &out, &errb)
	r := result{code, out.String(), errb.String()}
	assert.NotContains(t, r.stdout+r.stderr, testSecret, "a secret in the output")
	return r
}

func runArgs(t *testing.T, a *Agent, args ...string) result {
	t.Helper()
	t.Setenv("HA_LOGFACILITY", "none")
	var out, errb bytes.Buffer
	code := a.Run(args, strings.NewReader(""), &out, &errb)
	r := result{code, out.String(), errb.String()}
	assert.NotContains(t, r.stdout+r.stderr, testSecret, "a secret in the output")
	return r
}

func TestActionsStdin(t *testing.T) {
	for _, tc := range []struct {
		name, stdin string
		code        int
		stdout      string
		calls       []string
	}{
		{"status on", "action=status\nport=node1\n", 0, "Status: ON\n", []string{"find node1"}},
		{"status off", "action=status\nplug=node2\n", 2, "Status: OFF\n", []string{"find node2"}},
		{"status by id", "action=status\nplug=102\n", 2, "Status: OFF\n", []string{"find 102"}},
		{"off", "action=off\nport=node1\n", 0, "Success: Powered OFF\n", []string{"find node1", "power node1 off"}},
		{"off already", "action=off\nport=node2\n", 0, "Success: Already OFF\n", []string{"find node2"}},
		{"on", "action=on\nport=node2\n", 0, "Success: Powered ON\n", []string{"find node2", "power node2 on"}},
		{"reboot default action", "port=node1\n", 0, "Success: Rebooted\n", []string{"find node1", "power node1 off", "power node1 on"}},
		{"reboot from off", "action=reboot\nport=node2\n", 0, "Success: Rebooted\n", []string{"find node2", "power node2 on"}},
		{"nodename is the plug", "action=off\nnodename=node1\n", 0, "Success: Powered OFF\n", []string{"find node1", "power node1 off"}},
		{"plug wins over nodename", "action=status\nnodename=node1\nport=node2\n", 2, "Status: OFF\n", []string{"find node2"}},
		{"list", "action=list\n", 0, "node1,101\nnode2,102\n", []string{"list"}},
		{"list-status separator", "action=list-status\nseparator=;\n", 0, "node1;101;ON\nnode2;102;OFF\n", []string{"list"}},
		{"monitor", "action=monitor\n", 0, "", []string{"check"}},
		{"validate-all", "action=validate-all\n", 0, "", nil},
		{"quoted, dashes, comments", "# comment\n\naction=\"status\"\nplug-separator=,\npower-timeout=5\nport=node1\n", 0, "Status: ON\n", []string{"find node1"}},
		{"multiple plugs", "action=status\nport=node1,node2\n", 0, "Status: ON\n", []string{"find node1", "find node2"}},
		{"meta-data alias", "action=meta-data\n", 0, "", nil},
		{"upper case action", "action=STATUS\nport=node2\n", 2, "Status: OFF\n", []string{"find node2"}},
		{"status in transition fails", "action=status\nport=node3\n", 1, "", []string{"find node3"}},
		{"off from a transition", "action=off\nport=node3\n", 0, "Success: Powered OFF\n", []string{"find node3", "power node3 off"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDevice()
			r := runStdin(t, newTestAgent(d), tc.stdin)
			assert.Equal(t, tc.code, r.code, r.stderr)
			if tc.name != "meta-data alias" {
				assert.Equal(t, tc.stdout, r.stdout)
			} else {
				assert.Contains(t, r.stdout, "<resource-agent name=\"fence_test\"")
			}
			assert.Equal(t, tc.calls, d.calls)
		})
	}
}

func TestActionsArgv(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"short", []string{"-o", "status", "-n", "node1"}, 0, "Status: ON\n"},
		{"short attached", []string{"-ostatus", "-nnode2"}, 2, "Status: OFF\n"},
		{"long =", []string{"--action=off", "--plug=node1"}, 0, "Success: Powered OFF\n"},
		{"long space", []string{"--action", "status", "--plug", "node2"}, 2, "Status: OFF\n"},
		{"long prefix", []string{"--act=status", "--plug=node1"}, 0, "Status: ON\n"},
		{"flags clustered", []string{"-vq", "-o", "status", "-n", "node1"}, 0, "Status: ON\n"},
		{"list separator", []string{"-o", "list", "-C", " "}, 0, "node1 101\nnode2 102\n"},
		{"agent option", []string{"-o", "status", "-n", "node1", "--token-file", "/etc/y", "--mode=b"}, 0, "Status: ON\n"},
		{"positional ignored", []string{"-o", "status", "-n", "node1", "extra"}, 0, "Status: ON\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runArgs(t, newTestAgent(newDevice()), tc.args...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			assert.Equal(t, tc.stdout, r.stdout)
		})
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{name: "unknown action", stdin: "action=destroy\nport=node1\n", want: "Unrecognised action 'destroy'"},
		{name: "no plug", stdin: "action=off\n", want: "You have to enter plug number"},
		{name: "unknown plug", stdin: "action=off\nport=node9\n", want: "no such machine node9"},
		{name: "bad seconds", stdin: "action=off\nport=node1\npower_timeout=soon\n", want: "--power-timeout is not a valid time in seconds"},
		{name: "bad integer", stdin: "action=on\nport=node1\nretry_on=x\n", want: "--retry-on is not a valid integer"},
		{name: "bad choice", stdin: "action=status\nport=node1\nmode=c\n", want: "valid choice for --mode"},
		{name: "open fails", stdin: "action=status\nport=node1\ntoken_file=/missing\n", want: "token file /missing: does not exist"},
		{name: "validate-all open fails", stdin: "action=validate-all\ntoken_file=/missing\n", want: "validate-all failed"},
		{name: "unknown long option", args: []string{"--bogus"}, want: "Parse error: option --bogus not recognized"},
		{name: "unknown short option", args: []string{"-Z"}, want: "option -Z not recognized"},
		{name: "ambiguous prefix", args: []string{"--p=x"}, want: "not a unique prefix"},
		{name: "missing value", args: []string{"-o", "off", "--plug"}, want: "requires argument"},
		{name: "flag with value", args: []string{"--verbose=3"}, want: "must not have an argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r result
			if tc.args != nil {
				r = runArgs(t, newTestAgent(newDevice()), tc.args...)
			} else {
				r = runStdin(t, newTestAgent(newDevice()), tc.stdin)
			}
			assert.Equal(t, ExitFailure, r.code)
			assert.Contains(t, r.stderr, tc.want)
			assert.Regexp(t, `(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR: `, r.stderr)
		})
	}
}

func TestUnknownStdinOptionWarns(t *testing.T) {
	d := newDevice()
	r := runStdin(t, newTestAgent(d), "action=status\nport=node1\npassword=hunter2hunter2\npcmk_host_check=dynamic-list\n")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "WARNING: Parse error: Ignoring unknown option 'password'")
	assert.NotContains(t, r.stderr, "hunter2", "the value of an unknown option is not logged")
}

func TestSecretsRedacted(t *testing.T) {
	d := newDevice()
	d.fail = errors.New("the API echoed " + testSecret)
	r := runStdin(t, newTestAgent(d), "action=status\nport=node1\nverbose=1\nsecret_thing=another-secret-1\n")
	assert.Equal(t, ExitFailure, r.code)
	assert.Contains(t, r.stderr, "the API echoed ***")
	r = runStdin(t, newTestAgent(d), "action=status\nport=node1\nsecret_thing=another-secret-1\nport=another-secret-1\n")
	assert.NotContains(t, r.stderr, "another-secret-1")
}

func TestPowerFailureIsFailure(t *testing.T) {
	d := newDevice()
	d.slow = time.Hour
	start := time.Now()
	r := runStdin(t, newTestAgent(d), "action=off\nport=node1\npower_timeout=1\n")
	assert.Equal(t, ExitFailure, r.code)
	assert.Contains(t, r.stderr, "Timed out waiting to power OFF")
	assert.Less(t, time.Since(start), 30*time.Second, "bounded by power_timeout")
	assert.Empty(t, r.stdout)
}

func TestRebootOnFailureStillFenced(t *testing.T) {
	d := newDevice()
	a := newTestAgent(d)
	r := runStdin(t, a, "action=reboot\nport=node2\n") // off already; on succeeds
	assert.Equal(t, 0, r.code)
	d2 := newDevice()
	d2.fail = nil
	a2 := newTestAgent(d2)
	a2.Open = func(*Options, *Logger, func(string)) (Device, error) { return &onFails{d2}, nil }
	r = runStdin(t, a2, "action=reboot\nport=node1\n")
	assert.Equal(t, 0, r.code, "the off was confirmed: the fence succeeded")
	assert.Equal(t, "Success: Rebooted\n", r.stdout)
	assert.Contains(t, r.stderr, "Timed out waiting to power ON")
}

type onFails struct{ *fakeDevice }

func (o *onFails) Power(ctx context.Context, t Target, on bool, p Polling) error {
	if on {
		return errors.New("start refused")
	}
	return o.fakeDevice.Power(ctx, t, on, p)
}

func TestHelpVersionDebugFile(t *testing.T) {
	r := runArgs(t, newTestAgent(newDevice()), "-h")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "Usage:\n\tfence_test [options]\n")
	assert.Contains(t, r.stdout, "   -o, --action=[action]          Action: on, off, reboot (default)")
	r = runArgs(t, newTestAgent(newDevice()), "-V")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, Version+"\n", r.stdout)

	f := filepath.Join(t.TempDir(), "debug.log")
	r = runStdin(t, newTestAgent(newDevice()), "action=status\nport=node1\nverbose=1\ndebug_file="+f+"\n")
	assert.Equal(t, 0, r.code)
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	assert.Contains(t, string(b), "DEBUG: plug node1 is node1 101, ON")
	assert.NotContains(t, string(b), testSecret)
	st, err := os.Stat(f)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
}

func TestDelayOnlyForFencingActions(t *testing.T) {
	start := time.Now()
	r := runStdin(t, newTestAgent(newDevice()), "action=status\nport=node1\ndelay=5\n")
	assert.Equal(t, 0, r.code)
	assert.Less(t, time.Since(start), 4*time.Second)
	start = time.Now()
	r = runStdin(t, newTestAgent(newDevice()), "action=off\nport=node1\ndelay=1\n")
	assert.Equal(t, 0, r.code)
	assert.GreaterOrEqual(t, time.Since(start), time.Second)
}

const rng = "/usr/share/cluster/relaxng/metadata.rng"

// TestMetadata checks the XML against fence-agents' own schema, and its
// shape against what fencing.py prints (fence_aws as installed).
func TestMetadata(t *testing.T) {
	r := runStdin(t, newTestAgent(newDevice()), "action=metadata\n")
	require.Equal(t, 0, r.code)
	md := r.stdout
	assert.True(t, strings.HasPrefix(md, "<?xml version=\"1.0\" ?>\n<resource-agent name=\"fence_test\" shortdesc=\"Fence agent for tests\" >\n"))
	assert.Contains(t, md, "<longdesc>Tests &amp; more &lt;things&gt;.</longdesc>")
	assert.Contains(t, md, "\t<parameter name=\"action\" unique=\"0\" required=\"1\">\n\t\t<getopt mixed=\"-o, --action=[action]\" />\n\t\t<content type=\"string\" default=\"reboot\"  />\n\t\t<shortdesc lang=\"en\">Fencing action</shortdesc>\n\t</parameter>\n")
	assert.Contains(t, md, "\t<parameter name=\"plug\" unique=\"0\" required=\"1\" obsoletes=\"port\">\n\t\t<getopt mixed=\"-n, --plug=[id]\" />")
	assert.Contains(t, md, "\t<parameter name=\"port\" unique=\"0\" required=\"1\" deprecated=\"1\">")
	assert.Contains(t, md, "\t\t<content type=\"select\" default=\"a\"  >\n\t\t\t<option value=\"a\" />\n\t\t\t<option value=\"b\" />\n\t\t</content>\n")
	assert.Contains(t, md, "\t\t<content type=\"second\" default=\"2\"  />") // power_timeout's agent default
	assert.Contains(t, md, "<actions>\n\t<action name=\"on\" automatic=\"0\"/>\n\t<action name=\"off\" />\n")
	assert.NotContains(t, md, testSecret)
	validate(t, md)

	// Order: action, plug, port, the agent's own, quiet ... retry_on last.
	idx := func(s string) int { return strings.Index(md, "<parameter name=\""+s+"\"") }
	order := []string{"action", "plug", "port", "token_file", "secret_thing", "mode", "quiet", "verbose", "verbose_level", "debug", "debug_file", "version", "help", "plug_separator", "separator", "delay", "disable_timeout", "login_timeout", "power_timeout", "power_wait", "shell_timeout", "stonith_status_sleep", "retry_on"}
	for i := 1; i < len(order); i++ {
		assert.Less(t, idx(order[i-1]), idx(order[i]), "%s before %s", order[i-1], order[i])
	}

	// The same standard parameters, word for word, as fence-agents' own.
	if aws, err := exec.Command("/usr/sbin/fence_aws", "-o", "metadata").Output(); err == nil {
		for _, p := range []string{"quiet", "verbose", "debug_file", "separator", "delay", "login_timeout", "power_wait", "stonith_status_sleep", "retry_on"} {
			assert.Contains(t, md, block(string(aws), p), "parameter %s as fence_aws has it", p)
		}
	}
}

// block is the <parameter name=...> ... </parameter> text of p in md.
func block(md, p string) string {
	i := strings.Index(md, "\t<parameter name=\""+p+"\"")
	if i < 0 {
		return "<missing " + p + ">"
	}
	j := strings.Index(md[i:], "</parameter>\n")
	return md[i : i+j+len("</parameter>\n")]
}

func validate(t *testing.T, md string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("OCFKIT_REQUIRE_SYSTEM") != "" {
			t.Fatal("xmllint is missing (libxml2-utils)")
		}
		t.Skip("xmllint is missing (libxml2-utils)")
	}
	if _, err := os.Stat(rng); err != nil {
		if os.Getenv("OCFKIT_REQUIRE_SYSTEM") != "" {
			t.Fatalf("%s is missing (fence-agents)", rng)
		}
		t.Skipf("%s is missing (fence-agents)", rng)
	}
	cmd := exec.Command(xmllint, "--noout", "--relaxng", rng, "-")
	cmd.Stdin = strings.NewReader(md)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "metadata does not validate against %s:\n%s", rng, out)
}
