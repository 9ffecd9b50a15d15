package main

import (
	"context"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool { return ocf.Sleep(ctx, d) == nil }

// timedOut is the result of a retry loop that ran into the deadline.
func timedOut(ctx context.Context, action string, last error) error {
	if last == nil {
		last = ctx.Err()
	}
	return ocf.Errorf(ocf.ErrGeneric, "%s did not succeed before the action timeout: %v", action, last)
}

// adm runs drbdadm and logs a failure; the anchor carries on after most.
func (r *resource) adm(ctx context.Context, args ...string) error {
	_, err := r.tools.Adm(ctx, args...)
	if err != nil {
		r.e.Log.Warnf("%v", err)
	}
	return err
}

// retry runs step on DRBD's state until step says it is done, again at
// once after the first try and then once a second, until the deadline: the
// shape of the anchor's stop, promote and demote loops. An error step
// returns without being done is the last one, for the timeout's reason.
func (r *resource) retry(ctx context.Context, action string, step func(s state, first bool) (done bool, err error)) error {
	first := true
	var last error
	for {
		s, err := r.status(ctx)
		if err != nil {
			last = err
		} else if done, res := step(s, first); done {
			return res
		} else {
			last = res
		}
		if !first && !sleep(ctx, time.Second) {
			return timedOut(ctx, action, last)
		}
		first = false
	}
}
