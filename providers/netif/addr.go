package netif

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Where lists the interfaces that carry exactly this address with exactly
// this prefix length: 10.0.0.1/24 matches neither 10.0.0.10/24 nor
// 10.0.0.1/32. It is one netlink dump, filtered here.
func (h *Handle) Where(p netip.Prefix) ([]string, error) {
	addrs, err := h.nl.AddrList(nil, family(p.Addr()))
	if err != nil {
		return nil, fmt.Errorf("list addresses: %w", err)
	}
	var idx []int
	for _, a := range addrs {
		if got, ok := prefixOf(a.IPNet); ok && got == p {
			idx = append(idx, a.LinkIndex)
		}
	}
	var names []string
	for _, i := range idx {
		l, err := h.nl.LinkByIndex(i)
		if err != nil {
			return nil, fmt.Errorf("interface %d: %w", i, err)
		}
		names = append(names, l.Attrs().Name)
	}
	return names, nil
}

// Has reports whether the interface carries exactly this address and
// prefix. Only that interface's addresses are dumped (see addrList).
func (h *Handle) Has(link Link, p netip.Prefix) (bool, error) {
	addrs, err := h.addrList(link.Index, family(p.Addr()))
	if err != nil {
		return false, fmt.Errorf("list addresses of %s: %w", link.Name, err)
	}
	for _, a := range addrs {
		if got, ok := prefixOf(a.IPNet); ok && got == p {
			// An IPv6 address whose duplicate detection failed is on the
			// interface but unusable: another host answers for it.
			return a.Flags&unix.IFA_F_DADFAILED == 0, nil
		}
	}
	return false, nil
}

// ErrDuplicate is returned (wrapped) when IPv6 duplicate address detection
// found another host using the address.
var ErrDuplicate = errors.New("duplicate address detection failed: another host uses the address")

// WaitDAD waits, bounded by ctx, while the IPv6 address is tentative
// (duplicate address detection running). It returns ErrDuplicate when
// detection failed, and nil at once for IPv4 or an address added nodad.
func (h *Handle) WaitDAD(ctx context.Context, link Link, p netip.Prefix) error {
	if p.Addr().Is4() {
		return nil
	}
	for {
		addrs, err := h.addrList(link.Index, netlink.FAMILY_V6)
		if err != nil {
			return fmt.Errorf("list addresses of %s: %w", link.Name, err)
		}
		flags, found := 0, false
		for _, a := range addrs {
			if got, ok := prefixOf(a.IPNet); ok && got == p {
				flags, found = a.Flags, true
			}
		}
		switch {
		case !found:
			return fmt.Errorf("%s vanished from %s during duplicate address detection", p, link.Name)
		case flags&unix.IFA_F_DADFAILED != 0:
			return fmt.Errorf("%s on %s: %w", p, link.Name, ErrDuplicate)
		case flags&unix.IFA_F_TENTATIVE == 0:
			return nil
		}
		t := time.NewTimer(50 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s on %s still tentative: %w", p, link.Name, ctx.Err())
		case <-t.C:
		}
	}
}

// Address is one address to add, with the options ip-address(8) offers.
type Address struct {
	Prefix netip.Prefix
	// Broadcast (IPv4): the zero Addr means none, as the shell agent adds
	// the address without "brd" when it has none.
	Broadcast     netip.Addr
	Label         string // IPv4 only: "eth0:vip"
	NoDAD         bool   // IPv6
	NoPrefixRoute bool
	// PreferredLft (IPv6) in seconds; negative means forever.
	PreferredLft int
	// Metric (IPv6) of the prefix route the kernel adds with the address,
	// as `ip addr add ... metric N`; 0 leaves the kernel's default.
	Metric int
}

// ErrExists is returned (wrapped) when the address is already there.
var ErrExists = errors.New("address already present")

// Add adds the address to the interface and brings the interface up, as
// IPaddr2 does.
func (h *Handle) Add(link Link, a Address) error {
	na := &netlink.Addr{IPNet: ipnet(a.Prefix)}
	if a.Prefix.Addr().Is4() {
		na.Broadcast = net.IPv4zero // no broadcast unless asked for
		if a.Broadcast.IsValid() {
			na.Broadcast = a.Broadcast.AsSlice()
		}
		na.Label = a.Label
	} else {
		if a.NoDAD {
			na.Flags |= unix.IFA_F_NODAD
		}
		if a.PreferredLft >= 0 {
			na.PreferedLft = a.PreferredLft
			na.ValidLft = int(^uint32(0)) // forever
		}
	}
	if a.NoPrefixRoute {
		na.Flags |= unix.IFA_F_NOPREFIXROUTE
	}
	l := &netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Index: link.Index, Name: link.Name}}
	add := func() error { return h.nl.AddrAdd(l, na) }
	if a.Metric > 0 && a.Prefix.Addr().Is6() {
		add = func() error { return h.addWithMetric(link, na, a.Metric) }
	}
	if err := add(); err != nil {
		if errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("add %s to %s: %w", a.Prefix, link.Name, ErrExists)
		}
		return fmt.Errorf("add %s to %s: %w", a.Prefix, link.Name, err)
	}
	if !link.Up {
		if err := h.nl.LinkSetUp(l); err != nil {
			return fmt.Errorf("bring %s up: %w", link.Name, err)
		}
	}
	return nil
}

// Del removes the address from the interface; an address already gone is
// not an error, so stop stays idempotent.
func (h *Handle) Del(link Link, p netip.Prefix) error {
	l := &netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Index: link.Index, Name: link.Name}}
	err := h.nl.AddrDel(l, &netlink.Addr{IPNet: ipnet(p)})
	if err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove %s from %s: %w", p, link.Name, err)
	}
	return nil
}
