package main

import (
	"context"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/drbd"
)

func promote(ctx context.Context, e *ocf.Env, r *resource) error {
	started := time.Now()
	err := r.promote(ctx)
	if err != nil && ctx.Err() == nil {
		// Keep a failing promotion from turning into a tight recovery loop.
		if wait := 15*time.Second - time.Since(started); wait > 0 {
			e.Log.Warnf("promotion failed; sleep %s to prevent a tight recovery loop", wait.Round(time.Second))
			sleep(ctx, wait)
		}
	}
	return err
}

func (r *resource) promote(ctx context.Context) error {
	e := r.e
	return r.retry(ctx, "promote", func(s state, first bool) (done bool, err error) {
		switch s.code {
		case ocf.Success:
			if !first && r.unexpectedPrimary(ctx, s.st) {
				if r.p.FailPromoteEarlyIfPeerPrimary {
					r.removeScore(ctx)
					return true, ocf.Errorf(ocf.ErrGeneric, "Peer node already/still Primary")
				}
				e.Log.Infof("Peer node already/still Primary, promote will likely fail or need several attempts. Retrying anyways.")
			}
			_, err := r.tools.Adm(ctx, "primary", r.name)
			if drbd.ExitCode(err) == drbd.NoUpToDateData {
				return true, ocf.Errorf(ocf.ErrGeneric, "Refusing to be promoted to Primary without access to UpToDate data")
			}
			if err != nil {
				e.Log.Warnf("%v", err)
			}
			return false, err
		case ocf.NotRunning:
			return true, ocf.Errorf(ocf.ErrGeneric, "cannot promote a resource that was not started")
		case ocf.RunningPromoted:
			if r.p.ConnectOnlyAfterPromote {
				r.adm(ctx, append(r.toPeer(), "-v", "adjust", r.name)...)
			}
			return true, nil
		}
		return false, nil
	})
}

// unexpectedPrimary is the anchor's unexpected_primary_rejects_promote.
func (r *resource) unexpectedPrimary(ctx context.Context, st drbd.Status) bool {
	return r.promotedMax() == "1" && !st.Primary && st.SomePeerPrimary && r.locatePrimary(ctx) == ""
}
