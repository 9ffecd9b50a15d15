// Package netif manages addresses on network interfaces through netlink,
// finds the interface for an address as resource-agents' findif does, and
// sends gratuitous ARP and unsolicited neighbour advertisements from Go. It
// never forks another program: this is the hot path of every IP monitor.
// The one process it starts is the agent itself, re-executed as a
// background sender (background.go), which stop finds again (senders.go).
package netif

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/fault"
)

// Handle talks netlink in one network namespace (the current one by default).
type Handle struct {
	nl *netlink.Handle
	ns netns.NsHandle // -1 for the current namespace
}

// Open returns a handle for the named network namespace ("" for the current
// one), as `ip netns` names them under /run/netns. A name that is missing
// gives ErrNoNamespace, one that is not a namespace ErrNotNamespace, one
// that is not a plain name ErrNamespaceName.
func Open(namespace string) (*Handle, error) {
	if namespace == "" {
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return nil, fmt.Errorf("netlink: %w", err)
		}
		return &Handle{nl: h, ns: -1}, nil
	}
	ns, err := openNamespace(namespace)
	if err != nil {
		return nil, err
	}
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		ns.Close()
		return nil, fmt.Errorf("netlink in namespace %q: %w", namespace, err)
	}
	return &Handle{nl: h, ns: ns}, nil
}

// NamespaceFD is the handle's network namespace as a file descriptor, for
// other netlink families (nftables) to work in the same one; -1 for the
// current namespace. It is valid until Close.
func (h *Handle) NamespaceFD() int { return int(h.ns) }

// Close releases the handle.
func (h *Handle) Close() {
	h.nl.Close()
	if h.ns >= 0 {
		h.ns.Close()
	}
}

// Link is what the agents need to know of an interface.
type Link struct {
	Name     string
	Index    int
	MAC      net.HardwareAddr
	Loopback bool
	Up       bool
	// LinkDown: the operational state is DOWN or LOWERLAYERDOWN (no
	// carrier, the veth peer or the lower device down), what `ip addr
	// show` prints as "state DOWN" and upstream IPaddr2's
	// check_link_status looks for.
	LinkDown bool
}

// ErrNoLink is returned (wrapped) when an interface does not exist.
var ErrNoLink = fault.Class(fault.ErrNotFound, "no such interface")

// Link looks an interface up by name.
func (h *Handle) Link(name string) (Link, error) {
	l, err := h.nl.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
			return Link{}, fmt.Errorf("%s: %w", name, ErrNoLink)
		}
		return Link{}, fmt.Errorf("interface %s: %w", name, err)
	}
	return linkOf(l), nil
}

func linkOf(l netlink.Link) Link {
	a := l.Attrs()
	return Link{
		Name: a.Name, Index: a.Index, MAC: a.HardwareAddr,
		Loopback: a.Flags&net.FlagLoopback != 0,
		Up:       a.Flags&net.FlagUp != 0,
		LinkDown: a.OperState == netlink.OperDown || a.OperState == netlink.OperLowerLayerDown,
	}
}

func family(a netip.Addr) int {
	if a.Is4() {
		return netlink.FAMILY_V4
	}
	return netlink.FAMILY_V6
}

func ipnet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(a.Unmap(), ones), true
}
