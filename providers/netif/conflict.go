package netif

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// Conflict probes for another host using ip on link before we claim it, as
// `arping -D` does (RFC 5227): count ARP probes with sender address
// 0.0.0.0, one interval apart, then listen until wait has passed. Any ARP
// packet from another MAC with ip as its sender address is a conflict; the
// returned MAC is the other host's. The wait never runs past ctx's
// deadline; what was not seen by then is no conflict.
func (h *Handle) Conflict(ctx context.Context, link Link, ip netip.Addr, count int, interval, wait time.Duration) (net.HardwareAddr, error) {
	if !ip.Is4() || link.Loopback {
		return nil, nil
	}
	if len(link.MAC) != 6 {
		return nil, fmt.Errorf("%s has no Ethernet address to probe from", link.Name)
	}
	fd, err := h.packetSocket(unix.ETH_P_ARP)
	if err != nil {
		return nil, fmt.Errorf("probe %s on %s: %w", ip, link.Name, err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: link.Index}); err != nil {
		return nil, fmt.Errorf("probe %s on %s: %w", ip, link.Name, err)
	}
	to := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ARP), Ifindex: link.Index, Halen: 6}
	copy(to.Addr[:], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	probe := probeFrame(link.MAC, ip)

	end := time.Now().Add(wait)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	next := time.Now()
	sent := 0
	buf := make([]byte, 128)
	for time.Now().Before(end) {
		if sent < count && !time.Now().Before(next) {
			if err := unix.Sendto(fd, probe, 0, to); err != nil {
				return nil, fmt.Errorf("probe %s on %s: %w", ip, link.Name, err)
			}
			sent++
			next = time.Now().Add(interval)
		}
		// Wake up for the next probe or the end, whichever is first.
		until := end
		if sent < count && next.Before(until) {
			until = next
		}
		tv := unix.NsecToTimeval(max(time.Until(until), time.Millisecond).Nanoseconds())
		unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil || n < 28 {
			continue // a receive timeout; the loop ends by end, within ctx
		}
		if mac := claims(buf[:n], ip, link.MAC); mac != nil {
			return mac, nil
		}
	}
	return nil, nil
}

// probeFrame is an ARP probe: who has ip? From our MAC, sender IP 0.0.0.0.
func probeFrame(mac net.HardwareAddr, ip netip.Addr) []byte {
	b := make([]byte, 28)
	binary.BigEndian.PutUint16(b[0:], 1)
	binary.BigEndian.PutUint16(b[2:], 0x0800)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], 1)
	copy(b[8:], mac)
	a := ip.As4()
	copy(b[24:], a[:])
	return b
}

// claims returns the sender MAC of an ARP packet in which another host says
// it has ip (a reply to our probe, or its own announcement), else nil.
func claims(p []byte, ip netip.Addr, ours net.HardwareAddr) net.HardwareAddr {
	if binary.BigEndian.Uint16(p[2:]) != 0x0800 || p[4] != 6 || p[5] != 4 {
		return nil
	}
	sha, spa := net.HardwareAddr(p[8:14]), p[14:18]
	a := ip.As4()
	if string(spa) != string(a[:]) || string(sha) == string(ours) {
		return nil
	}
	return append(net.HardwareAddr(nil), sha...)
}
