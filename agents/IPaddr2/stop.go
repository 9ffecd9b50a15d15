package main

import (
	"context"
	"os"

	"github.com/ocfkit/ocfkit/ocf"
)

func stop(ctx context.Context, e *ocf.Env, c *resource) error {
	if os.Geteuid() != 0 {
		return ocf.Errorf(ocf.ErrPerm, "You must be root for %s operation.", e.Action)
	}
	if !c.ip.IsValid() {
		e.Log.Warnf("no address to remove")
		return nil
	}
	h, t, up, err := findHere(e, c)
	// Senders first, so that none announces the address after it left;
	// on the interface found, or on any when it is not found.
	link := c.nic
	if t != nil {
		link = t.link.Name
	}
	stopSenders(ctx, e, c, link)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "Unable to remove IP: %v", err)
	}
	if h == nil {
		return nil // the namespace is gone, and the address with it
	}
	defer h.Close()
	if c.clone != nil {
		// Also without the interface: the rules are named by the address.
		return stopClone(ctx, e, c, h, t, up)
	}
	if t == nil {
		e.Log.Warnf("interface or route for the address not found: nothing to remove")
		return nil
	}
	if c.p.LVS {
		// Whatever became of the address, the loopback copy comes back.
		defer restoreLoopback(e, h, t.prefix.Addr())
	}
	if !up {
		// A start that failed after setting the label (DAD) leaves it.
		clearAddrLabel(e, h, c)
		return nil
	}
	e.Log.Infof("Removing %s from device %s", t.prefix, t.link.Name)
	if err := h.Del(t.link, t.prefix); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "Unable to remove IP [%s] from interface [%s]: %v", t.prefix.Addr(), t.link.Name, err)
	}
	if c.p.FlushRoutes {
		flushRouteCache(e, t.prefix.Addr().Is4())
	}
	clearAddrLabel(e, h, c)
	return nil
}

// flushRouteCache is `ip route flush cache` without the fork.
func flushRouteCache(e *ocf.Env, v4 bool) {
	p := "/proc/sys/net/ipv6/route/flush"
	if v4 {
		p = "/proc/sys/net/ipv4/route/flush"
	}
	if err := os.WriteFile(p, []byte("1\n"), 0); err != nil {
		e.Log.Warnf("flush route cache: %v", err)
	}
}
