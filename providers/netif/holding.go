package netif

import (
	"fmt"
	"net/netip"
)

// Held is an address as one interface carries it.
type Held struct {
	Link   Link
	Prefix netip.Prefix
}

// Holding lists the interfaces that carry ip, with whatever prefix: a
// monitor or a stop that cannot resolve the configured interface or route
// (a typo in nic) still finds the address the resource names.
func (h *Handle) Holding(ip netip.Addr) ([]Held, error) {
	addrs, err := h.nl.AddrList(nil, family(ip))
	if err != nil {
		return nil, fmt.Errorf("list addresses: %w", err)
	}
	var out []Held
	for _, a := range addrs {
		p, ok := prefixOf(a.IPNet)
		if !ok || p.Addr() != ip {
			continue
		}
		l, err := h.nl.LinkByIndex(a.LinkIndex)
		if err != nil {
			return nil, fmt.Errorf("interface %d: %w", a.LinkIndex, err)
		}
		out = append(out, Held{Link: linkOf(l), Prefix: p})
	}
	return out, nil
}
