package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/fault"
)

func monitor(ctx context.Context, e *ocf.Env, r *resource) error {
	st := r.readState()
	if !st.Started {
		// Stopped here (or never started): the IP may still be on this
		// droplet, as stop leaves it by default, but the resource is not.
		return ocf.Exit(ocf.NotRunning)
	}

	// The metadata service costs no API quota: when it says the IP is here,
	// that is the answer.
	ours, merr := r.metadataIsOurs(ctx)
	var active bool
	var metaIP string
	if merr == nil && ours {
		a, ip, err := r.meta.ReservedIPv4(ctx)
		if err == nil && a && ip.String() == r.ip {
			return nil
		}
		active, merr = a, err
		if a {
			metaIP = ip.String()
		}
	}
	metaSays := "metadata unavailable"
	switch {
	case merr != nil:
		metaSays = fmt.Sprintf("metadata unavailable (%v)", merr)
		e.Log.Warnf("%s; asking the API", metaSays)
	case !ours:
		metaSays = "metadata describes another droplet than droplet_id"
	case active:
		metaSays = "metadata says " + metaIP + " is active on this droplet"
	default:
		metaSays = "metadata says no reserved IP is active on this droplet"
	}

	// Metadata disagrees or is silent: one API request decides.
	id, err := r.dropletID(ctx, st)
	if err != nil {
		return degraded(r, metaSays, err)
	}
	c, err := r.client()
	if err != nil {
		return degraded(r, metaSays, err)
	}
	cur, err := c.Get(ctx, r.ip)
	switch {
	case err == nil && cur.DropletID == id:
		if merr == nil {
			e.Log.Infof("%s, but the API says %s is here: metadata lags", metaSays, r.ip)
		}
		return nil
	case err == nil:
		return ocf.Errorf(ocf.NotRunning, "%s is on %s, not on this droplet (%d)", r.ip, holder(cur.DropletID), id)
	case errors.Is(err, fault.ErrNotFound):
		return ocf.Errorf(ocf.NotRunning, "%s does not exist in this account: %v", r.ip, err)
	}
	return degraded(r, metaSays, err)
}

// degraded is the answer when nothing can tell where the IP is: the last
// start here succeeded (the caller checked), so the resource is taken as
// running, with the reason shown.
func degraded(r *resource, metaSays string, err error) error {
	// Cause first: Pacemaker keeps only the first 128 characters.
	return ocf.Errorf(ocf.DegradedRunning, "API: %v; metadata: %s; cannot tell whether %s is still here", err, metaSays, r.ip)
}
