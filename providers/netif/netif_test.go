package netif_test

import (
	"context"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/netif"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

func open(t *testing.T, ns string) *netif.Handle {
	h, err := netif.Open(ns)
	require.NoError(t, err)
	t.Cleanup(h.Close)
	return h
}

func TestAddHasDelExact(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.7.1/24", "2001:db8:7::1/64"}, nil)
	h := open(t, "")
	link, err := h.Link(v.Host)
	require.NoError(t, err)

	vip := netip.MustParsePrefix("198.18.7.10/24")
	require.NoError(t, h.Add(link, netif.Address{Prefix: vip, Label: v.Host + ":vip"}))
	assert.ErrorIs(t, h.Add(link, netif.Address{Prefix: vip}), netif.ErrExists)

	for _, tc := range []struct {
		p    string
		want bool
	}{
		{"198.18.7.10/24", true},
		{"198.18.7.1/24", true},
		{"198.18.7.100/24", false}, // 10 must not match 100
		{"198.18.7.10/32", false},  // nor another prefix length
		{"198.18.7.11/24", false},
	} {
		got, err := h.Has(link, netip.MustParsePrefix(tc.p))
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, tc.p)
	}
	where, err := h.Where(vip)
	require.NoError(t, err)
	assert.Equal(t, []string{v.Host}, where)

	require.NoError(t, h.Del(link, vip))
	require.NoError(t, h.Del(link, vip), "deleting a missing address is not an error")
	got, err := h.Has(link, vip)
	require.NoError(t, err)
	assert.False(t, got)

	vip6 := netip.MustParsePrefix("2001:db8:7::10/64")
	require.NoError(t, h.Add(link, netif.Address{Prefix: vip6, NoDAD: true, PreferredLft: 0}))
	got, err = h.Has(link, vip6)
	require.NoError(t, err)
	assert.True(t, got)
	require.NoError(t, h.Del(link, vip6))
}

func TestFindIf(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.8.1/24 brd +", "2001:db8:8::1/64"}, nil)
	h := open(t, "")
	addr := netip.MustParseAddr

	f, err := h.FindIf(addr("198.18.8.20"), "", 0, true)
	require.NoError(t, err)
	assert.Equal(t, netif.Found{Link: v.Host, Bits: 24, Broadcast: addr("198.18.8.255")}, f)

	f, err = h.FindIf(addr("198.18.8.20"), "", 0, false)
	require.NoError(t, err)
	assert.Equal(t, netif.Found{Link: v.Host, Bits: 24}, f, "no broadcast lookup unless asked")

	f, err = h.FindIf(addr("2001:db8:8::20"), "", 0, true)
	require.NoError(t, err)
	assert.Equal(t, v.Host, f.Link)
	assert.Equal(t, 64, f.Bits)

	f, err = h.FindIf(addr("198.18.8.20"), v.Host, 28, true)
	require.NoError(t, err)
	assert.Equal(t, 28, f.Bits, "a given netmask wins")

	_, err = h.FindIf(addr("198.18.9.20"), "", 0, true)
	assert.ErrorIs(t, err, netif.ErrNoRoute)

	f, err = h.FindIf(addr("198.18.9.20"), v.Host, 24, true)
	require.NoError(t, err, "nic and netmask given: no route needed")
	assert.Equal(t, netif.Found{Link: v.Host, Bits: 24}, f)

	_, err = h.FindIf(addr("198.18.8.20"), "ocfkit-none0", 24, true)
	assert.ErrorIs(t, err, netif.ErrNoLink)

	f, err = h.FindIf(addr("127.0.0.2"), "", 0, true)
	require.NoError(t, err)
	assert.Equal(t, "lo", f.Link)
	assert.Equal(t, 8, f.Bits)
}

func TestAnnounceIPv4(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.10.1/24"}, nil)
	h := open(t, "")
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	stop := v.Capture(t, unix.ETH_P_ARP)
	vip := netip.MustParseAddr("198.18.10.5")
	require.NoError(t, h.Announce(context.Background(), link, vip, 3, 20*time.Millisecond, false))
	time.Sleep(150 * time.Millisecond)
	frames := stop()
	require.Len(t, frames, 3)
	for _, f := range frames {
		assert.Equal(t, v.HostMAC, f.SrcMAC)
		p := f.Payload
		require.GreaterOrEqual(t, len(p), 28)
		assert.Equal(t, uint16(1), binary.BigEndian.Uint16(p[6:]), "ARP request")
		assert.Equal(t, []byte(v.HostMAC), p[8:14], "sender MAC")
		assert.Equal(t, vip.AsSlice(), p[14:18], "sender IP")
		assert.Equal(t, vip.AsSlice(), p[24:28], "target IP")
	}
}

func TestAnnounceIPv6(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"2001:db8:11::1/64"}, nil)
	h := open(t, "")
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	stop := v.Capture(t, unix.ETH_P_IPV6)
	vip := netip.MustParseAddr("2001:db8:11::5")
	require.NoError(t, h.Announce(context.Background(), link, vip, 2, 10*time.Millisecond, false))
	time.Sleep(150 * time.Millisecond)
	var nas [][]byte
	for _, f := range stop() {
		// The kernel sends its own MLD and NDP traffic: keep only ours.
		p := f.Payload
		if len(p) >= 72 && p[6] == unix.IPPROTO_ICMPV6 && p[40] == 136 {
			nas = append(nas, p)
			assert.Equal(t, v.HostMAC, f.SrcMAC)
		}
	}
	require.Len(t, nas, 2)
	p := nas[0]
	assert.Equal(t, byte(255), p[7], "hop limit")
	assert.Equal(t, vip.AsSlice(), p[8:24], "source")
	assert.Equal(t, vip.AsSlice(), p[48:64], "target")
	assert.Equal(t, uint32(1<<29), binary.BigEndian.Uint32(p[44:]), "override flag only")
	assert.Equal(t, []byte(v.HostMAC), p[66:72], "target link-layer address")
}

func TestAnnounceNothingOnLoopback(t *testing.T) {
	h := open(t, "")
	lo, err := h.Link("lo")
	require.NoError(t, err)
	assert.True(t, lo.Loopback)
	require.NoError(t, h.Announce(context.Background(), lo, netip.MustParseAddr("127.0.0.2"), 5, time.Second, false))
}

func TestNamespace(t *testing.T) {
	v := netiftest.NewVeth(t, nil, []string{"198.18.12.2/24"})
	h := open(t, v.NS)
	f, err := h.FindIf(netip.MustParseAddr("198.18.12.9"), "", 0, true)
	require.NoError(t, err)
	assert.Equal(t, v.Peer, f.Link)
	link, err := h.Link(v.Peer)
	require.NoError(t, err)
	p := netip.MustParsePrefix("198.18.12.9/24")
	require.NoError(t, h.Add(link, netif.Address{Prefix: p}))
	got, err := h.Has(link, p)
	require.NoError(t, err)
	assert.True(t, got)
	require.NoError(t, h.Announce(context.Background(), link, p.Addr(), 1, 0, false))
	root := open(t, "")
	where, err := root.Where(p)
	require.NoError(t, err)
	assert.Empty(t, where, "the address is in the namespace, not here")
}

func TestConflict(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.13.1/24"}, []string{"198.18.13.2/24"})
	h := open(t, "")
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	ctx := context.Background()

	// The peer's kernel answers probes for its own address.
	mac, err := h.Conflict(ctx, link, netip.MustParseAddr("198.18.13.2"), 2, 100*time.Millisecond, time.Second)
	require.NoError(t, err)
	require.NotNil(t, mac, "the peer holds 198.18.13.2")
	assert.NotEqual(t, v.HostMAC, mac)

	mac, err = h.Conflict(ctx, link, netip.MustParseAddr("198.18.13.9"), 2, 100*time.Millisecond, 500*time.Millisecond)
	require.NoError(t, err)
	assert.Nil(t, mac, "nobody has 198.18.13.9")

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = h.Conflict(short, link, netip.MustParseAddr("198.18.13.9"), 2, time.Second, 10*time.Second)
	require.NoError(t, err, "the context's deadline ends the wait, with no conflict seen")
}

func TestWaitDAD(t *testing.T) {
	// DAD on for the host end; the peer already holds ::5.
	v := netiftest.NewVeth(t, []string{"2001:db8:14::1/64"}, []string{"2001:db8:14::5/64"})
	netiftest.EnableDAD(t, v.Host)
	h := open(t, "")
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	free := netip.MustParsePrefix("2001:db8:14::6/64")
	require.NoError(t, h.Add(link, netif.Address{Prefix: free, PreferredLft: -1}))
	require.NoError(t, h.WaitDAD(ctx, link, free))
	ok, err := h.Has(link, free)
	require.NoError(t, err)
	assert.True(t, ok)

	taken := netip.MustParsePrefix("2001:db8:14::5/64")
	require.NoError(t, h.Add(link, netif.Address{Prefix: taken, PreferredLft: -1}))
	assert.ErrorIs(t, h.WaitDAD(ctx, link, taken), netif.ErrDuplicate)
	ok, err = h.Has(link, taken)
	require.NoError(t, err)
	assert.False(t, ok, "a dadfailed address does not count as present")
	require.NoError(t, h.Del(link, taken))

	assert.NoError(t, h.WaitDAD(ctx, link, netip.MustParsePrefix("198.18.14.1/24")), "IPv4 has no DAD")
}
