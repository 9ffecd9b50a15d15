package main

import (
	"net/netip"
	"testing"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/clusterip"
)

// kernelRules reads the node's nftables ruleset through netlink with the
// library itself, not through providers/clusterip, so that the checks
// below see what the kernel holds rather than what the provider's own
// parser makes of it.
func kernelRules(t *testing.T, n *cloneNode) *nftables.Conn {
	t.Helper()
	ns, err := netns.GetFromName(n.v.NS)
	require.NoError(t, err)
	t.Cleanup(func() { ns.Close() })
	conn, err := nftables.New(nftables.WithNetNSFd(int(ns)))
	require.NoError(t, err)
	return conn
}

// tableOf is the table name in family, or nil when the kernel has none.
func tableOf(t *testing.T, conn *nftables.Conn, name string, family nftables.TableFamily) *nftables.Table {
	t.Helper()
	tables, err := conn.ListTablesOfFamily(family)
	require.NoError(t, err)
	for _, tb := range tables {
		if tb.Name == name {
			return tb
		}
	}
	return nil
}

// chainRules are the rules of chain name in tb, failing when there is no
// such chain.
func chainRules(t *testing.T, conn *nftables.Conn, tb *nftables.Table, name string) (*nftables.Chain, []*nftables.Rule) {
	t.Helper()
	ch, err := conn.ListChain(tb, name)
	require.NoError(t, err, "chain %s in table %s", name, tb.Name)
	rules, err := conn.GetRules(tb, ch)
	require.NoError(t, err)
	return ch, rules
}

func exprsOf[T expr.Any](r *nftables.Rule) []T {
	var out []T
	for _, e := range r.Exprs {
		if x, ok := e.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

// userTable is a firewall table of the node's administrator, not ocfkit's:
// inet userfw, chain input, one rule accepting TCP.
func userTable(t *testing.T, conn *nftables.Conn) {
	t.Helper()
	tb := conn.AddTable(&nftables.Table{Name: "userfw", Family: nftables.TableFamilyINet})
	ch := conn.AddChain(&nftables.Chain{Name: "input", Table: tb, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookInput, Priority: nftables.ChainPriorityFilter})
	conn.AddRule(&nftables.Rule{Table: tb, Chain: ch, Exprs: []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
		&expr.Verdict{Kind: expr.VerdictAccept},
	}})
	require.NoError(t, conn.Flush())
}

// The kernel's ruleset after a clone start is upstream's nft layout with
// the parameters given: table ip IPaddr2_<address>, chain prerouting
// (filter, hook prerouting, priority mangle), the bucket rule (jhash of
// the chosen fields, modulo clone-max, the seed, offset 1, == instance,
// pkttype set host, accept) before the drop, and the arp table rewriting
// the sender MAC. A second resource and the administrator's own table
// are left alone by every action, also by a stop whose configuration is
// bad.
func TestCloneRulesetInKernel(t *testing.T) {
	n := newCloneNode(t, "198.18.76")
	conn := kernelRules(t, n)
	userTable(t, conn)
	const ip, other = "198.18.76.10", "198.18.76.11"
	a := n.instance(ip, 1, 3).With("clusterip_hash", "sourceip-sourceport-destport",
		"clusterip_hash_seed", "0x1234abcd", "clusterip_mac_mangle", "true")
	b := n.instance(other, 0, 2)
	t.Cleanup(func() { run(t, "stop", a); run(t, "stop", b) })
	expect(t, 0, "start", b)
	expect(t, 7, "monitor", a) // probe: b's rules are not a's
	expect(t, 0, "start", a)
	expect(t, 0, "monitor", a)

	tb := tableOf(t, conn, clusterip.TableName(netip.MustParseAddr(ip)), nftables.TableFamilyIPv4)
	require.NotNil(t, tb, "table ip IPaddr2_198_18_76_10")
	ch, rules := chainRules(t, conn, tb, "prerouting")
	assert.Equal(t, nftables.ChainTypeFilter, ch.Type)
	require.NotNil(t, ch.Hooknum)
	assert.Equal(t, *nftables.ChainHookPrerouting, *ch.Hooknum)
	require.NotNil(t, ch.Priority)
	assert.Equal(t, *nftables.ChainPriorityMangle, *ch.Priority)
	require.Len(t, rules, 2, "instance 2's bucket rule, then the drop")

	bucket, drop := rules[0], rules[1]
	hashes := exprsOf[*expr.Hash](bucket)
	require.Len(t, hashes, 1)
	h := hashes[0]
	assert.Equal(t, expr.HashTypeJenkins, h.Type)
	assert.Equal(t, uint32(3), h.Modulus, "modulo clone-max")
	assert.Equal(t, uint32(0x1234abcd), h.Seed)
	assert.Equal(t, uint32(1), h.Offset)
	assert.Equal(t, uint32(12), h.Length, "source address, source port, destination port")
	payloads := exprsOf[*expr.Payload](bucket)
	require.Len(t, payloads, 4, "daddr, then saddr, sport, dport hashed")
	assert.Equal(t, []uint32{16, 12, 0, 2}, []uint32{payloads[0].Offset, payloads[1].Offset, payloads[2].Offset, payloads[3].Offset})
	assert.Equal(t, expr.PayloadBaseTransportHeader, payloads[3].Base)
	cmps := exprsOf[*expr.Cmp](bucket)
	require.Len(t, cmps, 3, "iif, daddr, bucket")
	assert.Equal(t, binaryutil.NativeEndian.PutUint32(uint32(n.link)), cmps[0].Data)
	assert.Equal(t, netip.MustParseAddr(ip).AsSlice(), cmps[1].Data)
	assert.Equal(t, binaryutil.NativeEndian.PutUint32(2), cmps[2].Data, "clone instance 1 is bucket 2")
	var pkttype bool
	for _, m := range exprsOf[*expr.Meta](bucket) {
		pkttype = pkttype || (m.Key == expr.MetaKeyPKTTYPE && m.SourceRegister)
	}
	assert.True(t, pkttype, "meta pkttype set host")
	imm := exprsOf[*expr.Immediate](bucket)
	require.Len(t, imm, 1)
	assert.Equal(t, byte(unix.PACKET_HOST), imm[0].Data[0])
	assert.Equal(t, []*expr.Verdict{{Kind: expr.VerdictAccept}}, exprsOf[*expr.Verdict](bucket))
	assert.Empty(t, exprsOf[*expr.Hash](drop))
	assert.Equal(t, []*expr.Verdict{{Kind: expr.VerdictDrop}}, exprsOf[*expr.Verdict](drop))

	at := tableOf(t, conn, tb.Name, nftables.TableFamilyARP)
	require.NotNil(t, at, "table arp for clusterip_mac_mangle")
	_, arp := chainRules(t, conn, at, "output")
	require.Len(t, arp, 1)
	_, mac := clusterip.Derive(netip.MustParseAddr(ip), 24, netip.MustParseAddr("198.18.76.255"))
	imm = exprsOf[*expr.Immediate](arp[0])
	require.Len(t, imm, 1)
	assert.Equal(t, []byte(mac), imm[0].Data, "arp saddr ether set <cluster MAC>")

	// The stop of a, its clusterip_hash now bad, removes a's tables only.
	expect(t, 0, "stop", a.With("clusterip_hash", "destport"))
	assert.Nil(t, tableOf(t, conn, tb.Name, nftables.TableFamilyIPv4))
	assert.Nil(t, tableOf(t, conn, tb.Name, nftables.TableFamilyARP))
	expect(t, 7, "monitor", a)
	expect(t, 0, "stop", a.With("clusterip_hash", "destport")) // stop on stopped
	ob := tableOf(t, conn, clusterip.TableName(netip.MustParseAddr(other)), nftables.TableFamilyIPv4)
	require.NotNil(t, ob, "the other resource's table")
	_, rules = chainRules(t, conn, ob, "prerouting")
	assert.Len(t, rules, 2, "its bucket rule and its drop")
	expect(t, 0, "monitor", b)
	user := tableOf(t, conn, "userfw", nftables.TableFamilyINet)
	require.NotNil(t, user, "the administrator's table")
	_, rules = chainRules(t, conn, user, "input")
	assert.Len(t, rules, 1)

	expect(t, 0, "stop", b)
	assert.Nil(t, tableOf(t, conn, ob.Name, nftables.TableFamilyIPv4))
	assert.NotNil(t, tableOf(t, conn, "userfw", nftables.TableFamilyINet), "no stop touches it")
}

// Each clusterip_hash hashes its own fields, and without
// clusterip_hash_seed the kernel's seed is upstream's, derived from the
// address, so that every node computes the same buckets.
func TestCloneHashFieldsInKernel(t *testing.T) {
	n := newCloneNode(t, "198.18.77")
	conn := kernelRules(t, n)
	for i, tc := range []struct {
		hash   string // "": the default
		length uint32
		hashed []uint32 // the offsets of the hashed fields: saddr, then the ports
	}{
		{"sourceip", 4, []uint32{12}},
		{"sourceip-sourceport", 8, []uint32{12, 0}},
		{"", 8, []uint32{12, 0}},
		{"sourceip-sourceport-destport", 12, []uint32{12, 0, 2}},
	} {
		ip := netip.AddrFrom4([4]byte{198, 18, 77, byte(20 + i)})
		p := n.instance(ip.String(), 0, 2)
		if tc.hash != "" {
			p = p.With("clusterip_hash", tc.hash)
		}
		t.Cleanup(func() { run(t, "stop", p) })
		expect(t, 0, "start", p)
		tb := tableOf(t, conn, clusterip.TableName(ip), nftables.TableFamilyIPv4)
		require.NotNil(t, tb, tc.hash)
		_, rules := chainRules(t, conn, tb, "prerouting")
		require.Len(t, rules, 2, tc.hash)
		hashes := exprsOf[*expr.Hash](rules[0])
		require.Len(t, hashes, 1, tc.hash)
		seed, _ := clusterip.Derive(ip, 24, netip.MustParseAddr("198.18.77.255"))
		assert.Equal(t, seed, hashes[0].Seed, tc.hash)
		assert.Equal(t, uint32(2), hashes[0].Modulus, tc.hash)
		assert.Equal(t, tc.length, hashes[0].Length, tc.hash)
		payloads := exprsOf[*expr.Payload](rules[0])[1:] // after daddr
		var offsets []uint32
		for j, pl := range payloads {
			offsets = append(offsets, pl.Offset)
			want := expr.PayloadBaseTransportHeader
			if j == 0 {
				want = expr.PayloadBaseNetworkHeader
			}
			assert.Equal(t, want, pl.Base, "%s field %d", tc.hash, j)
		}
		assert.Equal(t, tc.hashed, offsets, tc.hash)
		expect(t, 0, "stop", p)
		assert.Nil(t, tableOf(t, conn, tb.Name, nftables.TableFamilyIPv4), tc.hash)
	}
}
