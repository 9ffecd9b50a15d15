// Package agenttest runs a built agent the way Pacemaker does, for the
// agents' tests and the benchmarks: the action as the only argument, the
// parameters as OCF_RESKEY_<name>, and the OCF variables every agent
// expects. It also counts the processes an action forks (forks.go).
package agenttest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Params are an agent's parameters by name. A key starting with OCF_ or
// HA_ is an environment variable passed as it is (OCF_CHECK_LEVEL,
// OCF_RESKEY_CRM_meta_interval, HA_RSCTMP, ...); any other key k is the
// parameter OCF_RESKEY_k.
type Params map[string]string

// With returns a copy of p with kv (name, value, name, value, ...) set; an
// empty value removes the name. "x" and "OCF_RESKEY_x" name the same
// variable, so either spelling replaces the other.
func (p Params) With(kv ...string) Params {
	q := Params{}
	for k, v := range p {
		q[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		k, v := kv[i], kv[i+1]
		delete(q, k)
		if short, ok := strings.CutPrefix(k, "OCF_RESKEY_"); ok {
			delete(q, short)
		} else {
			delete(q, "OCF_RESKEY_"+k)
		}
		if v != "" {
			q[k] = v
		}
	}
	return q
}

// Env is p as environment variables, sorted by key.
func (p Params) Env() []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	env := make([]string, 0, len(keys))
	for _, k := range keys {
		if strings.HasPrefix(k, "OCF_") || strings.HasPrefix(k, "HA_") {
			env = append(env, k+"="+p[k])
		} else {
			env = append(env, "OCF_RESKEY_"+k+"="+p[k])
		}
	}
	return env
}

// Environ is what Pacemaker sets for an agent with parameters p:
// OCF_ROOT, OCF_RESOURCE_INSTANCE (Instance unless p names one) and
// HA_LOGFACILITY=none, so that nothing goes to syslog, then p.
func Environ(p Params) []string {
	return append([]string{"OCF_ROOT=/usr/lib/ocf", "OCF_RESOURCE_INSTANCE=" + Instance, "HA_LOGFACILITY=none"}, p.Env()...)
}

// Instance is the resource instance name when neither the parameters nor
// the extra environment set OCF_RESOURCE_INSTANCE.
const Instance = "test"

// Command is the command that runs the agent bin with action (no argument
// when action is ""). Its environment is the test's own without any OCF_*
// or HA_* variable, then HA_RSCTMP (a directory per test, so state
// persists from one action to the next within a test and no further),
// then Environ(p), then extraEnv: where a variable is set twice, the last
// wins.
func Command(t testing.TB, bin, action string, p Params, extraEnv ...string) *exec.Cmd {
	t.Helper()
	var args []string
	if action != "" {
		args = []string{action}
	}
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OCF_") && !strings.HasPrefix(kv, "HA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HA_RSCTMP="+StateDir(t))
	cmd.Env = append(cmd.Env, Environ(p)...)
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// Run runs action of the agent bin (see Command) and returns how it ended.
// A non-zero exit is a result, not a failure; the test fails when the
// binary cannot be run, and whenever its output shows a Go panic.
func Run(t testing.TB, bin, action string, p Params, extraEnv ...string) Result {
	t.Helper()
	return Agent{Bin: bin}.Run(t, action, p, extraEnv...)
}

// Expect runs action as Run does and fails the test, with the agent's
// stderr, unless it exits with code.
func Expect(t testing.TB, code int, bin, action string, p Params, extraEnv ...string) Result {
	t.Helper()
	return Agent{Bin: bin}.Expect(t, code, action, p, extraEnv...)
}

// Agent is an agent binary as a test runs it: the one way the agents'
// tests run an action (Run) and assert its exit code (Expect). The zero
// values of the fields other than Bin add nothing.
type Agent struct {
	Bin string
	// Params are defaults under every run's parameters: a run's own
	// parameters win (OCF_RESOURCE_INSTANCE, say).
	Params Params
	// Env is added after the parameters on every run (before a run's own
	// extra environment): OCF_RESOURCE_INSTANCE, HA_RSCTMP, endpoints.
	Env []string
	// Check runs after every run, for what must hold whatever the action
	// returned: no secret in the output, say.
	Check func(testing.TB, Result)
	// Diag is added to Expect's failure message: the calls a cloud fake
	// saw, say.
	Diag func() string
	// Drop names prefixes of the test's own environment variables the
	// agent must not inherit (OCF_* and HA_* never are): OCI_ keeps an
	// OCI CLI's settings on the developer's machine from configuring the
	// agent.
	Drop []string
}

// Run runs action with parameters p (see Command), then Check.
func (a Agent) Run(t testing.TB, action string, p Params, extraEnv ...string) Result {
	t.Helper()
	q := a.Params.With()
	for k, v := range p {
		q = q.With(k, "") // removes either spelling of k
		q[k] = v
	}
	cmd := Command(t, a.Bin, action, q, append(append([]string{}, a.Env...), extraEnv...)...)
	cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool {
		return slices.ContainsFunc(a.Drop, func(prefix string) bool { return strings.HasPrefix(kv, prefix) })
	})
	r := Exec(t, cmd)
	r.Action = action
	if a.Check != nil {
		a.Check(t, r)
	}
	return r
}

// Expect runs action as Run does and fails the test, with the agent's
// stderr and Diag, unless it exits with code.
func (a Agent) Expect(t testing.TB, code int, action string, p Params, extraEnv ...string) Result {
	t.Helper()
	r := a.Run(t, action, p, extraEnv...)
	if r.Code != code {
		diag := ""
		if a.Diag != nil {
			diag = "\n" + a.Diag()
		}
		t.Fatalf("%s %s: exit %d (%s), want %d (%s)\nstderr:\n%s%s", filepath.Base(a.Bin), action,
			r.Code, ocfName(r.Code), code, ocfName(code), r.Stderr, diag)
	}
	return r
}

// ocfName names the OCF exit codes in failure messages (ocf is not
// imported: agenttest runs binaries, it does not link agents).
func ocfName(code int) string {
	names := map[int]string{0: "success", 1: "generic error", 2: "invalid argument", 3: "unimplemented",
		4: "insufficient privileges", 5: "not installed", 6: "not configured", 7: "not running",
		8: "running promoted", 9: "failed promoted", 190: "degraded", 191: "degraded promoted"}
	if n, ok := names[code]; ok {
		return n
	}
	return "exit code " + strconv.Itoa(code)
}

// Exec runs cmd as Run does, for a command a test adjusted first.
func Exec(t testing.TB, cmd *exec.Cmd) Result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %v: %v", cmd.Args, err)
	}
	if strings.Contains(r.Stdout, "panic:") || strings.Contains(r.Stderr, "panic:") {
		t.Fatalf("%v panicked: %s\nstdout:\n%s", cmd.Args, r, r.Stdout)
	}
	return r
}

// Result is one run of an agent.
type Result struct {
	// Action is the action run (set by Run, not by Exec), so that a
	// Check's failure names the run that broke it.
	Action         string
	Code           int
	Stdout, Stderr string
	Elapsed        time.Duration
}

// Reason is the text of the first ocf-exit-reason line, "" when there is none.
func (r Result) Reason() string {
	for _, l := range strings.Split(r.Stderr, "\n") {
		if s, ok := strings.CutPrefix(l, "ocf-exit-reason:"); ok {
			return s
		}
	}
	return ""
}

// String is the exit code, the time taken and stderr, for failure messages.
func (r Result) String() string {
	return fmt.Sprintf("exit %d after %v\n%s", r.Code, r.Elapsed.Round(time.Millisecond), r.Stderr)
}

var stateDirs sync.Map // testing.TB → its HA_RSCTMP

// StateDir is the HA_RSCTMP that Command gives the agents t runs, for a
// test that looks at their state files.
func StateDir(t testing.TB) string {
	if d, ok := stateDirs.Load(t); ok {
		return d.(string)
	}
	d := t.TempDir()
	if prev, loaded := stateDirs.LoadOrStore(t, d); loaded {
		return prev.(string)
	}
	t.Cleanup(func() { stateDirs.Delete(t) })
	return d
}
