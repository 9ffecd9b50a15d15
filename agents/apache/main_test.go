package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// result is one run of the agent binary.
type result struct {
	code           int
	stdout, stderr string
}

// reason is the ocf-exit-reason line's text, "" when there is none.
func (r result) reason() string {
	for _, l := range strings.Split(r.stderr, "\n") {
		if s, ok := strings.CutPrefix(l, "ocf-exit-reason:"); ok {
			return s
		}
	}
	return ""
}

// args maps parameter names to values; "OCF_..." and "HA_..." keys are
// passed as environment variables as they are.
type args map[string]string

func (p args) with(kv ...string) args {
	q := args{}
	for k, v := range p {
		q[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q[kv[i]] = kv[i+1]
	}
	return q
}

func (p args) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OCF_") && !strings.HasPrefix(kv, "HA_") {
			env = append(env, kv)
		}
	}
	env = append(env, "OCF_ROOT=/usr/lib/ocf", "OCF_RESOURCE_INSTANCE=apache-test", "HA_LOGFACILITY=none")
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
	return env
}

func run(t *testing.T, p args, action string) result {
	t.Helper()
	cmd := exec.Command(testenv.BuildAgent(t, "apache"), action)
	cmd.Env = p.env()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	if d := time.Since(start); d > time.Second {
		t.Logf("%s took %s", action, d.Round(time.Millisecond))
	}
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %s: %v", action, err)
	}
	return r
}

// expect runs an action and fails unless it exits with code.
func expect(t *testing.T, p args, action string, code int) result {
	t.Helper()
	r := run(t, p, action)
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstderr:\n%s", action, r.code, code, r.stderr)
	}
	return r
}

// server writes a test configuration for a real apache2 and returns it
// with the agent parameters that manage it. envfiles is empty: the test
// server must not depend on the system's envvars.
func server(t *testing.T, o httpdtest.Options) (*httpdtest.Server, args) {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "apache2")
	ts := httpdtest.New(t, o)
	return ts, args{"configfile": ts.ConfigFile, "httpd": httpdtest.Binary, "envfiles": "",
		"OCF_RESKEY_CRM_meta_timeout": "20000"}
}
