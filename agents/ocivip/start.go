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
