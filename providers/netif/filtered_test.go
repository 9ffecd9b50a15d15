package netif

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

func addrStrings(as []netlink.Addr) []string {
	var out []string
	for _, a := range as {
		out = append(out, fmt.Sprintf("%d %s peer=%v brd=%v label=%q flags=%#x scope=%d",
			a.LinkIndex, a.IPNet, a.Peer, a.Broadcast, a.Label, a.Flags, a.Scope))
	}
	return out
}

func routeStrings(rs []netlink.Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%d %v src=%v scope=%d table=%d", r.LinkIndex, r.Dst, r.Src, r.Scope, r.Table))
	}
	return out
}

// TestFilteredDumps checks that the kernel sends only the asked
// interface's addresses and routes, and that the answer is the one the
// full dump filtered here gives.
func TestFilteredDumps(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.71.1/24 brd +", "198.18.72.1/24", "2001:db8:71::1/64"}, nil)
	clutter := netiftest.Clutter(t, 300)
	h, err := Open("")
	require.NoError(t, err)
	defer h.Close()
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	other, err := h.Link(clutter)
	require.NoError(t, err)
	require.NoError(t, h.Add(link, Address{Prefix: netip.MustParsePrefix("198.18.71.10/24"), Label: v.Host + ":vip"}))

	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		msgs, filtered, err := h.addrDump(link.Index, fam)
		require.NoError(t, err)
		require.True(t, filtered, "this kernel has NETLINK_GET_STRICT_CHK")
		for _, m := range msgs {
			a, ok := parseAddr(m)
			require.True(t, ok)
			assert.Equal(t, link.Index, a.LinkIndex, "the kernel sent another interface's address")
		}
		got, err := h.addrList(link.Index, fam)
		require.NoError(t, err)
		want, err := h.nl.AddrList(&netlink.Dummy{LinkAttrs: netlink.LinkAttrs{Index: link.Index}}, fam)
		require.NoError(t, err)
		assert.Equal(t, addrStrings(want), addrStrings(got))
		assert.Len(t, msgs, len(want))
	}
	got, err := h.addrList(other.Index, netlink.FAMILY_V4)
	require.NoError(t, err)
	assert.Len(t, got, 300)

	gone, err := h.addrList(1<<30, netlink.FAMILY_V4)
	require.NoError(t, err, "an interface that vanished carries no address")
	assert.Empty(t, gone)

	for _, tc := range []struct{ fam, table, index int }{
		{netlink.FAMILY_V4, unix.RT_TABLE_MAIN, link.Index},
		{netlink.FAMILY_V4, unix.RT_TABLE_MAIN, 0},
		{netlink.FAMILY_V4, unix.RT_TABLE_LOCAL, 0},
		{netlink.FAMILY_V4, unix.RT_TABLE_LOCAL, other.Index},
		{netlink.FAMILY_V6, unix.RT_TABLE_MAIN, link.Index},
	} {
		got, err := h.routeList(tc.fam, tc.table, tc.index)
		require.NoError(t, err)
		mask := netlink.RT_FILTER_TABLE
		if tc.index != 0 {
			mask |= netlink.RT_FILTER_OIF
		}
		want, err := h.nl.RouteListFiltered(tc.fam, &netlink.Route{Table: tc.table, LinkIndex: tc.index}, mask)
		require.NoError(t, err)
		assert.ElementsMatch(t, routeStrings(want), routeStrings(got), "%+v", tc)
	}
	for _, ip := range []string{"198.18.71.99", "10.254.0.1"} {
		f, err := h.FindIf(netip.MustParseAddr(ip), v.Host, 24, false)
		require.NoError(t, err, "nic and netmask need no route")
		assert.Equal(t, Found{Link: v.Host, Bits: 24}, f)
	}
	f, err := h.FindIf(netip.MustParseAddr("198.18.71.99"), v.Host, 24, true)
	require.NoError(t, err)
	assert.Equal(t, Found{Link: v.Host, Bits: 24, Broadcast: netip.MustParseAddr("198.18.71.255")}, f, "the broadcast comes from the route's source")
	routes, err := h.routeList(netlink.FAMILY_V4, unix.RT_TABLE_MAIN, 1<<30)
	require.NoError(t, err, "an interface that vanished has no route")
	assert.Empty(t, routes)
}

// TestFilteredFallback runs the lookups as on a kernel without strict
// checking (before 4.20): the full dumps, filtered here.
func TestFilteredFallback(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.73.1/24"}, nil)
	netiftest.Clutter(t, 50)
	noStrict = true
	t.Cleanup(func() { noStrict = false })
	h, err := Open("")
	require.NoError(t, err)
	defer h.Close()
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	_, filtered, err := h.addrDump(link.Index, netlink.FAMILY_V4)
	require.NoError(t, err)
	require.False(t, filtered)
	has, err := h.Has(link, netip.MustParsePrefix("198.18.73.1/24"))
	require.NoError(t, err)
	assert.True(t, has)
	has, err = h.Has(link, netip.MustParsePrefix("198.19.0.1/32"))
	require.NoError(t, err)
	assert.False(t, has, "another interface's address")
	f, err := h.FindIf(netip.MustParseAddr("198.18.73.9"), "", 0, true)
	require.NoError(t, err)
	assert.Equal(t, Found{Link: v.Host, Bits: 24, Broadcast: netip.Addr{}}, f)
}
