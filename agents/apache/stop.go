package main

import (
	"context"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
)

// stop ends the server within the stop timeout; stop on stopped succeeds.
// It fails only when a process of this instance is left running.
func stop(ctx context.Context, e *ocf.Env, in *resource) error {
	rep, err := in.server.Stop(ctx)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "apache still running: %v", err)
	}
	switch {
	case rep.Pid != 0:
		e.Log.Infof("apache stopped (pid %d, signals %s, %s)", rep.Pid, strings.Join(rep.Signals, ", "), rep.Elapsed.Round(1e6))
	default:
		e.Log.Infof("apache is not running")
	}
	if rep.PidFileErr != nil {
		e.Log.Warnf("%v", rep.PidFileErr)
	}
	if rep.Leftovers > 0 {
		e.Log.Warnf("killed %d httpd processes left behind by a dead parent", rep.Leftovers)
	}
	return nil
}
