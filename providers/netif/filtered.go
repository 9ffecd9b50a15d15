package netif

import (
	"errors"
	"net"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The monitor's dumps are filtered by the kernel, so that a host with
// thousands of addresses or routes elsewhere (an LVS director, a
// Kubernetes node) costs the monitor nothing more: on a socket with
// NETLINK_GET_STRICT_CHK (Linux 4.20 and later) the kernel reads the
// interface index of an RTM_GETADDR request and the table and RTA_OIF of
// an RTM_GETROUTE request, and dumps only what matches. Without strict
// checking it ignores them and dumps everything, so older kernels fall
// back to the full dump filtered here, as before.

// noStrict makes the lookups behave as on a kernel without strict
// checking; tests set it to exercise the fallback.
var noStrict bool

// strictSocket opens a netlink socket in the handle's namespace with
// strict checking on; ok is false when the kernel does not know the
// option.
func (h *Handle) strictSocket() (s *nl.NetlinkSocket, ok bool, err error) {
	if noStrict {
		return nil, false, nil
	}
	s, err = nl.GetNetlinkSocketAt(h.ns, netns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		return nil, false, err
	}
	if err := unix.SetsockoptInt(s.GetFd(), unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK, 1); err != nil {
		s.Close()
		if errors.Is(err, unix.ENOPROTOOPT) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return s, true, nil
}

// addrList returns the addresses of one interface of family fam, as
// netlink's AddrList(link, fam) does.
func (h *Handle) addrList(index, fam int) ([]netlink.Addr, error) {
	msgs, filtered, err := h.addrDump(index, fam)
	if err != nil {
		return nil, err
	}
	if !filtered {
		return h.nl.AddrList(&netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Index: index}}, fam)
	}
	var out []netlink.Addr
	for _, m := range msgs {
		a, ok := parseAddr(m)
		// The kernel filtered already; the check keeps a kernel that
		// did not from adding another interface's address.
		if ok && a.LinkIndex == index {
			out = append(out, a)
		}
	}
	return out, nil
}

// addrDump asks the kernel for the addresses of one interface; filtered
// is false (and nothing is asked) when the kernel cannot filter.
func (h *Handle) addrDump(index, fam int) (msgs [][]byte, filtered bool, err error) {
	s, ok, err := h.strictSocket()
	if err != nil || !ok {
		return nil, false, err
	}
	defer s.Close()
	req := nl.NewNetlinkRequest(unix.RTM_GETADDR, unix.NLM_F_DUMP)
	msg := nl.NewIfAddrmsg(fam)
	msg.Index = uint32(index)
	req.AddData(msg)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: {Socket: s}}
	msgs, err = req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWADDR)
	switch {
	case errors.Is(err, unix.ENODEV):
		return nil, true, nil // the interface is gone: it carries nothing
	case err != nil:
		return nil, true, err // an interrupted dump too, as AddrList
	}
	return msgs, true, nil
}

// parseAddr decodes an RTM_NEWADDR message the way netlink's AddrList
// does, for the fields this package reads.
func parseAddr(m []byte) (netlink.Addr, bool) {
	var a netlink.Addr
	if len(m) < unix.SizeofIfAddrmsg {
		return a, false
	}
	msg := nl.DeserializeIfAddrmsg(m)
	attrs, err := nl.ParseRouteAttr(m[msg.Len():])
	if err != nil {
		return a, false
	}
	a.LinkIndex = int(msg.Index)
	a.Flags = int(msg.Flags)
	a.Scope = int(msg.Scope)
	var local, dst *net.IPNet
	for _, at := range attrs {
		switch at.Attr.Type {
		case unix.IFA_ADDRESS:
			dst = &net.IPNet{IP: at.Value, Mask: net.CIDRMask(int(msg.Prefixlen), 8*len(at.Value))}
		case unix.IFA_LOCAL:
			n := 8 * len(at.Value)
			local = &net.IPNet{IP: at.Value, Mask: net.CIDRMask(n, n)}
		case unix.IFA_BROADCAST:
			a.Broadcast = at.Value
		case unix.IFA_LABEL:
			if len(at.Value) > 0 {
				a.Label = string(at.Value[:len(at.Value)-1])
			}
		case unix.IFA_FLAGS:
			if len(at.Value) >= 4 {
				a.Flags = int(nl.NativeEndian().Uint32(at.Value[:4]))
			}
		}
	}
	// IPv4 sends IFA_LOCAL and IFA_ADDRESS, the latter being the peer
	// when they differ; IPv6 sends IFA_ADDRESS alone.
	switch {
	case local != nil && msg.Family == unix.AF_INET && dst != nil && local.IP.Equal(dst.IP):
		a.IPNet = dst
	case local != nil:
		a.IPNet, a.Peer = local, dst
	default:
		a.IPNet = dst
	}
	return a, a.IPNet != nil
}

// routeList returns the routes of one table (and one interface when
// index is not 0), as RouteListFiltered with those filters does.
func (h *Handle) routeList(fam, table, index int) ([]netlink.Route, error) {
	filter := &netlink.Route{Table: table, LinkIndex: index}
	mask := netlink.RT_FILTER_TABLE
	if index != 0 {
		mask |= netlink.RT_FILTER_OIF
	}
	strict, err := netlink.NewHandleAt(h.ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	defer strict.Close()
	if err := strict.SetStrictCheck(!noStrict); err != nil || noStrict {
		if err != nil && !errors.Is(err, unix.ENOPROTOOPT) {
			return nil, err
		}
		return h.nl.RouteListFiltered(fam, filter, mask)
	}
	// netlink sends the table in the header (RTA_TABLE above 255) and
	// the index as RTA_OIF: with strict checking the kernel filters on
	// both, and netlink filters again on what comes back.
	routes, err := strict.RouteListFiltered(fam, filter, mask)
	if errors.Is(err, unix.ENODEV) {
		return nil, nil // the interface is gone: no route through it
	}
	if errors.Is(err, unix.ENOENT) {
		return nil, nil // no such table (a table without routes)
	}
	return routes, err
}
