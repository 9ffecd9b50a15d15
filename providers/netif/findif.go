package netif

import (
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/fault"
)

// Found is where an address belongs: the interface, the prefix length and,
// for IPv4, the broadcast address of the interface's own address on that
// network (zero when unknown).
type Found struct {
	Link      string
	Bits      int
	Broadcast netip.Addr
	Metric    int // of the covering route; 0 when none was needed
}

// ErrNoRoute means no connected route covers the address, so neither the
// interface nor the netmask can be derived.
var ErrNoRoute = fault.Class(fault.ErrNotFound, "no connected route covers the address")

// FindIf does what resource-agents' findif does, from one netlink route
// dump of the main table (of nic's routes only, when nic is given; see
// routeList): among the connected routes of the main table (scope link for IPv4)
// whose destination covers ip (and ip/bits when bits > 0), optionally only
// on nic, the one with the longest prefix (the last of equals) gives the
// interface and the prefix length. Addresses in 127/8 fall back to the
// local table. With both nic and bits given no route is needed.
//
// The broadcast address costs one more netlink dump; only a caller that is
// about to add the address asks for it (withBroadcast).
func (h *Handle) FindIf(ip netip.Addr, nic string, bits int, withBroadcast bool) (Found, error) {
	return h.Find(Query{IP: ip, Nic: nic, Bits: bits, Broadcast: withBroadcast, Proto: -1})
}

// Query is what Find looks for.
type Query struct {
	IP        netip.Addr
	Nic       string
	Bits      int
	Broadcast bool
	// Proto, when 0-255, counts only routes of that protocol (upstream
	// IPaddr2's proto, as `ip route list match <ip> proto <p>`); -1 any.
	Proto int
}

// Find is FindIf with the route protocol of upstream findif.sh. Among the
// covering routes it prefers, as upstream does since 4.13, the lowest
// metric, then the longest prefix.
func (h *Handle) Find(q Query) (Found, error) {
	ip, nic, bits, withBroadcast := q.IP, q.Nic, q.Bits, q.Broadcast
	f := Found{Link: nic, Bits: bits}
	var link Link
	if nic != "" {
		var err error
		if link, err = h.Link(nic); err != nil {
			return f, err
		}
	}
	if nic != "" && bits > 0 && !withBroadcast {
		// No route can change the answer, and the dump is not free: the
		// kernel walks the main table, which holds the local routes
		// too (one per address on the host) unless policy rules split
		// them.
		return f, nil
	}
	best, err := h.bestRoute(ip, link.Index, bits, unix.RT_TABLE_MAIN, q.Proto)
	if err != nil {
		return f, err
	}
	if best == nil && ip.Is4() && ip.IsLoopback() {
		if best, err = h.bestRoute(ip, link.Index, bits, unix.RT_TABLE_LOCAL, q.Proto); err != nil {
			return f, err
		}
	}
	if best == nil {
		if nic != "" && bits > 0 {
			return f, nil
		}
		return f, ErrNoRoute
	}
	dst, _ := prefixOf(best.Dst)
	f.Metric = best.Priority
	if f.Bits == 0 {
		f.Bits = dst.Bits()
	}
	if f.Link == "" {
		l, err := h.nl.LinkByIndex(best.LinkIndex)
		if err != nil {
			return f, fmt.Errorf("interface %d: %w", best.LinkIndex, err)
		}
		f.Link = l.Attrs().Name
	}
	if withBroadcast && ip.Is4() && best.Src != nil {
		f.Broadcast = h.broadcastOf(best.LinkIndex, best.Src)
	}
	return f, nil
}

func (h *Handle) bestRoute(ip netip.Addr, linkIndex, bits, table, proto int) (*netlink.Route, error) {
	routes, err := h.routeList(family(ip), table, linkIndex)
	if err != nil {
		return nil, fmt.Errorf("list routes: %w", err)
	}
	var best *netlink.Route
	bestBits := -1
	for i := range routes {
		r := &routes[i]
		dst, ok := prefixOf(r.Dst)
		switch {
		case !ok || dst.Bits() == 0 || !dst.Contains(ip):
			continue
		case bits > 0 && dst.Bits() > bits:
			continue // the route must cover the whole ip/bits network
		case linkIndex != 0 && r.LinkIndex != linkIndex:
			continue
		case table == unix.RT_TABLE_MAIN && ip.Is4() && r.Scope != netlink.SCOPE_LINK:
			continue
		case table == unix.RT_TABLE_LOCAL && r.Scope != netlink.SCOPE_HOST:
			continue
		case proto >= 0 && int(r.Protocol) != proto:
			continue
		}
		if best == nil || r.Priority < best.Priority || r.Priority == best.Priority && dst.Bits() >= bestBits {
			best, bestBits = r, dst.Bits()
		}
	}
	return best, nil
}

func (h *Handle) broadcastOf(linkIndex int, src []byte) netip.Addr {
	want, ok := netip.AddrFromSlice(src)
	if !ok {
		return netip.Addr{}
	}
	addrs, err := h.addrList(linkIndex, netlink.FAMILY_V4)
	if err != nil {
		return netip.Addr{}
	}
	for _, a := range addrs {
		if got, ok := prefixOf(a.IPNet); ok && got.Addr() == want.Unmap() && a.Broadcast != nil {
			b, _ := netip.AddrFromSlice(a.Broadcast.To4())
			return b
		}
	}
	return netip.Addr{}
}
