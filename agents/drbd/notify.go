package main

import (
	"context"
	"strings"

	"github.com/ocfkit/ocfkit/ocf"
)

func notify(ctx context.Context, e *ocf.Env, r *resource) error {
	typ, op := e.NotifyType(), e.NotifyOperation()
	switch {
	case op == "start":
		// pre or post start of a peer: (re)connect to it. No score update
		// here, as in the anchor, whose first matching case this is.
		if !r.p.ConnectOnlyAfterPromote {
			r.adm(ctx, append(r.toPeer(), "-v", "adjust", r.name)...)
		}
	case typ == "post":
		st, err := r.read(ctx)
		if err != nil {
			e.Log.Warnf("%v", err)
			return nil
		}
		r.updateScore(ctx, state{st: st, known: true})
		if st.PeerDiskAnyUnknown {
			r.maybeOutdateSelf(ctx, st.Primary)
		}
	}
	return nil
}

// maybeOutdateSelf marks our data Outdated when stop_outdates_secondary is
// set and Pacemaker reports another node promoted that is not stopping.
func (r *resource) maybeOutdateSelf(ctx context.Context, primary bool) {
	e := r.e
	if !r.p.StopOutdatesSecondary {
		return
	}
	host := ""
	masters := e.NotifyList("master_uname")
	if len(masters) == 0 {
		masters = e.NotifyList("promoted_uname")
	}
	for _, m := range masters {
		if !strings.EqualFold(m, ocf.NodeName()) {
			host = m
			break
		}
	}
	if host == "" {
		return
	}
	for _, s := range e.NotifyList("stop_uname") {
		if s == host {
			return // stale master list in a post-stop notification
		}
	}
	if primary {
		e.Log.Errorf("resource internal SPLIT BRAIN: both %s and %s are Primary for %s, but the replication link is down!", ocf.NodeName(), host, r.name)
		return
	}
	e.Log.Infof("outdating %s: according to the notify variables, '%s' is still promoted", r.name, host)
	r.adm(ctx, "outdate", r.name)
	r.removeScore(ctx)
}
