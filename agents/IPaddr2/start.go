package main

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

func start(ctx context.Context, e *ocf.Env, c *resource) error {
	h, t, err := lookup(e, c)
	if h != nil {
		defer h.Close()
	}
	if err != nil {
		return err
	}
	if c.clone != nil {
		return startClone(ctx, e, c, h, t)
	}
	up, err := h.Has(t.link, t.prefix)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	if up && linkDown(c, t) {
		return ocf.Errorf(ocf.ErrInstalled, "IP %s available, but device has status down", c.ip)
	}
	if up {
		return nil
	}
	if c.p.RunArping && c.ip.Is4() && !t.link.Loopback {
		mac, err := h.Conflict(ctx, t.link, c.ip, 2, time.Second, 3*time.Second)
		if err != nil {
			return ocf.Errorf(ocf.ErrGeneric, "address collision check of %s: %v", c.ip, err)
		}
		if mac != nil {
			return ocf.Errorf(ocf.ErrGeneric, "IPv4 address collision %s [DAD]: %s answers for it on %s", c.ip, mac, t.link.Name)
		}
	}
	if c.p.LVS {
		if err := moveLoopbackAside(e, h, c.ip); err != nil {
			return err
		}
	}
	if err := addAddress(ctx, e, c, h, t, c.p.NoDAD); err != nil {
		return err
	}
	return announce(ctx, e, c, h, t)
}

// addAddress puts the address on the interface and, unless nodad, waits
// out IPv6 duplicate address detection: neighbours are told only about an
// address that is really ours.
func addAddress(ctx context.Context, e *ocf.Env, c *resource, h *netif.Handle, t *target, nodad bool) error {
	t.addr.NoDAD = nodad
	t.addr.NoPrefixRoute = c.p.NoPrefixRoute
	if lft := c.p.PreferredLft; lft != "forever" {
		t.addr.PreferredLft, _ = strconv.Atoi(lft) // checked at dispatch
	}
	setAddrLabel(e, h, c)
	e.Log.Infof("Adding %s to device %s", describe(t), t.link.Name)
	if err := h.Add(t.link, t.addr); err != nil && !errors.Is(err, netif.ErrExists) {
		clearAddrLabel(e, h, c)
		return ocf.Errorf(ocf.ErrGeneric, "Failed to add %s: %v", t.prefix.Addr(), err)
	}
	if !t.addr.NoDAD {
		if err := h.WaitDAD(ctx, t.link, t.prefix); err != nil {
			if errors.Is(err, netif.ErrDuplicate) {
				h.Del(t.link, t.prefix)
				clearAddrLabel(e, h, c)
				return ocf.Errorf(ocf.ErrGeneric, "IPv6 address collision %s [DAD]: another host uses it", t.prefix.Addr())
			}
			return ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
	}
	return nil
}

func describe(t *target) string {
	s := t.prefix.String()
	if t.addr.Broadcast.IsValid() {
		s += " with broadcast address " + t.addr.Broadcast.String()
	}
	if t.addr.Label != "" {
		s += " (label " + t.addr.Label + ")"
	}
	return s
}
