package netif

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// IPv6 address labels (RFC 6724 policy table), `ip addrlabel` without the
// fork: IPaddr2 gives a virtual address its own label so that the node
// does not choose it as the source of its own connections (LVS direct
// routing). The netlink package has no call for them.
const (
	rtmNewAddrLabel = 72
	rtmDelAddrLabel = 73
	ifalAddress     = 1
	ifalLabel       = 2
)

// AddLabel is `ip addrlabel add prefix <ip> label <label>`: the /128 of ip
// gets the label. A label already there is no error.
func (h *Handle) AddLabel(ip netip.Addr, label uint32) error {
	err := h.label(rtmNewAddrLabel, unix.NLM_F_CREATE|unix.NLM_F_EXCL, ip, label)
	if errors.Is(err, unix.EEXIST) {
		return nil
	}
	return err
}

// DelLabel is `ip addrlabel del prefix <ip> label <label>`; a label already
// gone is no error.
func (h *Handle) DelLabel(ip netip.Addr, label uint32) error {
	err := h.label(rtmDelAddrLabel, 0, ip, label)
	if errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return err
}

func (h *Handle) label(msg, flags int, ip netip.Addr, label uint32) error {
	if !ip.Is6() {
		return fmt.Errorf("address label: %s is not an IPv6 address", ip)
	}
	req := nl.NewNetlinkRequest(msg, flags|unix.NLM_F_ACK)
	// struct ifaddrlblmsg: family, reserved, prefixlen, flags, ifindex, seq
	hdr := make([]byte, 12)
	hdr[0], hdr[2] = unix.AF_INET6, 128
	req.AddData(rawData(hdr))
	a := ip.As16()
	req.AddData(nl.NewRtAttr(ifalAddress, a[:]))
	v := make([]byte, 4)
	binary.NativeEndian.PutUint32(v, label)
	req.AddData(nl.NewRtAttr(ifalLabel, v))
	if err := h.do(req); err != nil {
		return fmt.Errorf("address label %d of %s: %w", label, ip, err)
	}
	return nil
}

// Labels lists the address labels set on single addresses (/128), as
// `ip addrlabel list` shows them; for tests and for status.
func (h *Handle) Labels() (map[netip.Addr]uint32, error) {
	req := nl.NewNetlinkRequest(74 /* RTM_GETADDRLABEL */, unix.NLM_F_DUMP)
	hdr := make([]byte, 12)
	hdr[0] = unix.AF_INET6
	req.AddData(rawData(hdr))
	msgs, err := h.execute(req, rtmNewAddrLabel)
	if err != nil {
		return nil, err
	}
	return parseLabels(msgs), nil
}

func parseLabels(msgs [][]byte) map[netip.Addr]uint32 {
	out := map[netip.Addr]uint32{}
	for _, m := range msgs {
		if len(m) < 12 || m[2] != 128 {
			continue
		}
		attrs, err := nl.ParseRouteAttr(m[12:])
		if err != nil {
			continue
		}
		var ip netip.Addr
		var label uint32
		var has bool
		for _, a := range attrs {
			switch a.Attr.Type {
			case ifalAddress:
				ip, _ = netip.AddrFromSlice(a.Value)
			case ifalLabel:
				if len(a.Value) == 4 {
					label, has = binary.NativeEndian.Uint32(a.Value), true
				}
			}
		}
		if ip.IsValid() && has {
			out[ip] = label
		}
	}
	return out
}
