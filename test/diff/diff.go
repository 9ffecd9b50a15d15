// Package diff runs an installed anchor agent (ocf:heartbeat:X,
// ocf:linbit:drbd) and ocfkit's agent on the same situation and compares
// what they answer: the exit code of every action and, where a case says
// how to read it, the state they leave behind.
//
// A case builds its situation before each side runs (Setup) and undoes
// what the side left (Teardown), so both agents meet the same system. A
// case where ocfkit differs on purpose says so (Differs, the reason as the
// "what changes" table in docs/ gives it); the harness then requires the
// agents to differ, so that a table entry that has become stale fails the
// test instead of lying. Run returns the tally the issue asks for: cases
// that agree, that differ on purpose, that differ.
package diff

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Agent is one side of the comparison.
type Agent struct {
	Name string // "anchor" or "ocfkit", for messages
	Path string
	// Env is extra environment for every run of this side (after the
	// case's, so it wins).
	Env []string
}

// Step is one action of a case.
type Step struct {
	Action string
	// Params replaces the case's parameters for this step when not nil
	// (e.g. a recurring monitor: c.Params.With("OCF_RESKEY_CRM_meta_interval", "10000")).
	Params agenttest.Params
	// Env is added to the case's environment for this step.
	Env []string
}

// Case is one situation both agents meet.
type Case struct {
	Name   string
	Params agenttest.Params
	Env    []string // extra environment (OCF_RESOURCE_INSTANCE=..., OCF_CHECK_LEVEL=...)
	// Dir is the working directory of the agents ("" the test's own): the
	// anchors resolve relative paths against it.
	Dir string
	// Steps run in order on each side; Actions is the short form when
	// every step uses the case's parameters. Steps wins when both are set.
	Steps   []Step
	Actions []string
	// Setup makes the situation, before each side. It gets the side
	// about to run, for a case that must prepare per side (rarely).
	Setup func(t testing.TB, side Agent)
	// State reads what a side left, compared between sides ("" = nothing
	// to compare). It runs after the side's last step.
	State func(t testing.TB) string
	// Teardown undoes what Setup made and what the side left; it runs
	// after each side, also when the side failed. Register cleanups that
	// must survive a Fatal with t.Cleanup in Setup as well.
	Teardown func(t testing.TB)
	// Want, when set, is ocfkit's expected code for every step.
	Want []int
	// Differs is the documented reason ocfkit answers differently; set,
	// the agents must differ (in a code or the state).
	Differs string
	// Check, when set, looks at both sides' results once they ran
	// (e.g. that ocfkit's exit reason names something).
	Check func(t testing.TB, anchor, ours Outcome)
}

// Outcome is what one side did.
type Outcome struct {
	Results []agenttest.Result
	State   string
}

// Codes are the exit codes of the steps, in order.
func (o Outcome) Codes() []int {
	c := make([]int, len(o.Results))
	for i, r := range o.Results {
		c[i] = r.Code
	}
	return c
}

// Verdict is how a case ended.
type Verdict int

const (
	Agree     Verdict = iota // same codes, same state
	OnPurpose                // differ, as the case documents
	Differ                   // differ without a documented reason (a failure)
)

// Tally counts the cases by verdict.
type Tally struct {
	Agent                    string
	Agree, OnPurpose, Differ int
	Stale                    int // documented as differing, but agreed (a failure)
	Differing, StaleNames    []string
}

func (t Tally) String() string {
	s := fmt.Sprintf("differential %s: %d agree, %d differ on purpose (documented), %d differ",
		t.Agent, t.Agree, t.OnPurpose, t.Differ)
	if t.Stale > 0 {
		s += fmt.Sprintf(", %d documented differences no longer differ", t.Stale)
	}
	return s
}

// Runner compares two agents.
type Runner struct {
	Agent          string // the agent's name, for the tally
	Anchor, Ocfkit Agent
	// Prefix runs every action under a command (e.g. "ip", "netns",
	// "exec", "ns1"); empty runs the agent directly.
	Prefix []string
	// Timeout, when set, ends an action that runs longer (with its
	// process group), as Pacemaker does at the action's timeout; the step
	// then reads TimedOut. The anchors' starts loop until killed.
	Timeout time.Duration
}

// TimedOut is the code of a step the Runner's Timeout ended.
const TimedOut = -1

// Installed returns the path of an installed anchor agent,
// /usr/lib/ocf/resource.d/<provider>/<name>, skipping (or failing in CI)
// when it is absent.
func Installed(t testing.TB, provider, name string) string {
	t.Helper()
	p := "/usr/lib/ocf/resource.d/" + provider + "/" + name
	testenv.NeedFile(t, p)
	return p
}

// Run runs every case as a subtest on both sides, in order (anchor first),
// and returns the tally, which it also logs. A case that differs without
// a reason, or whose documented difference has disappeared, fails.
func (r Runner) Run(t *testing.T, cases []Case) Tally {
	t.Helper()
	tally := Tally{Agent: r.Agent}
	for _, c := range cases {
		c := c
		v := Differ // a side that stopped the subtest with Fatal
		ok := t.Run(c.Name, func(t *testing.T) {
			v = r.runCase(t, c)
		})
		switch {
		case !ok && c.Differs != "" && v == Agree:
			tally.Stale++
			tally.StaleNames = append(tally.StaleNames, c.Name)
		case v == Agree:
			tally.Agree++
		case v == OnPurpose:
			tally.OnPurpose++
		default:
			tally.Differ++
			tally.Differing = append(tally.Differing, c.Name)
		}
	}
	t.Log(tally.String())
	return tally
}

func (r Runner) runCase(t *testing.T, c Case) Verdict {
	a := r.side(t, c, r.Anchor)
	o := r.side(t, c, r.Ocfkit)
	same := equal(a.Codes(), o.Codes()) && a.State == o.State
	msg := describe(c, a, o)
	if c.Want != nil && !equal(c.Want, o.Codes()) {
		t.Errorf("ocfkit: codes %v, want %v\n%s", o.Codes(), c.Want, msg)
	}
	if c.Check != nil {
		c.Check(t, a, o)
	}
	switch {
	case same && c.Differs == "":
		return Agree
	case same:
		t.Errorf("documented as differing (%s), but both agents answer the same: the docs are stale\n%s", c.Differs, msg)
		return Agree
	case c.Differs != "":
		t.Logf("differs on purpose: %s\n%s", c.Differs, msg)
		if t.Failed() {
			return Differ
		}
		return OnPurpose
	default:
		t.Errorf("the agents differ\n%s", msg)
		return Differ
	}
}

// side runs the case's steps with one agent, between Setup and Teardown.
func (r Runner) side(t *testing.T, c Case, ag Agent) Outcome {
	t.Helper()
	if c.Setup != nil {
		c.Setup(t, ag)
	}
	if c.Teardown != nil {
		defer c.Teardown(t)
	}
	// Each side has its own HA_RSCTMP, so nothing one leaves there is
	// seen by the other; it persists across the steps of the side.
	state := t.TempDir()
	var out Outcome
	for _, s := range c.steps() {
		p := c.Params
		if s.Params != nil {
			p = s.Params
		}
		env := append(append(append([]string{}, c.Env...), s.Env...), ag.Env...)
		env = append(env, "HA_RSCTMP="+state)
		cmd := agenttest.Command(t, ag.Path, s.Action, p, env...)
		cmd.Dir = c.Dir
		if len(r.Prefix) > 0 {
			args := append(append(append([]string{}, r.Prefix[1:]...), ag.Path), cmd.Args[1:]...)
			wrapped := exec.Command(r.Prefix[0], args...)
			wrapped.Env, wrapped.Dir = cmd.Env, cmd.Dir
			cmd = wrapped
		}
		if r.Timeout > 0 {
			cmd = withTimeout(cmd, r.Timeout)
		}
		out.Results = append(out.Results, agenttest.Exec(t, cmd))
	}
	if c.State != nil {
		out.State = c.State(t)
	}
	return out
}

func (c Case) steps() []Step {
	if c.Steps != nil {
		return c.Steps
	}
	s := make([]Step, len(c.Actions))
	for i, a := range c.Actions {
		s[i] = Step{Action: a}
	}
	return s
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// describe shows both sides, step by step, for a failure or a log line.
func describe(c Case, a, o Outcome) string {
	var b strings.Builder
	for i, s := range c.steps() {
		fmt.Fprintf(&b, "  %s: anchor %d, ocfkit %d\n", s.Action, a.Results[i].Code, o.Results[i].Code)
	}
	if a.State != o.State {
		fmt.Fprintf(&b, "  state: anchor %q, ocfkit %q\n", a.State, o.State)
	}
	for i, s := range c.steps() {
		if a.Results[i].Code != o.Results[i].Code {
			fmt.Fprintf(&b, "  anchor %s stderr:\n%s\n  ocfkit %s stderr:\n%s\n", s.Action, tail(a.Results[i].Stderr), s.Action, tail(o.Results[i].Stderr))
		}
	}
	return b.String()
}

// tail keeps the end of a long stderr (the anchors trace a lot).
func tail(s string) string {
	const max = 2000
	if len(s) > max {
		return "..." + s[len(s)-max:]
	}
	return s
}

// withTimeout is cmd in its own process group, killed whole after d.
func withTimeout(cmd *exec.Cmd, d time.Duration) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	c.Env, c.Dir = cmd.Env, cmd.Dir
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	// Children that outlive the group kill (daemons) may hold the output
	// pipes: do not wait for them.
	c.WaitDelay = time.Second
	time.AfterFunc(d+2*time.Second, cancel)
	return c
}
