package main

import (
	"context"
	"errors"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/fault"
)

func stop(ctx context.Context, e *ocf.Env, r *resource) error {
	if r.unassign && r.ip == "" {
		e.Log.Warnf("floating_ip is unusable: no reserved IP to unassign")
	} else if r.unassign {
		// A state file means a start ran here, even one that failed after
		// the IP moved: that is when there may be something to unassign.
		st := r.readState()
		if st.DropletID != 0 || r.droplet != 0 {
			id, err := r.dropletID(ctx, st)
			if err != nil {
				return ocf.Errorf(ocf.ErrGeneric, "unassign_on_stop: %v", err)
			}
			c, err := r.client()
			if err != nil {
				return err
			}
			released, err := c.Release(ctx, r.ip, id)
			if errors.Is(err, fault.ErrNotFound) {
				// Deleted, or not in the account of this node's token:
				// either way not ours, nothing to unassign. Failing here
				// would get the node fenced for nothing.
				e.Log.Warnf("%s does not exist in the account of this node's token: nothing to unassign (%v)", r.ip, err)
				return r.removeState()
			}
			if err != nil {
				return apiFailure("unassigning "+r.ip+" (unassign_on_stop)", err)
			}
			if released {
				e.Log.Infof("unassigned %s from this droplet (%d)", r.ip, id)
			}
		} else {
			e.Log.Infof("not started on this node: %s left alone", r.ip)
		}
	}
	return r.removeState()
}
