package main

import (
	"context"
	"errors"
	"os"
	"strconv"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// load is the strict load: the parameter checks, root for start, and for
// validate-all also the lookups on the machine (the interface exists, a
// route or cidr_netmask gives the prefix).
func load(ctx context.Context, e *ocf.Env) (*resource, error) {
	c, err := parseConfig(e)
	if err != nil {
		return nil, err
	}
	if e.Action == "start" && os.Geteuid() != 0 {
		return nil, ocf.Errorf(ocf.ErrPerm, "You must be root for %s operation.", e.Action)
	}
	if e.Action != "validate-all" {
		return c, nil
	}
	h, _, err := lookup(e, c)
	if h != nil {
		h.Close()
	}
	return c, err
}

// lookup opens netlink in the right namespace and resolves the resource,
// with the codes start and validate-all give. The caller closes the handle.
//
// A missing interface, route or namespace is a fact about this node: the
// configuration check reports it as ERR_CONFIGURED, but start says
// ERR_ARGS, which bans the resource from this node only, so the address
// can still come up where the network is in order.
func lookup(e *ocf.Env, c *resource) (*netif.Handle, *target, error) {
	here := ocf.ErrArgs
	if e.Action == "validate-all" {
		here = ocf.ErrConfigured
	}
	h, err := netif.Open(c.p.Namespace)
	switch {
	case errors.Is(err, netif.ErrNoNamespace) || errors.Is(err, netif.ErrNotNamespace):
		return nil, nil, ocf.Errorf(here, "%v", err)
	case errors.Is(err, netif.ErrNamespaceName):
		return nil, nil, ocf.Errorf(ocf.ErrConfigured, "Invalid network_namespace: %v", err)
	case err != nil:
		return nil, nil, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	t, err := resolve(h, c, e.Action == "start")
	switch {
	case errors.Is(err, netif.ErrNoLink):
		return h, nil, ocf.Errorf(here, "Invalid interface name [%s]: %v", c.nic, err)
	case errors.Is(err, netif.ErrNoRoute):
		return h, nil, ocf.Errorf(here,
			"Unable to find nic or netmask for %s: no connected route covers it; set nic and cidr_netmask", c.ip)
	case err != nil:
		return h, nil, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	if err := c.checkLabel(t.link.Name); err != nil {
		return h, nil, err // the interface came from the route, not from nic
	}
	return h, t, nil
}

// findHere resolves for monitor and stop, where an address whose interface
// or route is missing is simply not running here.
func findHere(e *ocf.Env, c *resource) (*netif.Handle, *target, bool, error) {
	if !c.ip.IsValid() {
		return nil, nil, false, nil // no address: none of it runs here
	}
	h, err := netif.Open(c.p.Namespace)
	if errors.Is(err, netif.ErrNoNamespace) || errors.Is(err, netif.ErrNotNamespace) || errors.Is(err, netif.ErrNamespaceName) {
		// Not created yet (early after boot), or gone, perhaps leaving a
		// stale entry behind, or a name no namespace can have (load
		// refuses it; stop and monitor get here): nothing in it runs.
		e.Log.Debugf("%v", err)
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	t, err := resolve(h, c, false)
	if errors.Is(err, netif.ErrNoLink) || errors.Is(err, netif.ErrNoRoute) {
		// nic or the route does not resolve (a typo, a renamed
		// interface): the address itself, wherever it is, is what the
		// resource names.
		held, herr := h.Holding(c.ip)
		if herr != nil || len(held) == 0 {
			e.Log.Debugf("%s is not configured here: %v", c.ip, err)
			return h, nil, false, nil
		}
		e.Log.Warnf("%v: %s is on %s", err, held[0].Prefix, held[0].Link.Name)
		return h, &target{link: held[0].Link, prefix: held[0].Prefix, addr: netif.Address{Prefix: held[0].Prefix, PreferredLft: -1}}, true, nil
	}
	if err != nil {
		h.Close()
		return nil, nil, false, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	up, err := h.Has(t.link, t.prefix)
	if err != nil {
		h.Close()
		return nil, nil, false, ocf.Errorf(ocf.ErrGeneric, "%v", err)
	}
	return h, t, up, nil
}

func monitor(ctx context.Context, e *ocf.Env, c *resource) error {
	h, t, up, err := findHere(e, c)
	if err != nil {
		return err
	}
	if h != nil {
		defer h.Close()
	}
	if !up {
		return ocf.Exit(ocf.NotRunning)
	}
	if n := c.p.ARPCountRefresh; n > 0 && t.prefix.Addr().Is4() {
		interval := time.Duration(c.p.ARPInterval) * time.Millisecond
		if err := h.Announce(ctx, t.link, t.prefix.Addr(), n, interval, false); err != nil {
			e.Log.Warnf("ARP refresh: %v", err)
		}
	}
	return nil
}

// status is the legacy action: monitor with a word on stdout.
func status(ctx context.Context, e *ocf.Env, c *resource) error {
	err := monitor(ctx, e, c)
	switch ocf.CodeOf(err) {
	case ocf.Success:
		os.Stdout.WriteString("running\n")
	case ocf.NotRunning:
		os.Stdout.WriteString("stopped\n")
	}
	return err
}

func start(ctx context.Context, e *ocf.Env, c *resource) error {
	h, t, err := lookup(e, c)
	if h != nil {
		defer h.Close()
	}
	if err != nil {
		return err
	}
	up, err := h.Has(t.link, t.prefix)
	if err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "%v", err)
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
	t.addr.NoDAD = c.p.NoDAD
	t.addr.NoPrefixRoute = c.p.NoPrefixRoute
	if lft := c.p.PreferredLft; lft != "forever" {
		t.addr.PreferredLft, _ = strconv.Atoi(lft) // checked at dispatch
	}
	e.Log.Infof("Adding %s to device %s", describe(t), t.link.Name)
	if err := h.Add(t.link, t.addr); err != nil && !errors.Is(err, netif.ErrExists) {
		return ocf.Errorf(ocf.ErrGeneric, "Failed to add %s: %v", t.prefix.Addr(), err)
	}
	if !t.addr.NoDAD {
		// Neighbours are told only about an address that is really ours.
		if err := h.WaitDAD(ctx, t.link, t.prefix); err != nil {
			if errors.Is(err, netif.ErrDuplicate) {
				h.Del(t.link, t.prefix)
				return ocf.Errorf(ocf.ErrGeneric, "IPv6 address collision %s [DAD]: another host uses it", t.prefix.Addr())
			}
			return ocf.Errorf(ocf.ErrGeneric, "%v", err)
		}
	}
	return announce(ctx, e, c, h, t)
}

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
	if t == nil {
		e.Log.Warnf("interface or route for the address not found: nothing to remove")
		return nil
	}
	if c.p.LVS {
		// Whatever became of the address, the loopback copy comes back.
		defer restoreLoopback(e, h, t.prefix.Addr())
	}
	if !up {
		return nil
	}
	e.Log.Infof("Removing %s from device %s", t.prefix, t.link.Name)
	if err := h.Del(t.link, t.prefix); err != nil {
		return ocf.Errorf(ocf.ErrGeneric, "Unable to remove IP [%s] from interface [%s]: %v", t.prefix.Addr(), t.link.Name, err)
	}
	if c.p.FlushRoutes {
		flushRouteCache(e, t.prefix.Addr().Is4())
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
