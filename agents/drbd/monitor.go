package main

import (
	"context"
	"os"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/drbd"
)

// state is one look at the resource: its OCF status and, when DRBD could be
// asked, the parsed state.
type state struct {
	code  int // Success, RunningPromoted or NotRunning
	st    drbd.Status
	known bool // st was read from DRBD
}

// moduleLoaded is the anchor's `test -f /proc/drbd`.
func (r *resource) moduleLoaded() bool {
	st, err := os.Stat(r.proc)
	return err == nil && st.Mode().IsRegular()
}

// anyDevice reports whether a block device of the resource exists.
func (r *resource) anyDevice() bool {
	for _, d := range r.devices {
		if st, err := os.Stat(d); err == nil && st.Mode()&os.ModeDevice != 0 && st.Mode()&os.ModeCharDevice == 0 {
			return true
		}
	}
	return false
}

// read returns the state of the DRBD objects (no module or device check).
func (r *resource) read(ctx context.Context) (drbd.Status, error) {
	var st drbd.Status
	var err error
	if r.early != nil {
		got := <-r.early
		r.early = nil
		st, err = got.st, got.err
	} else {
		st, err = r.tools.Status(ctx, r.version, r.name, r.devices)
	}
	if err != nil {
		return st, ocf.Errorf(ocf.ErrGeneric, "cannot read the state of DRBD resource %s: %w", r.name, err)
	}
	return st, nil
}

// status is the anchor's drbd_status: not running without the module or
// without any device node, else by role.
func (r *resource) status(ctx context.Context) (state, error) {
	if r.invalid != nil && len(r.devices) == 0 {
		return r.kernelStatus(ctx), nil
	}
	if !r.moduleLoaded() || !r.anyDevice() {
		return state{code: ocf.NotRunning}, nil
	}
	st, err := r.read(ctx)
	if err != nil {
		return state{}, err
	}
	s := state{st: st, known: true, code: ocf.Success}
	switch {
	case st.Unconfigured:
		s.code = ocf.NotRunning
	case st.Primary:
		s.code = ocf.RunningPromoted
	}
	return s, nil
}

// kernelStatus is the status of a resource whose devices could not be
// learnt from the configuration (loadForStop): DRBD 9 tells by name
// whether the kernel runs it, so a resource edited out of drbd.conf while
// it runs is not reported as stopped. Older DRBD needs the devices: not
// running.
func (r *resource) kernelStatus(ctx context.Context) state {
	if !r.moduleLoaded() || !r.version.V9() || r.name == "" || !plain(r.name) {
		return state{code: ocf.NotRunning}
	}
	st, err := r.tools.Status(ctx, r.version, r.name, nil)
	switch {
	case err != nil || st.Unconfigured:
		return state{code: ocf.NotRunning}
	case st.Primary:
		return state{code: ocf.RunningPromoted, st: st}
	}
	return state{code: ocf.Success, st: st}
}

func result(code int) error {
	if code == ocf.Success {
		return nil
	}
	return ocf.Exit(code)
}

func monitor(ctx context.Context, e *ocf.Env, r *resource) error {
	s, err := r.status(ctx)
	if err != nil {
		return err
	}
	switch {
	case r.invalid != nil:
		// The score cannot be recomputed from a configuration that does
		// not load: the one in place stays.
		e.Log.Warnf("promotion score left as it is: %v", r.invalid)
	case !(s.code == ocf.NotRunning && e.IsProbe()):
		r.updateScore(ctx, s)
	}
	return result(s.code)
}

// status (the action) reports like monitor without touching the score.
func status(ctx context.Context, e *ocf.Env, r *resource) error {
	s, err := r.status(ctx)
	if err != nil {
		return err
	}
	return result(s.code)
}

// updateScore applies the promotion rules to s and writes the outcome.
func (r *resource) updateScore(ctx context.Context, s state) {
	if !s.known {
		// Nothing of the resource is there (no module or no device): it
		// cannot be promoted here. The anchor evaluates its rules on unset
		// variables in this case and writes 9999; ocfkit removes the score.
		r.removeScore(ctx)
		return
	}
	in := drbd.Input{
		Status: s.st, Levels: r.levels, PeerPrimary: r.policy,
		SinglePromoted: r.promotedMax() == "1",
		Unfence:        r.p.UnfenceIfAllUpToDate,
	}
	if drbd.NeedsLocate(in) {
		in.PrimaryKnown = r.locatePrimary(ctx) != ""
	}
	d := drbd.Decide(in)
	r.e.Log.Debugf("%s: disks %v: promotion score %s", r.name, s.st.Disks, d)
	switch {
	case d.Keep:
	case d.Remove():
		if in.PeerPrimary == drbd.PeerPrimaryUnexpected && d.Rule == drbd.RuleUnexpectedPrimary {
			// Log only when there was a score to take away: this holds on
			// every monitor while the odd situation lasts.
			if _, ok, err := r.attrs.PromotionScore(ctx); err != nil || !ok {
				return
			}
			r.e.Log.Infof("I am connected to a Primary that Pacemaker does not know about! Removing the promotion score.")
		}
		r.removeScore(ctx)
	default:
		if err := r.attrs.SetPromotionScore(ctx, d.Score); err != nil {
			r.e.Log.Errorf("%s: cannot set the promotion score to %d: %v", r.name, d.Score, err)
		}
	}
	if d.Unfence {
		if _, err := r.tools.Adm(ctx, "unfence-peer", r.name); err != nil {
			r.e.Log.Infof("unfence-peer %s: %v", r.name, err)
		}
	}
}

func (r *resource) removeScore(ctx context.Context) {
	if err := r.attrs.DeletePromotionScore(ctx); err != nil {
		r.e.Log.Errorf("%s: cannot remove the promotion score: %v", r.name, err)
	}
}

// locatePrimary is the node other than this one where Pacemaker has the
// clone promoted ("" for none).
func (r *resource) locatePrimary(ctx context.Context) string {
	return r.attrs.PromotedElsewhere(ctx, r.e.Instance, ocf.NodeName())
}
