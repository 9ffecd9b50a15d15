package main

import (
	"errors"
	"net/netip"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

// target is the resource resolved on this machine: interface, prefix,
// broadcast and label.
type target struct {
	link   netif.Link
	prefix netip.Prefix
	addr   netif.Address
}

// resolve finds the interface and netmask as findif does; the broadcast
// address is looked up only for start (withBroadcast).
func resolve(h *netif.Handle, c *resource, withBroadcast bool) (*target, error) {
	f, err := h.Find(netif.Query{IP: c.ip, Nic: c.nic, Bits: c.bits, Broadcast: withBroadcast, Proto: c.proto})
	if err != nil {
		return nil, err
	}
	link, err := h.Link(f.Link)
	if err != nil {
		return nil, err
	}
	p := netip.PrefixFrom(c.ip, f.Bits)
	t := &target{link: link, prefix: p, addr: netif.Address{Prefix: p, PreferredLft: -1}}
	if c.ip.Is6() && f.Metric != ipv6DefaultMetric {
		// The covering route's, as upstream; the kernel's default is
		// left implicit, so the address looks as 4.12 leaves it.
		t.addr.Metric = f.Metric
	}
	if c.ip.Is4() {
		t.addr.Broadcast = broadcastFor(c.broadcast, p, f.Broadcast)
		if c.label != "" {
			t.addr.Label = link.Name + ":" + c.label
		}
	}
	return t, nil
}

func broadcastFor(param string, p netip.Prefix, found netip.Addr) netip.Addr {
	switch param {
	case "":
		return found
	case "+", "-":
		b := p.Masked().Addr().As4()
		if param == "+" && p.Bits() < 31 {
			host := ^uint32(0) >> p.Bits()
			for i := 0; i < 4; i++ {
				b[i] |= byte(host >> (24 - 8*i))
			}
		}
		return netip.AddrFrom4(b)
	}
	a, _ := netip.ParseAddr(param)
	return a
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
