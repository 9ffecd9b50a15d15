package clusterip

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"golang.org/x/sys/unix"
)

// Conn manages the rules of cluster addresses in one network namespace.
type Conn struct {
	nft  *nftables.Conn
	nsfd int // -1: the current namespace
}

// Open returns a connection to nftables in the network namespace nsfd
// refers to (-1: the current one).
func Open(nsfd int) (*Conn, error) {
	var opts []nftables.ConnOption
	if nsfd >= 0 {
		opts = append(opts, nftables.WithNetNSFd(nsfd))
	}
	c, err := nftables.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("nftables: %w", err)
	}
	return &Conn{nft: c, nsfd: nsfd}, nil
}

const chainName = "prerouting"

// arpOut is the ARP family's output hook (NF_ARP_OUT), which is not the
// number of the inet families' output hook that nftables.ChainHookOutput
// names.
const arpOut = 1

func family(ip netip.Addr) nftables.TableFamily {
	if ip.Is4() {
		return nftables.TableFamilyIPv4
	}
	return nftables.TableFamilyIPv6
}

func table(ip netip.Addr) *nftables.Table {
	return &nftables.Table{Name: TableName(ip), Family: family(ip)}
}

func arpTable(ip netip.Addr) *nftables.Table {
	return &nftables.Table{Name: TableName(ip), Family: nftables.TableFamilyARP}
}

// missing reports whether err says the table or chain does not exist.
func missing(err error) bool { return errors.Is(err, unix.ENOENT) }

// Setup makes the address's table: the drop rule, the IPv6 neighbour
// advertisements let through, the ARP mangling when asked, and the
// multicast MAC on the interface. It replaces a table of the same name
// (one a crashed start left), so that the rules are exactly these.
func (c *Conn) Setup(cfg Config) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	t := table(cfg.IP)
	if err := c.delTable(t); err != nil {
		return err
	}
	c.nft.AddTable(t)
	ch := c.nft.AddChain(&nftables.Chain{Name: chainName, Table: t, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityMangle})
	c.nft.AddRule(&nftables.Rule{Table: t, Chain: ch,
		Exprs: append(match(cfg), &expr.Verdict{Kind: expr.VerdictDrop})})
	if cfg.IP.Is6() {
		// Neighbour advertisements for the address reach the host on
		// every node: DAD and neighbour discovery need them.
		c.nft.InsertRule(&nftables.Rule{Table: t, Chain: ch, Exprs: append(match(cfg),
			&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_ICMPV6}},
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{136}}, // nd-neighbor-advert
			&expr.Verdict{Kind: expr.VerdictAccept})})
	}
	if cfg.MangleARP {
		at := arpTable(cfg.IP)
		if err := c.delTable(at); err != nil {
			return err
		}
		c.nft.AddTable(at)
		out := c.nft.AddChain(&nftables.Chain{Name: "output", Table: at, Type: nftables.ChainTypeFilter,
			Hooknum: nftables.ChainHookRef(arpOut), Priority: nftables.ChainPriorityFilter})
		ip := cfg.IP.As4()
		c.nft.AddRule(&nftables.Rule{Table: at, Chain: out, Exprs: []expr.Any{
			// arp saddr ip <address> arp saddr ether set <MAC>: for
			// Ethernet and IPv4, the sender's protocol address is at 14
			// and its hardware address at 8.
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 14, Len: 4},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ip[:]},
			&expr.Immediate{Register: 1, Data: slices.Clone([]byte(cfg.MAC))},
			&expr.Payload{OperationType: expr.PayloadWrite, SourceRegister: 1,
				Base: expr.PayloadBaseNetworkHeader, Offset: 8, Len: 6},
		}})
	}
	if err := c.nft.Flush(); err != nil {
		return fmt.Errorf("nftables table %s: %w", t.Name, err)
	}
	return c.maddr(cfg.Link, cfg.MAC, true)
}

// match is the start of every rule of the address: iif <link> <family>
// daddr <address>.
func match(cfg Config) []expr.Any {
	off, n := uint32(16), uint32(4)
	if cfg.IP.Is6() {
		off, n = 24, 16
	}
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyIIF, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(uint32(cfg.Link))},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: cfg.IP.AsSlice()},
	}
}

// AddNode inserts the rule of clone instance n (1-based, as the comment
// says): a packet whose hash bucket is n is accepted and handed to the
// host as if it had been sent to this node's MAC.
func (c *Conn) AddNode(cfg Config, n int) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	if n < 1 || n > cfg.Total {
		return fmt.Errorf("clone instance %d of %d", n, cfg.Total)
	}
	t := table(cfg.IP)
	ch := &nftables.Chain{Name: chainName, Table: t}
	exprs := append(match(cfg), hashOf(cfg)...)
	exprs = append(exprs,
		&expr.Hash{SourceRegister: 1, DestRegister: 1, Length: hashLen(cfg), Modulus: uint32(cfg.Total),
			Seed: cfg.Seed, Offset: 1, Type: expr.HashTypeJenkins},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(uint32(n))},
		&expr.Immediate{Register: 1, Data: []byte{unix.PACKET_HOST}},
		&expr.Meta{Key: expr.MetaKeyPKTTYPE, SourceRegister: true, Register: 1},
		&expr.Verdict{Kind: expr.VerdictAccept})
	c.nft.InsertRule(&nftables.Rule{Table: t, Chain: ch, Exprs: exprs,
		UserData: userdata.AppendString(nil, userdata.TypeComment, NodeComment(n))})
	if err := c.nft.Flush(); err != nil {
		return fmt.Errorf("nftables rule %s in %s: %w", NodeComment(n), t.Name, err)
	}
	return nil
}

// hashOf loads what the bucket is computed from into consecutive 32-bit
// registers from register 1 (NFT_REG32_00 onwards), each element padded to
// 4 bytes, as nft does for `jhash ip saddr . th sport`.
func hashOf(cfg Config) []expr.Any {
	off, n := uint32(12), uint32(4)
	if cfg.IP.Is6() {
		off, n = 8, 16
	}
	out := []expr.Any{&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: n}}
	reg := uint32(unix.NFT_REG32_00) + n/4
	if cfg.Hash >= SourceIPPort {
		out = append(out, &expr.Payload{DestRegister: reg, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 2})
		reg++
	}
	if cfg.Hash >= SourceIPPortDestPort {
		out = append(out, &expr.Payload{DestRegister: reg, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2})
	}
	return out
}

func hashLen(cfg Config) uint32 {
	n := uint32(4)
	if cfg.IP.Is6() {
		n = 16
	}
	return n + 4*uint32(cfg.Hash)
}

// Nodes are the clone instances whose rules the address's table holds,
// and whether the table exists at all.
func (c *Conn) Nodes(ip netip.Addr) (nodes []int, exists bool, err error) {
	t := table(ip)
	if _, err := c.nft.ListTableOfFamily(t.Name, t.Family); missing(err) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("nftables table %s: %w", t.Name, err)
	}
	rules, err := c.nft.GetRules(t, &nftables.Chain{Name: chainName, Table: t})
	if err != nil {
		return nil, false, fmt.Errorf("nftables table %s: %w", t.Name, err)
	}
	for _, r := range rules {
		if n, ok := nodeOf(r); ok {
			nodes = append(nodes, n)
		}
	}
	return nodes, true, nil
}

func nodeOf(r *nftables.Rule) (int, bool) {
	s, ok := userdata.GetString(r.UserData, userdata.TypeComment)
	if !ok {
		return 0, false
	}
	var n int
	if _, err := fmt.Sscanf(s, "cip-node-%d", &n); err != nil || NodeComment(n) != s {
		return 0, false
	}
	return n, true
}

// DelNode removes the rule of clone instance n; it is not an error when
// there is none.
func (c *Conn) DelNode(ip netip.Addr, n int) error {
	t := table(ip)
	ch := &nftables.Chain{Name: chainName, Table: t}
	rules, err := c.nft.GetRules(t, ch)
	if missing(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("nftables table %s: %w", t.Name, err)
	}
	for _, r := range rules {
		if m, ok := nodeOf(r); ok && m == n {
			if err := c.nft.DelRule(r); err != nil {
				return err
			}
		}
	}
	if err := c.nft.Flush(); err != nil && !missing(err) {
		return fmt.Errorf("nftables rule %s in %s: %w", NodeComment(n), t.Name, err)
	}
	return nil
}

// Teardown removes the address's tables (ip or ip6, and arp) and the
// multicast MAC; what is already gone is not an error.
func (c *Conn) Teardown(cfg Config) error {
	errs := []error{c.delTable(table(cfg.IP)), c.delTable(arpTable(cfg.IP))}
	if cfg.Link > 0 && len(cfg.MAC) == 6 {
		errs = append(errs, c.maddr(cfg.Link, cfg.MAC, false))
	}
	return errors.Join(errs...)
}

// delTable deletes t if it exists.
func (c *Conn) delTable(t *nftables.Table) error {
	if _, err := c.nft.ListTableOfFamily(t.Name, t.Family); missing(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("nftables table %s: %w", t.Name, err)
	}
	c.nft.DelTable(t)
	if err := c.nft.Flush(); err != nil && !missing(err) {
		return fmt.Errorf("delete nftables table %s: %w", t.Name, err)
	}
	return nil
}
