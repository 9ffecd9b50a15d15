package ocf

import (
	"context"
	"fmt"
)

// Resource is how an agent turns its parameters into the resource its
// actions work on. The runtime calls one of the two loaders before every
// action but meta-data and hands the result to the action as a value, so an
// agent keeps no package-level state and the two rules that keep a cluster
// safe live here, once:
//
//   - stop (and demote) never fails on configuration: they get
//     LoadForStop, which cannot fail.
//   - a monitor (probe or recurring) of a resource whose configuration
//     cannot be loaded still looks at the system, with LoadForStop's
//     resource: it says "not running" only when that look shows nothing
//     runs here, and a running resource is reported as running (with the
//     configuration problem logged as a warning).
//
// Every other action (start, promote, notify, validate-all, ...) gets Load
// and fails with its error.
//
// R is the agent's resource type, by convention *resource. Actions are
// declared with Do, which the compiler checks against R:
//
//	var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}
//	var agent = &ocf.Agent{Resource: kind, Actions: []ocf.Action{
//		{Name: "start", Run: kind.Do(start)}, // start(ctx, e, r *resource) error
//	}}
type Resource[R any] struct {
	// Load reads the configuration strictly: any value that does not
	// allow the action to do what was asked is an error (ERR_CONFIGURED
	// for the configuration, ERR_INSTALLED or ERR_PERM for this node).
	Load func(ctx context.Context, e *Env) (R, error)
	// LoadForStop is best effort and never fails: a value it cannot use
	// is replaced by the default or by what the system shows, and each
	// replacement is logged as a warning. A resource whose identity (the
	// address, device, directory...) cannot be read at all is returned as
	// such, and the actions treat it as "nothing of this runs here".
	LoadForStop func(ctx context.Context, e *Env) R
}

// Loader is implemented by *Resource[R] only; Agent.Resource holds one.
type Loader interface {
	load(ctx context.Context, e *Env) (any, error)
	loadForStop(ctx context.Context, e *Env) any
}

func (k *Resource[R]) load(ctx context.Context, e *Env) (any, error) { return k.Load(ctx, e) }

func (k *Resource[R]) loadForStop(ctx context.Context, e *Env) any {
	if k.LoadForStop == nil {
		r, err := k.Load(ctx, e)
		if err != nil {
			e.Log.Warnf("%s with what could be read: %v", e.Action, err)
		}
		return r
	}
	return k.LoadForStop(ctx, e)
}

// Do adapts an action on the loaded resource to Action.Run.
func (k *Resource[R]) Do(fn func(ctx context.Context, e *Env, r R) error) func(context.Context, *Env) error {
	return func(ctx context.Context, e *Env) error {
		r, ok := e.loaded.(R)
		if !ok {
			// Agent.Resource is another Resource than the one this
			// action was declared with: a bug the agent's tests see.
			return Errorf(ErrGeneric, "ocf: %s: the loaded resource is a %T, not what the action takes", e.Action, e.loaded)
		}
		return fn(ctx, e, r)
	}
}

// bestEffort reports the actions that run with LoadForStop.
func bestEffort(action string) bool { return action == "stop" || action == "demote" }

// isMonitor reports the actions that look at the system without changing it.
func isMonitor(action string) bool { return action == "monitor" || action == "status" }

// running reports the monitor results that say the resource runs here.
func running(code int) bool {
	switch code {
	case Success, RunningPromoted, FailedPromoted, DegradedRunning, DegradedPromoted:
		return true
	}
	return false
}

// runLoaded runs an action of an agent that declares a Resource. paramErr
// is what the declared parameter checks refused (identity, strict and
// unsupported values).
func (a *Agent) runLoaded(ctx context.Context, e *Env, run func(context.Context, *Env) error, paramErr error) error {
	action := e.Action
	if bestEffort(action) {
		if paramErr != nil {
			e.Log.Warnf("%s despite a configuration problem: %v", action, paramErr)
		}
		e.loaded = a.Resource.loadForStop(ctx, e)
		return run(ctx, e)
	}
	loadErr := paramErr
	if loadErr == nil {
		e.loaded, loadErr = a.Resource.load(ctx, e)
	}
	if loadErr == nil {
		if action == "validate-all" || run == nil {
			return nil
		}
		return run(ctx, e)
	}
	if !isMonitor(action) || !isConfigError(loadErr) || run == nil {
		return loadErr
	}
	// A monitor of a resource that cannot be configured still looks:
	// saying "not running" for a resource that runs would let Pacemaker
	// start it on a second node.
	e.loaded = a.Resource.loadForStop(ctx, e)
	err := run(ctx, e)
	code := CodeOf(err)
	switch {
	case running(code):
		e.Log.Warnf("running despite a configuration problem: %v", loadErr)
		return err
	case code == NotRunning:
		return Errorf(NotRunning, "not running; the configuration has a problem: %s", reasonOf(loadErr))
	case e.IsProbe() && isConfigError(err):
		e.Log.Infof("probe: %v", err)
		return Exit(NotRunning)
	}
	return fmt.Errorf("%w (configuration: %s)", err, reasonOf(loadErr))
}
