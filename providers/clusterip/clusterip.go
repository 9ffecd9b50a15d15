// Package clusterip is the load-sharing mode of IPaddr2 clones, as upstream
// IPaddr2 does it with clusterip_firewall=nft: every node of the clone
// holds the same address, answers ARP for it with one multicast MAC (so
// that the switch floods the address's packets to all of them), and
// accepts only the packets whose source hashes to one of the clone
// instances it runs. The rules are nftables rules made through netlink
// (github.com/google/nftables): no nft or iptables process is forked.
//
// The layout is upstream's, so that either agent finds and removes what
// the other made: a table IPaddr2_<address> (family ip or ip6) whose
// chain prerouting (filter, priority mangle) drops the address's packets
// on the interface, with one rule per local clone instance before the drop,
// commented cip-node-<n>, that accepts the instance's hash bucket and marks
// the packet as addressed to this host; and, with ARP mangling, a table of
// the same name in family arp that rewrites the sender MAC of our ARP
// packets for the address.
package clusterip

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// Hash is what a packet's bucket is computed from (the anchor's
// clusterip_hash).
type Hash int

const (
	SourceIP Hash = iota
	SourceIPPort
	SourceIPPortDestPort
)

// ParseHash reads clusterip_hash: sourceip, sourceip-sourceport or
// sourceip-sourceport-destport.
func ParseHash(s string) (Hash, error) {
	switch s {
	case "sourceip":
		return SourceIP, nil
	case "sourceip-sourceport":
		return SourceIPPort, nil
	case "sourceip-sourceport-destport":
		return SourceIPPortDestPort, nil
	}
	return 0, fmt.Errorf("%q is not sourceip, sourceip-sourceport or sourceip-sourceport-destport", s)
}

// Config is one cluster address on one node's interface.
type Config struct {
	IP    netip.Addr
	Link  int    // the interface's index
	Total int    // clone instances in the cluster (clone-max), the modulus
	Seed  uint32 // the hash seed, the same on every node; never 0
	Hash  Hash
	MAC   net.HardwareAddr // the multicast MAC the address answers with
	// MangleARP rewrites the sender MAC of this node's ARP packets for the
	// address to MAC (IPv4 only).
	MangleARP bool
}

// ErrSeed is Check's answer for a seed of 0: the kernel treats a hash
// without seed as "pick one at random", which would give each node its
// own buckets.
var ErrSeed = errors.New("a hash seed of 0 would let each node pick a random seed")

// ErrNotMulticast is Check's answer for a MAC that is not a multicast one.
var ErrNotMulticast = errors.New("the cluster MAC must be a multicast MAC (the first octet odd)")

// Check refuses what would not share the load correctly.
func (c Config) Check() error {
	switch {
	case !c.IP.IsValid():
		return errors.New("no address")
	case c.Total < 1:
		return fmt.Errorf("clone-max %d: must be positive", c.Total)
	case c.Seed == 0:
		return ErrSeed
	case len(c.MAC) != 6 || c.MAC[0]&1 == 0:
		return ErrNotMulticast
	case c.MangleARP && !c.IP.Is4():
		return errors.New("ARP mangling is for IPv4 addresses only")
	}
	return nil
}

// TableName is the table of the address, upstream's name for it:
// IPaddr2_ and the address with '.' and ':' as '_'.
func TableName(ip netip.Addr) string {
	return "IPaddr2_" + strings.NewReplacer(".", "_", ":", "_").Replace(ip.String())
}

// NodeComment is the comment of the rule of clone instance n (1-based).
func NodeComment(n int) string { return fmt.Sprintf("cip-node-%d", n) }
