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

// Announce tells the neighbours that ip now lives at link's MAC: count
// gratuitous ARP packets (IPv4) or unsolicited neighbour advertisements with
// the override flag (IPv6), interval apart. reply sends ARP replies instead
// of requests (arping -A). Nothing is sent on loopback.
func (h *Handle) Announce(ctx context.Context, link Link, ip netip.Addr, count int, interval time.Duration, reply bool) error {
	return h.announce(ctx, link, ip, count, interval, reply, nil)
}

// AnnounceWhileHeld is Announce for a sender that may outlive the address
// (the background sender of a start that a stop overtook): before each
// packet it checks that link still carries p, and returns nil as soon as
// it does not, so the node never announces an address it gave up.
func (h *Handle) AnnounceWhileHeld(ctx context.Context, link Link, p netip.Prefix, count int, interval time.Duration, reply bool) error {
	return h.announce(ctx, link, p.Addr(), count, interval, reply, func() (bool, error) { return h.Has(link, p) })
}

func (h *Handle) announce(ctx context.Context, link Link, ip netip.Addr, count int, interval time.Duration, reply bool, held func() (bool, error)) error {
	if link.Loopback || count <= 0 {
		return nil
	}
	if len(link.MAC) != 6 {
		return fmt.Errorf("%s has no Ethernet address to announce", link.Name)
	}
	var proto uint16
	var frame []byte
	var dst net.HardwareAddr
	if ip.Is4() {
		proto, frame = unix.ETH_P_ARP, arpFrame(link.MAC, ip, reply)
		dst = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	} else {
		proto, frame = unix.ETH_P_IPV6, naFrame(link.MAC, ip)
		dst = net.HardwareAddr{0x33, 0x33, 0, 0, 0, 1} // all-nodes ff02::1
	}
	fd, err := h.packetSocket(proto)
	if err != nil {
		return fmt.Errorf("announce %s on %s: %w", ip, link.Name, err)
	}
	defer unix.Close(fd)
	to := &unix.SockaddrLinklayer{Protocol: htons(proto), Ifindex: link.Index, Halen: 6}
	copy(to.Addr[:], dst)
	for i := 0; i < count; i++ {
		if i > 0 {
			t := time.NewTimer(interval)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		if held != nil {
			if ok, err := held(); err != nil || !ok {
				return err
			}
		}
		if err := unix.Sendto(fd, frame, 0, to); err != nil {
			return fmt.Errorf("announce %s on %s: %w", ip, link.Name, err)
		}
	}
	return nil
}

// packetSocket opens an AF_PACKET socket inside the handle's namespace.
func (h *Handle) packetSocket(proto uint16) (fd int, err error) {
	err = Do(int(h.ns), func() error {
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(htons(proto)))
		return err
	})
	return fd, err
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// arpFrame is an ARP packet announcing ip at mac: sender and target protocol
// address are both ip, as arping -U / -A do.
func arpFrame(mac net.HardwareAddr, ip netip.Addr, reply bool) []byte {
	b := make([]byte, 28)
	binary.BigEndian.PutUint16(b[0:], 1)      // Ethernet
	binary.BigEndian.PutUint16(b[2:], 0x0800) // IPv4
	b[4], b[5] = 6, 4
	op, tha := uint16(1), net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if reply {
		op, tha = 2, mac
	}
	binary.BigEndian.PutUint16(b[6:], op)
	a := ip.As4()
	copy(b[8:], mac)
	copy(b[14:], a[:])
	copy(b[18:], tha)
	copy(b[24:], a[:])
	return b
}

// naFrame is an IPv6 packet carrying an unsolicited neighbour advertisement
// (RFC 4861 7.2.6): from ip to ff02::1, hop limit 255, override flag set,
// target ip, and the target link-layer address option.
func naFrame(mac net.HardwareAddr, ip netip.Addr) []byte {
	const icmpLen = 32
	b := make([]byte, 40+icmpLen)
	b[0] = 0x60
	binary.BigEndian.PutUint16(b[4:], icmpLen)
	b[6], b[7] = unix.IPPROTO_ICMPV6, 255
	src, dst := ip.As16(), netip.MustParseAddr("ff02::1").As16()
	copy(b[8:], src[:])
	copy(b[24:], dst[:])
	m := b[40:]
	m[0] = 136                               // neighbour advertisement
	binary.BigEndian.PutUint32(m[4:], 1<<29) // override
	copy(m[8:], src[:])                      // target address
	m[24], m[25] = 2, 1                      // target link-layer address, 8 bytes
	copy(m[26:], mac)
	binary.BigEndian.PutUint16(m[2:], icmp6Checksum(src, dst, m))
	return b
}

func icmp6Checksum(src, dst [16]byte, msg []byte) uint16 {
	var sum uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			sum += uint32(b[i])<<8 | uint32(b[i+1])
		}
		if len(b)%2 == 1 {
			sum += uint32(b[len(b)-1]) << 8
		}
	}
	add(src[:])
	add(dst[:])
	var pseudo [8]byte
	binary.BigEndian.PutUint32(pseudo[0:], uint32(len(msg)))
	pseudo[7] = unix.IPPROTO_ICMPV6
	add(pseudo[:])
	add(msg)
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}
