package main

import (
	"context"

	"github.com/ocfkit/ocfkit/ocf"
)

func stop(ctx context.Context, e *ocf.Env, r *resource) error {
	if r.invalid != nil {
		e.Log.Errorf("validate error on stop: %v; trying 'drbdsetup down %s' directly to avoid fencing", r.invalid, r.name)
		if _, err := r.tools.Setup(ctx, "down", r.name); err != nil {
			return ocf.Errorf(ocf.CodeOf(r.invalid), "%v; and drbdsetup down %s failed: %v", r.invalid, r.name, err)
		}
		r.forgetDevices()
		e.Log.Errorf("fencing of this node narrowly avoided. FIX YOUR SETUP!")
		return nil
	}
	return r.retry(ctx, "stop", func(s state, first bool) (done bool, err error) {
		switch s.code {
		case ocf.Success:
			return false, r.adm(ctx, "down", r.name)
		case ocf.NotRunning:
			// down anyway: it may be deconfigured but not yet removed
			r.adm(ctx, "down", r.name)
			r.maybeOutdateSelf(ctx, false)
			r.removeScore(ctx)
			r.forgetDevices()
			return true, nil
		case ocf.RunningPromoted:
			e.Log.Warnf("%s still Primary, demoting.", r.name)
			return false, r.adm(ctx, "secondary", r.name)
		}
		return false, nil
	})
}
