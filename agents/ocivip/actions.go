package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
	"github.com/ocfkit/ocfkit/providers/oci"
)

func start(ctx context.Context, e *ocf.Env, r *resource) error {
	if os.Geteuid() != 0 {
		return ocf.Errorf(ocf.ErrPerm, "You must be root for %s operation.", e.Action)
	}
	t, err := r.resolve(ctx)
	if err != nil {
		return err
	}
	c, err := r.client(ctx)
	if err != nil {
		return err
	}
	if t.SubnetID, err = r.subnetOf(ctx, c, t.VnicID); err != nil {
		return err
	}
	how, err := c.Assign(ctx, r.ip.String(), t.SubnetID, t.VnicID, e.Instance)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "cannot assign %s to VNIC %s: %v", r.ip, t.VnicID, err)
	}
	e.Log.Infof("%s: %s on VNIC %s (%d API calls)", r.ip, how, t.VnicID, c.Calls)
	if err := r.addLocal(ctx, t.NIC); err != nil {
		return err
	}
	if err := r.writeState(t); err != nil {
		return err
	}
	e.Log.Infof("secondary_private_ip %s is up on %s", r.ip, t.NIC)
	return nil
}

// subnetOf is the VNIC's subnet OCID, from the cache or one GetVnic.
func (r *resource) subnetOf(ctx context.Context, c *oci.Client, vnicID string) (string, error) {
	if s := cachedSubnet(vnicID); s != "" {
		return s, nil
	}
	v, err := c.GetVnic(ctx, vnicID)
	if err != nil {
		return "", r.apiError("cannot read VNIC "+vnicID, err)
	}
	if v.SubnetID == nil || *v.SubnetID == "" {
		return "", ocf.Errorf(ocf.ErrArgs, "VNIC %s is not in a subnet (a VLAN?): not supported", vnicID)
	}
	cacheSubnet(vnicID, *v.SubnetID)
	return *v.SubnetID, nil
}

// apiError maps a failure to reach or use the API.
func (r *resource) apiError(what string, err error) error {
	var ocfErr *ocf.Error
	if errors.As(err, &ocfErr) {
		return err
	}
	return ocf.Errorf(ocf.ErrGeneric, "%s: %v", what, err)
}

func (r *resource) label(nic string) string {
	l := fmt.Sprintf("%s:%d", nic, r.p.InterfaceAlias)
	if len(l) > 15 {
		return ""
	}
	return l
}

func (r *resource) addLocal(ctx context.Context, nic string) error {
	h, err := netif.Open("")
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	defer h.Close()
	link, err := h.Link(nic)
	if err != nil {
		return ocf.Errorf(ocf.ErrArgs, "interface %s on this node: %v", nic, err)
	}
	err = h.Add(link, netif.Address{Prefix: r.prefix, Label: r.label(nic)})
	if err != nil && !errors.Is(err, netif.ErrExists) {
		return ocf.Errorf(ocf.ErrGeneric, "cannot add %s to %s: %v", r.prefix, nic, err)
	}
	if err := h.Announce(ctx, link, r.ip, 3, 100*time.Millisecond, false); err != nil {
		r.e.Log.Warnf("gratuitous ARP for %s on %s: %v", r.ip, nic, err)
	}
	return nil
}

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
