package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) {
	mounttest.HelperMain()
	testenv.Main(m)
}

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

// params maps parameter names to values; "OCF_..." keys are passed as
// environment variables as they are.
type params map[string]string

func (p params) with(kv ...string) params {
	q := params{}
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

func (p params) env() []string {
	env := []string{"OCF_ROOT=/usr/lib/ocf", "OCF_RESOURCE_INSTANCE=fs-test", "HA_LOGFACILITY=none"}
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

// agentEnv is the environment without OCF variables of the test's own.
func agentEnv(p params) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OCF_") && !strings.HasPrefix(kv, "HA_") {
			env = append(env, kv)
		}
	}
	return append(env, p.env()...)
}

func run(t *testing.T, p params, action string) result {
	t.Helper()
	cmd := exec.Command(testenv.BuildAgent(t, "Filesystem"), action)
	cmd.Env = agentEnv(p)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
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
func expect(t *testing.T, p params, action string, code int) result {
	t.Helper()
	r := run(t, p, action)
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstderr:\n%s", action, r.code, code, r.stderr)
	}
	return r
}
