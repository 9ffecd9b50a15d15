package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/digitalocean"
	"github.com/ocfkit/ocfkit/providers/fault"
)

func start(ctx context.Context, e *ocf.Env, r *resource) error {
	c, err := r.client()
	if err != nil {
		return err
	}
	st := r.readState()
	id, err := r.dropletID(ctx, st)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	// Keep the id, and record that no start has succeeded yet.
	if err := r.writeState(state{DropletID: id}); err != nil {
		return err
	}
	already, err := c.Assign(ctx, r.ip, id)
	if err != nil {
		return apiFailure(fmt.Sprintf("assigning %s to droplet %d", r.ip, id), err)
	}
	if already {
		e.Log.Infof("%s is already assigned to this droplet (%d)", r.ip, id)
	} else {
		if err := r.confirm(ctx, c, id); err != nil {
			return err
		}
		e.Log.Infof("assigned %s to this droplet (%d) with %d API requests", r.ip, id, c.Calls())
	}
	return r.writeState(state{DropletID: id, Started: true})
}

// confirm checks that the completed action had its effect: through the
// metadata service when it describes this droplet (no API quota), for a
// few seconds as it may lag, else with one API request.
func (r *resource) confirm(ctx context.Context, c *digitalocean.Client, id int) error {
	if ours, err := r.metadataIsOurs(ctx); err == nil && ours {
		mctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		for delay := 50 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
			active, ip, err := r.meta.ReservedIPv4(mctx)
			if err == nil && active && ip.String() == r.ip {
				return nil
			}
			if err != nil || ocf.Sleep(mctx, delay) != nil {
				break
			}
		}
	}
	cur, err := c.Get(ctx, r.ip)
	if err != nil {
		return apiFailure("confirming the assignment of "+r.ip, err)
	}
	if cur.DropletID != id {
		return ocf.Errorf(ocf.ErrGeneric, "the assign action completed but %s is on %s, not on this droplet (%d)",
			r.ip, holder(cur.DropletID), id)
	}
	return nil
}

func holder(droplet int) string {
	if droplet == 0 {
		return "no droplet"
	}
	return fmt.Sprintf("droplet %d", droplet)
}

// apiFailure maps an API error to an OCF result. Each node reads its own
// token file, so what the API says about the token is this node's problem
// and must ban the resource from this node only, never from the cluster
// (ERR_CONFIGURED): a refused token is ERR_PERM, and an IP the API does not
// know is ERR_ARGS, as the token may belong to another team than the one
// that owns the IP. Anything else may pass (ERR_GENERIC).
func apiFailure(what string, err error) error {
	switch {
	case errors.Is(err, fault.ErrUnauthorized):
		return ocf.Errorf(ocf.ErrPerm, "%s: the API refused the token: %v", what, err)
	case errors.Is(err, fault.ErrNotFound):
		return ocf.Errorf(ocf.ErrArgs, "%s: the reserved IP does not exist in the account of this node's token: %v", what, err)
	}
	return ocf.Errorf(ocf.ErrGeneric, "%s: %v", what, err)
}
