// Package fencetest runs a built fence agent the way Pacemaker's fencer
// does (options as name=value lines on stdin) or the way an administrator
// does (options on the command line), for the fence agents' tests. It is
// test/agenttest for the fence-agents protocol, and shares its Result and
// its panic check.
package fencetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/test/agenttest"
)

// Result is one run of an agent.
type Result = agenttest.Result

// RNG is the fence-agents schema (from fence-agents-common) that the
// fencer's metadata must satisfy; pcs and stonith_admin read it too.
const RNG = "/usr/share/cluster/relaxng/metadata.rng"

// CheckMetadata fails the test unless xmllint accepts md under RNG.
// Without xmllint or the schema it skips, or fails in CI.
func CheckMetadata(t testing.TB, md string) {
	t.Helper()
	agenttest.CheckMetaData(t, md, RNG)
}

// Hides is a Check that fails the test when any of secrets ("" is
// ignored) shows in a run's stdout or stderr: a fence agent's credential
// must never reach its output, whatever the action returned.
func Hides(what string, secrets ...string) func(testing.TB, Result) {
	return func(t testing.TB, r Result) {
		t.Helper()
		for _, s := range secrets {
			if s != "" && strings.Contains(r.Stdout+r.Stderr, s) {
				t.Fatalf("the %s appears in the output:\n%s%s", what, r.Stdout, r.Stderr)
			}
		}
	}
}

// Agent is a fence agent binary as a test runs it.
type Agent struct {
	Bin string
	// Env is added to the test's own environment and HA_LOGFACILITY=none
	// (nothing to syslog): HA_RSCTMP, say.
	Env []string
	// Check runs after every run, for what must hold whatever the action
	// returned: no credential in the output, say.
	Check func(testing.TB, Result)
}

// Stdin is options (name=value, ...) as the fencer writes them.
func Stdin(options ...string) string {
	return strings.Join(options, "\n") + "\n"
}

// Run runs the agent with stdin, and args on its command line (the
// agent reads stdin only without arguments), then Check. A non-zero exit
// is a result; the test fails when the binary cannot run or panics.
func (a Agent) Run(t testing.TB, stdin string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(a.Bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(append(os.Environ(), "HA_LOGFACILITY=none"), a.Env...)
	r := agenttest.Exec(t, cmd)
	if a.Check != nil {
		a.Check(t, r)
	}
	return r
}

// Expect runs the agent as Run does and fails the test, with its stdout
// and stderr, unless it exits with code.
func (a Agent) Expect(t testing.TB, code int, stdin string, args ...string) Result {
	t.Helper()
	r := a.Run(t, stdin, args...)
	if r.Code != code {
		t.Fatalf("%s %q %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", filepath.Base(a.Bin),
			strings.TrimSpace(stdin), args, r.Code, code, r.Stdout, r.Stderr)
	}
	return r
}
