package main

import (
	"context"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
)

// stop ends the server within the stop timeout; stop on stopped succeeds.
func stop(ctx context.Context, e *ocf.Env) error {
	if inst == nil {
		return nil // invalid environment, see invalidEnv
	}
	rep, err := inst.server.Stop(ctx)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "apache still running: %v", err)
	}
	switch {
	case rep.Pid != 0:
		e.Log.Infof("apache stopped (pid %d, signals %s, %s)", rep.Pid, strings.Join(rep.Signals, ", "), rep.Elapsed.Round(1e6))
	default:
		e.Log.Infof("apache is not running")
	}
	if rep.Leftovers > 0 {
		e.Log.Warnf("killed %d httpd processes left behind by a dead parent", rep.Leftovers)
	}
	return nil
}
