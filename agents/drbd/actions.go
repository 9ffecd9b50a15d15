package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/drbd"
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

// wfcArgs are the wait-for-connection timeouts of wfc_timeout (none for
// non-digits).
func (r *resource) wfcArgs() []string {
	t := r.p.WFCTimeout
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return nil
	}
	return []string{"--wfc-timeout=" + t, "--degr-wfc-timeout=" + t, "--outdated-wfc-timeout=" + t}
}

// peerUname is the other node named in the notify variables, for 8.4's
// --peer option.
func (r *resource) peerUname() string {
	host := hostname()
	for _, k := range []string{"start_uname", "promote_uname", "master_uname", "slave_uname", "demote_uname"} {
		for _, n := range r.e.NotifyList(k) {
			if !strings.EqualFold(n, host) {
				return n
			}
		}
	}
	return ""
}

// toPeer is the --peer option the anchor passes to drbdadm with DRBD 8.4.
func (r *resource) toPeer() []string {
	if p := r.peerUname(); p != "" && !r.version.V9() {
		return []string{"--peer", p}
	}
	return nil
}

func (r *resource) waitConnect(ctx context.Context, peer string) {
	wfc := r.wfcArgs()
	if wfc == nil {
		return
	}
	if !r.version.V9() {
		for _, d := range r.devices {
			r.tools.Setup(ctx, append([]string{"wait-connect", d}, wfc...)...)
		}
		return
	}
	if peer == "" {
		r.tools.Setup(ctx, append([]string{"wait-connect-resource", r.name}, wfc...)...)
		return
	}
	// drbdadm has no wait-connect for one peer: take the connect command
	// it would run and wait on that connection instead.
	out, err := r.tools.Adm(ctx, "-d", "connect", r.name+":"+peer)
	f := strings.Fields(string(out))
	if err != nil || len(f) < 2 || f[1] != "connect" {
		r.e.Log.Warnf("Please use matching node names for hostname, uname, corosync, pacemaker and DRBD! Not a valid DRBD peer: '%s'", peer)
		return
	}
	r.tools.Setup(ctx, append(append([]string{"wait-connect-connection"}, f[2:]...), wfc...)...)
}

func (r *resource) connect(ctx context.Context) {
	if !r.version.V9() {
		r.adm(ctx, append(r.toPeer(), "adjust", r.name)...)
		r.waitConnect(ctx, "")
		return
	}
	if p := r.locatePrimary(ctx); p != "" {
		r.adm(ctx, "adjust", r.name+":"+p)
		r.waitConnect(ctx, p)
	}
	r.adm(ctx, "adjust", r.name)
	r.waitConnect(ctx, "")
}

func (r *resource) attach(ctx context.Context) error {
	if r.version.V9() {
		return r.adm(ctx, "adjust", "--skip-net", r.name)
	}
	return r.adm(ctx, "attach", r.name)
}

// createDevices makes the kernel objects and waits for the device nodes.
func (r *resource) createDevices(ctx context.Context) error {
	if r.version.MultiVolume() {
		if err := r.adm(ctx, "new-resource", r.name); err != nil {
			return err
		}
		if err := r.adm(ctx, "new-minor", r.name); err != nil {
			return err
		}
	} else if err := r.adm(ctx, "syncer", r.name); err != nil {
		return err
	}
	for _, d := range r.devices {
		for {
			if st, err := os.Stat(d); err == nil && st.Mode()&os.ModeDevice != 0 {
				break
			}
			if !sleep(ctx, 100*time.Millisecond) {
				return ocf.Errorf(ocf.ErrGeneric, "expected device nodes did not appear (in time)")
			}
		}
	}
	return nil
}

func start(ctx context.Context, e *ocf.Env, r *resource) error {
	if !r.moduleLoaded() {
		if err := r.tools.LoadModule(ctx); err != nil {
			return ocf.Errorf(ocf.ErrInstalled, "Cannot load the drbd module: %v", err)
		}
	}
	first, attachFailed := true, false
	for {
		s, err := r.status(ctx)
		if err != nil {
			return err
		}
		switch s.code {
		case ocf.Success:
			if attachFailed {
				if err := r.attach(ctx); err != nil {
					return ocf.Errorf(ocf.ErrGeneric, "failed to attach: %v", err)
				}
			}
			if !r.p.ConnectOnlyAfterPromote {
				r.connect(ctx)
			}
			s, err := r.status(ctx)
			if err != nil {
				return err
			}
			r.updateScore(ctx, s)
			r.recordDevices()
			return nil
		case ocf.NotRunning:
			if first {
				r.adm(ctx, "check-resize", r.name)
			}
			if err := r.createDevices(ctx); err != nil {
				return err
			}
			if err := r.attach(ctx); err != nil {
				if !first {
					return ocf.Errorf(ocf.ErrGeneric, "failed to attach: %v", err)
				}
				attachFailed = true
				if !sleep(ctx, time.Second) {
					return timedOut(ctx, "start", err)
				}
			}
		case ocf.RunningPromoted:
			e.Log.Warnf("%s already Primary, demoting.", r.name)
			r.adm(ctx, "secondary", r.name)
		}
		if !first && !sleep(ctx, time.Second) {
			return timedOut(ctx, "start", nil)
		}
		first = false
	}
}

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

func demote(ctx context.Context, e *ocf.Env, r *resource) error {
	return r.retry(ctx, "demote", func(s state, first bool) (done bool, err error) {
		switch s.code {
		case ocf.Success:
			return true, nil
		case ocf.NotRunning:
			return true, ocf.Errorf(ocf.ErrGeneric, "cannot demote a resource that was not started")
		case ocf.RunningPromoted:
			return false, r.adm(ctx, "secondary", r.name)
		}
		return false, nil
	})
}

func reload(ctx context.Context, e *ocf.Env, r *resource) error {
	s, err := r.status(ctx)
	if err != nil {
		return err
	}
	var rc error = ocf.Errorf(ocf.ErrGeneric, "cannot reload %s: it is not running", r.name)
	if s.code != ocf.NotRunning {
		r.adm(ctx, "adjust", r.name)
		rc = nil
	}
	// adjust_master_score may have changed
	r.updateScore(ctx, s)
	return rc
}

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
		if !strings.EqualFold(m, hostname()) {
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
		e.Log.Errorf("resource internal SPLIT BRAIN: both %s and %s are Primary for %s, but the replication link is down!", hostname(), host, r.name)
		return
	}
	e.Log.Infof("outdating %s: according to the notify variables, '%s' is still promoted", r.name, host)
	r.adm(ctx, "outdate", r.name)
	r.removeScore(ctx)
}
