package ocf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// Version is set at build time: -ldflags "-X github.com/ocfkit/ocfkit/ocf.Version=...".
var Version = "dev"

// Action is one action of an agent. Entries with the same name (monitor at
// several depths or roles) are declared separately in meta-data and share
// the Run of the first.
type Action struct {
	Name     string
	Timeout  time.Duration
	Interval time.Duration
	Depth    int
	Role     string // "Promoted" or "Unpromoted" for role monitors
	// Undeclared actions run but are kept out of meta-data, for names that
	// ra-api-1.dtd does not allow (reload-agent).
	Undeclared bool
	Run        func(ctx context.Context, e *Env) error
}

// Agent is the whole declaration of one resource agent.
type Agent struct {
	Name      string
	Shortdesc string
	Longdesc  string
	Params    []Param
	Actions   []Action
	// Resource loads the resource every action works on (see Resource).
	// An agent that declares it has no Validate: Load validates.
	Resource Loader
	// Validate checks the configuration beyond the declared types, for
	// agents without a Resource. It runs for validate-all and before
	// every other action but meta-data; it sees e.Action, so it can keep
	// the monitor's hot path cheap.
	Validate func(ctx context.Context, e *Env) error
}

// builtins every agent has; validate-all and meta-data are declared in
// meta-data, usage is not.
func (a *Agent) allActions() []Action {
	acts := append([]Action(nil), a.Actions...)
	if !a.has("validate-all") {
		acts = append(acts, Action{Name: "validate-all", Timeout: 20 * time.Second})
	}
	if !a.has("meta-data") {
		acts = append(acts, Action{Name: "meta-data", Timeout: 5 * time.Second})
	}
	return acts
}

func (a *Agent) has(name string) bool {
	for _, x := range a.Actions {
		if x.Name == name {
			return true
		}
	}
	return false
}

func (a *Agent) run(name string) func(context.Context, *Env) error {
	for _, x := range a.Actions {
		if x.Name == name && x.Run != nil {
			return x.Run
		}
	}
	return nil
}

func (a *Agent) defaultTimeout(name string) time.Duration {
	for _, x := range a.allActions() {
		if x.Name == name && x.Timeout > 0 {
			return x.Timeout
		}
	}
	return 20 * time.Second
}

func (a *Agent) actionNames() []string {
	var names []string
	seen := map[string]bool{}
	for _, x := range a.allActions() {
		if !seen[x.Name] {
			seen[x.Name] = true
			names = append(names, x.Name)
		}
	}
	return names
}

// Main runs the agent with the process's arguments and exits with the OCF
// code. A watchdog ends the process with a reason should an action overrun
// its deadline despite its context, so Pacemaker never has to kill it.
func (a *Agent) Main() {
	// An agent lives for one action and allocates little: collecting
	// garbage would only cost time on every monitor. The memory limit
	// still makes the collector run should an action ever grow.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(64 << 20)
	// One processor: an action is sequential, and every extra OS thread the
	// scheduler spins up costs a clone; children and blocking system calls
	// still run in parallel. Measured: the apache monitor 6% faster.
	runtime.GOMAXPROCS(1)
	watchdog = true
	os.Exit(a.Run(os.Args[1:], os.Stdout, os.Stderr))
}

// watchdog is on in real processes (Main) and off in-process (tests).
var watchdog bool

// armWatchdog ends the process halfway through the safety margin, after the
// context deadline has passed without the action returning: a blocked
// syscall or a library that ignores its context must not make Pacemaker
// kill the agent without a reason.
func armWatchdog(e *Env, start time.Time, stderr io.Writer) {
	if !watchdog {
		return
	}
	hard := start.Add(e.Timeout - Margin(e.Timeout)/2)
	time.AfterFunc(time.Until(hard), func() {
		killStragglers()
		fmt.Fprintf(stderr, "ocf-exit-reason:%s did not finish within its timeout of %s\n", e.Action, e.Timeout)
		os.Exit(ErrGeneric)
	})
}

// Run dispatches one invocation and returns the exit code. It never calls
// os.Exit, so tests can drive an agent in-process.
func (a *Agent) Run(args []string, stdout, stderr io.Writer) int {
	// Pacemaker passes the action alone and everything else in the
	// environment: that path skips urfave/cli, whose flag lookups run a
	// regexp per flag per lookup and cost a millisecond on every monitor.
	// Flags, --help and --version (a person at a shell) go through it.
	if len(args) == 1 && (args[0] == "usage" || a.isAction(args[0])) {
		return a.dispatch(envValue, args[0], stdout, stderr)
	}
	code := -1
	app := &cli.App{
		Name:            a.Name,
		Usage:           a.Shortdesc,
		UsageText:       a.usage(),
		Version:         Version,
		Flags:           a.flags(),
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				fmt.Fprintln(stderr, "usage: "+a.usage())
				code = ErrArgs
				return nil
			}
			fmt.Fprintf(stderr, "%s: unknown action %q\nusage: %s\n", a.Name, c.Args().First(), a.usage())
			code = ErrUnimplemented
			return nil
		},
	}
	for _, name := range append(a.actionNames(), "usage") {
		name := name
		app.Commands = append(app.Commands, &cli.Command{
			Name:            name,
			Usage:           "the " + name + " action",
			Flags:           a.flags(),
			SkipFlagParsing: false,
			Action: func(c *cli.Context) error {
				code = a.dispatch(func(p string) string { return flagValue(c, p) }, name, stdout, stderr)
				return nil
			},
		})
	}
	if err := app.Run(append([]string{a.Name}, args...)); err != nil {
		fmt.Fprintf(stderr, "%s: %v\nusage: %s\n", a.Name, err, a.usage())
		return ErrArgs
	}
	if code < 0 { // --help or --version
		return Success
	}
	return code
}

func (a *Agent) usage() string {
	return a.Name + " {" + strings.Join(a.actionNames(), "|") + "}"
}

// flags turns every parameter into --<name> reading OCF_RESKEY_<name>.
// Defaults are applied by Env, not by the flags, so that IsSet and the
// "unsupported unless default" rule see what the user really gave.
func (a *Agent) flags() []cli.Flag {
	var fs []cli.Flag
	for _, p := range a.Params {
		env := []string{"OCF_RESKEY_" + p.Name}
		usage := p.Shortdesc
		if p.Default != "" {
			usage += " (default: " + p.Default + ")"
		}
		fs = append(fs, &cli.StringFlag{Name: p.Name, Usage: usage, EnvVars: env})
	}
	return fs
}

func (a *Agent) isAction(name string) bool {
	for _, n := range a.actionNames() {
		if n == name {
			return true
		}
	}
	return false
}

func (a *Agent) dispatch(value func(string) string, action string, stdout, stderr io.Writer) (code int) {
	switch action {
	case "meta-data":
		stdout.Write(a.MetaData())
		return Success
	case "usage":
		fmt.Fprintln(stdout, "usage: "+a.usage())
		return Success
	}
	start := time.Now()
	e, warnings := newEnv(a, action, start)
	e.Log = NewLogger(a.Name, e.Instance, stderr)
	defer e.Log.Close()
	for _, w := range warnings {
		e.Log.Warnf("%s", w)
	}
	ctx, cancel := context.WithDeadline(context.Background(), e.Deadline)
	defer cancel()
	armWatchdog(e, start, stderr)
	defer func() {
		// A bug must still end as an OCF result with a reason, not as a
		// Go crash (exit 2, which Pacemaker reads as "invalid argument").
		if r := recover(); r != nil {
			e.Log.Errorf("internal error in %s: %v\n%s", action, r, debug.Stack())
			code = a.finish(e, Errorf(ErrGeneric, "internal error in %s: %v", action, r), stderr)
		}
	}()

	err := a.readParams(value, e)
	run := a.run(action)
	if run == nil && action != "validate-all" {
		fmt.Fprintf(stderr, "%s: action %s is not implemented\n", a.Name, action)
		return ErrUnimplemented
	}
	if a.Resource != nil {
		err = a.runLoaded(ctx, e, run, err)
	} else {
		err = a.runValidated(ctx, e, run, err)
	}
	if ctx.Err() != nil && watchdog {
		killStragglers()
	}
	if err != nil && ctx.Err() != nil && CodeOf(err) == ErrGeneric && errors.Is(err, context.DeadlineExceeded) {
		err = Errorf(ErrGeneric, "%s did not finish within its timeout of %s: %v", action, e.Timeout, err)
	}
	return a.finish(e, err, stderr)
}

// runValidated runs an action of an agent without a Resource: Validate,
// then the action, with the same two rules as runLoaded in their older
// form (stop runs with defaults; a probe of an unconfigurable resource is
// not running).
func (a *Agent) runValidated(ctx context.Context, e *Env, run func(context.Context, *Env) error, err error) error {
	action := e.Action
	if err == nil && a.Validate != nil {
		err = a.Validate(ctx, e)
	}
	if err != nil && action == "stop" && isConfigError(err) && CodeOf(err) != ErrPerm {
		// A failed stop gets the node fenced. A configuration that cannot
		// be read does not make the resource stop itself, so stop gets its
		// chance with what could be read; invalid values are defaults.
		e.Log.Warnf("stopping despite a configuration problem: %v", err)
		err = nil
	}
	if err != nil && e.IsProbe() && isConfigError(err) {
		// A probe on a node where the resource cannot even be configured
		// means "not running here", not a failure that bans the resource.
		e.Log.Infof("probe: %v", err)
		return Exit(NotRunning)
	}
	if err != nil || action == "validate-all" {
		return err
	}
	return run(ctx, e)
}

// finish logs a failure and prints the exit reason Pacemaker shows.
func (a *Agent) finish(e *Env, err error, stderr io.Writer) int {
	code := CodeOf(err)
	reason := Redact(reasonOf(err))
	if reason == "" {
		return code
	}
	switch code {
	case Success, NotRunning, RunningPromoted:
		e.Log.Infof("%s", reason)
	default:
		e.Log.Errorf("%s", reason)
	}
	fmt.Fprintf(stderr, "ocf-exit-reason:%s\n", strings.ReplaceAll(reason, "\n", " "))
	return code
}

func isConfigError(err error) bool {
	c := CodeOf(err)
	return c == ErrConfigured || c == ErrInstalled || c == ErrPerm
}

// readParams fills e from flags and OCF_RESKEY_*, applying defaults and the
// declared checks. An empty value counts as unset, as ${OCF_RESKEY_x:-def}
// does in the shell agents. What the action reads is always well-formed:
// an invalid value reads as the default. The value of an ordinary
// parameter that fails its checks is a warning; a missing required
// parameter, or a failed check of an identity, a strict or an unsupported
// parameter, is returned as ERR_CONFIGURED.
func (a *Agent) readParams(value func(string) string, e *Env) error {
	var problems []string
	for i := range a.Params {
		p := &a.Params[i]
		v := strings.TrimSpace(value(p.Name))
		if v == "" && p.Alias != "" {
			if v = strings.TrimSpace(os.Getenv("OCF_RESKEY_" + p.Alias)); v != "" {
				e.Log.Warnf("parameter %s is deprecated, use %s", p.Alias, p.Name)
			}
		}
		if p.Secret && v != "" {
			RegisterSecret(v)
		}
		if v == "" {
			e.values[p.Name] = p.Default
			if p.Required {
				problems = append(problems, "required parameter "+p.Name+" is not set")
			}
			continue
		}
		e.values[p.Name], e.set[p.Name] = v, true
		if w := p.BoolWarning(v); w != "" {
			e.Log.Warnf("%s", w)
		}
		err := p.check(v)
		switch {
		case err == nil:
		case p.Unsupported != "":
			problems = append(problems, err.Error())
		case p.Identity || p.Strict:
			problems = append(problems, err.Error())
			e.values[p.Name], e.set[p.Name] = p.Default, false
		default:
			e.Log.Warnf("%v: using the default %q", err, p.Default)
			e.values[p.Name], e.set[p.Name] = p.Default, false
		}
	}
	if len(problems) > 0 {
		return &Error{Code: ErrConfigured, Reason: strings.Join(problems, "; ")}
	}
	return nil
}

// flagValue finds a flag given before or after the action: every command
// declares the same flags, and urfave/cli would otherwise stop at the first
// context that declares one rather than the one that has it set. The flags
// read OCF_RESKEY_<name> too (EnvVars), so an unset flag is the variable.
func flagValue(c *cli.Context, name string) string {
	for _, x := range c.Lineage() {
		if x.IsSet(name) {
			return x.String(name)
		}
	}
	return ""
}

// envValue is a parameter as Pacemaker passes it.
func envValue(name string) string { return os.Getenv("OCF_RESKEY_" + name) }
