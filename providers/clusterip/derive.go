package clusterip

import (
	"crypto/md5"
	"encoding/binary"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Derive is upstream's default seed and MAC for an address: both from the
// MD5 of "<ip> <prefix length> <broadcast>\n" (the broadcast left out
// when there is none), the seed its first 4 bytes, the MAC its first 6
// with the multicast bit set (an even second hex digit made 1), and 33:33 as the first two octets for IPv6.
// Every node computes the same, so the nodes agree without configuration.
func Derive(ip netip.Addr, bits int, broadcast netip.Addr) (seed uint32, mac net.HardwareAddr) {
	words := []string{ip.String(), strconv.Itoa(bits)}
	if broadcast.IsValid() {
		words = append(words, broadcast.String())
	}
	sum := md5.Sum([]byte(strings.Join(words, " ") + "\n"))
	seed = binary.BigEndian.Uint32(sum[:4])
	mac = net.HardwareAddr(sum[:6:6])
	if mac[0]&1 == 0 {
		mac[0] = mac[0]&0xf0 | 1 // upstream's: an even second hex digit becomes 1
	}
	if ip.Is6() {
		mac[0], mac[1] = 0x33, 0x33
	}
	return seed, mac
}

// ParseSeed reads clusterip_hash_seed as upstream accepts it: decimal, or
// hexadecimal after 0x.
func ParseSeed(s string) (uint32, error) {
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		v, err := strconv.ParseUint(h, 16, 32)
		return uint32(v), err
	}
	v, err := strconv.ParseUint(s, 10, 32)
	return uint32(v), err
}
