package main

import (
	"context"
	"errors"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
	"github.com/ocfkit/ocfkit/providers/oci"
)

func monitor(ctx context.Context, e *ocf.Env, r *resource) error {
	if !r.ip.IsValid() {
		return ocf.Exit(ocf.NotRunning) // no address known: none of it here
	}
	h, err := netif.Open("")
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	s := r.readState()
	if s == nil {
		return r.monitorUnknown(ctx, h)
	}
	r.useState(s)
	link, err := h.Link(s.NIC)
	if errors.Is(err, netif.ErrNoLink) {
		return ocf.Errorf(ocf.NotRunning, "interface %s is gone", s.NIC)
	}
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	up, err := h.Has(link, r.prefix)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	if !up {
		return ocf.Errorf(ocf.NotRunning, "%s is not on %s", r.prefix, s.NIC)
	}
	// From here on the address is local and the last start succeeded:
	// whatever keeps us from asking the API (credentials, endpoint, the
	// API itself) is degraded, not "not running".
	c, err := r.client(ctx)
	var p *oci.PrivateIP
	if err == nil {
		p, err = c.FindPrivateIP(ctx, r.ip.String(), s.SubnetID)
	}
	if err != nil {
		// Cause first: Pacemaker keeps only the first 128 characters, and
		// a VNIC OCID alone is 90.
		return ocf.Errorf(ocf.DegradedRunning, "API: %v; cannot confirm %s (local on %s) is on VNIC %s", err, r.ip, s.NIC, s.VnicID)
	}
	return r.judge(p, s.VnicID)
}

// judge turns the API's answer into the monitor's result.
func (r *resource) judge(p *oci.PrivateIP, vnicID string) error {
	switch {
	case p == nil:
		return ocf.Errorf(ocf.NotRunning, "%s is not assigned to any VNIC", r.ip)
	case p.VnicID == nil || *p.VnicID != vnicID:
		holder := "no VNIC"
		if p.VnicID != nil {
			holder = "VNIC " + *p.VnicID
		}
		return ocf.Errorf(ocf.NotRunning, "%s is on %s, not on ours (%s)", r.ip, holder, vnicID)
	}
	return nil
}

// monitorUnknown handles a monitor without a state file (a probe, or after
// a reboot): with the address not on our interface the resource is not
// running here, without asking anyone; with it there, the API decides.
func (r *resource) monitorUnknown(ctx context.Context, h *netif.Handle) error {
	if nic := r.p.NIC; nic != "" {
		if up, err := r.hasOn(h, nic); err != nil || !up {
			r.prepare(ctx, err)
			return notHere(err)
		}
	} else if where, err := h.Where(r.prefix); err != nil || len(where) == 0 {
		r.prepare(ctx, err)
		return notHere(err)
	}
	t, err := r.resolve(ctx)
	if err != nil {
		return err
	}
	if up, err := r.hasOn(h, t.NIC); err != nil || !up {
		return notHere(err)
	}
	c, err := r.client(ctx)
	if err != nil {
		return err
	}
	if t.SubnetID, err = r.subnetOf(ctx, c, t.VnicID); err != nil {
		return err
	}
	p, err := c.FindPrivateIP(ctx, r.ip.String(), t.SubnetID)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%s is on %s but the API cannot tell where it is assigned: %v", r.prefix, t.NIC, err)
	}
	if err := r.judge(p, t.VnicID); err != nil {
		return err
	}
	return r.writeState(t)
}

// prepare learns, during the probe Pacemaker runs on every node before a
// resource may start there, what a start would otherwise ask for on the
// failover's critical path: the VNIC's subnet (one GetVnic) and, with
// instance principals, a security token. A start then only finds and
// moves the IP: two API calls. Best effort and bounded: the probe's answer
// is "not running here" whatever happens.
func (r *resource) prepare(ctx context.Context, localErr error) {
	if !r.e.IsProbe() || localErr != nil {
		return
	}
	d := 5 * time.Second
	if dl, ok := ctx.Deadline(); ok && time.Until(dl)/2 < d {
		d = time.Until(dl) / 2
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	t, err := r.resolve(ctx)
	if err == nil {
		var c *oci.Client
		if c, err = r.client(ctx); err == nil {
			_, err = r.subnetOf(ctx, c, t.VnicID)
		}
	}
	if err != nil {
		r.e.Log.Debugf("probe: could not prepare a start here: %v", err)
	}
}

func (r *resource) hasOn(h *netif.Handle, nic string) (bool, error) {
	link, err := h.Link(nic)
	if errors.Is(err, netif.ErrNoLink) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return h.Has(link, r.prefix)
}

func notHere(err error) error {
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	return ocf.Exit(ocf.NotRunning)
}

// localNICs are the interfaces stop removes the address from: the one start
// used, else the configured or VNIC-matched one, else (metadata down) every
// interface that carries exactly this address.
func (r *resource) localNICs(ctx context.Context, h *netif.Handle, s *state) ([]string, error) {
	switch {
	case s != nil:
		return []string{s.NIC}, nil
	case r.p.NIC != "":
		return []string{r.p.NIC}, nil
	}
	if t, err := r.resolve(ctx); err == nil {
		return []string{t.NIC}, nil
	}
	return h.Where(r.prefix)
}
