package main

import (
	"context"
	"errors"
	"os"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

func stop(ctx context.Context, e *ocf.Env, r *resource) error {
	if os.Geteuid() != 0 {
		return ocf.Errorf(ocf.ErrPerm, "You must be root for %s operation.", e.Action)
	}
	if !r.ip.IsValid() {
		r.removeState()
		return nil // no address known: nothing of it to remove
	}
	h, err := netif.Open("")
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	s := r.readState()
	r.useState(s)
	nics, err := r.localNICs(ctx, h, s)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	for _, nic := range nics {
		link, err := h.Link(nic)
		if errors.Is(err, netif.ErrNoLink) {
			continue
		}
		if err == nil {
			err = h.Del(link, r.prefix)
		}
		if err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "cannot remove %s from %s: %v", r.prefix, nic, err)
		}
	}
	if r.p.Unassign {
		if err := r.unassign(ctx, s); err != nil {
			return err
		}
	}
	r.removeState()
	e.Log.Infof("secondary_private_ip %s is down", r.ip)
	return nil
}

// unassign deletes the private IP if it is still on our VNIC.
func (r *resource) unassign(ctx context.Context, s *state) error {
	var t target
	if s != nil {
		t = s.target
	} else {
		// Only the VNIC matters here, not the local interface: a missing
		// nic must not keep stop from deleting what is on our VNIC.
		v, err := r.vnic(ctx)
		if err != nil {
			if ocf.CodeOf(err) == ocf.ErrArgs {
				return nil // not a VNIC of ours: nothing of ours to delete
			}
			return err
		}
		t.VnicID = v.VnicID
	}
	c, err := r.client(ctx)
	if err != nil {
		return err
	}
	if t.SubnetID == "" {
		if t.SubnetID, err = r.subnetOf(ctx, c, t.VnicID); err != nil {
			return err
		}
	}
	deleted, err := c.Unassign(ctx, r.ip.String(), t.SubnetID, t.VnicID)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "cannot unassign %s from VNIC %s: %v", r.ip, t.VnicID, err)
	}
	if deleted {
		r.e.Log.Infof("%s deleted from VNIC %s", r.ip, t.VnicID)
	}
	return nil
}
