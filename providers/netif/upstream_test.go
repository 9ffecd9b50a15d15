package netif_test

import (
	"net/netip"
	"os/exec"
	"testing"

	"github.com/ocfkit/ocfkit/providers/netif"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// check_link_status reads the operational state from the link itself: a
// veth whose peer is down has lost its carrier (LOWERLAYERDOWN), an
// interface set down is DOWN.
func TestLinkDown(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.31.1/24"}, nil)
	h := open(t, "")
	l, err := h.Link(v.Host)
	require.NoError(t, err)
	assert.False(t, l.LinkDown, "both ends up")

	require.NoError(t, exec.Command("ip", "-n", v.NS, "link", "set", v.Peer, "down").Run())
	l, err = h.Link(v.Host)
	require.NoError(t, err)
	assert.True(t, l.LinkDown, "peer down: no carrier")
	assert.True(t, l.Up, "still administratively up")

	require.NoError(t, exec.Command("ip", "-n", v.NS, "link", "set", v.Peer, "up").Run())
	require.NoError(t, exec.Command("ip", "link", "set", v.Host, "down").Run())
	l, err = h.Link(v.Host)
	require.NoError(t, err)
	assert.True(t, l.LinkDown, "set down")
}

// proto counts only covering routes of that protocol, as
// `ip route list match <ip> proto <p>` in upstream findif.sh.
func TestFindProto(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.32.1/24"}, nil)
	h := open(t, "")
	ip := netip.MustParseAddr("198.18.32.20")
	kernel, err := netif.ParseProto("kernel")
	require.NoError(t, err)
	f, err := h.Find(netif.Query{IP: ip, Proto: kernel})
	require.NoError(t, err)
	assert.Equal(t, v.Host, f.Link)
	assert.Equal(t, 24, f.Bits)

	static, err := netif.ParseProto("static")
	require.NoError(t, err)
	_, err = h.Find(netif.Query{IP: ip, Proto: static})
	assert.ErrorIs(t, err, netif.ErrNoRoute, "the connected route is proto kernel")

	require.NoError(t, exec.Command("ip", "route", "add", "198.18.32.0/28", "dev", v.Host, "proto", "static", "scope", "link").Run())
	f, err = h.Find(netif.Query{IP: netip.MustParseAddr("198.18.32.5"), Proto: static})
	require.NoError(t, err)
	assert.Equal(t, 28, f.Bits)
	f, err = h.Find(netif.Query{IP: netip.MustParseAddr("198.18.32.5"), Proto: kernel})
	require.NoError(t, err)
	assert.Equal(t, 24, f.Bits, "the /28 is not proto kernel")
}

func TestParseProto(t *testing.T) {
	for s, want := range map[string]int{"kernel": 2, "static": 4, "dhcp": 16, "0": 0, "255": 255, "boot": 3} {
		n, err := netif.ParseProto(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, n, s)
	}
	for _, s := range []string{"bogus", "256", "-1", ""} {
		_, err := netif.ParseProto(s)
		assert.Error(t, err, s)
	}
}

// An IPv6 address label is set and removed through netlink, and reads back
// as `ip addrlabel list` shows it.
func TestAddressLabel(t *testing.T) {
	netiftest.NewVeth(t, nil, nil) // root, and the ip command
	h := open(t, "")
	ip := netip.MustParseAddr("2001:db8:33::10")
	t.Cleanup(func() { h.DelLabel(ip, 99) })
	require.NoError(t, h.AddLabel(ip, 99))
	require.NoError(t, h.AddLabel(ip, 99), "a label already there is no error")
	labels, err := h.Labels()
	require.NoError(t, err)
	assert.Equal(t, uint32(99), labels[ip])
	out, err := exec.Command("ip", "addrlabel", "list").CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "prefix 2001:db8:33::10/128 label 99")

	require.NoError(t, h.DelLabel(ip, 99))
	require.NoError(t, h.DelLabel(ip, 99), "a label already gone is no error")
	labels, err = h.Labels()
	require.NoError(t, err)
	_, has := labels[ip]
	assert.False(t, has)
	assert.Error(t, h.AddLabel(netip.MustParseAddr("198.18.33.1"), 99))
}

// An IPv6 address added with a metric gets its prefix route with that
// metric, as `ip addr add ... metric N` (upstream IPaddr2 passes the
// covering route's metric).
func TestAddIPv6Metric(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"2001:db8:34::1/64"}, nil)
	h := open(t, "")
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	f, err := h.Find(netif.Query{IP: netip.MustParseAddr("2001:db8:34::10"), Proto: -1})
	require.NoError(t, err)
	assert.Equal(t, 256, f.Metric, "the kernel's default IPv6 metric")

	vip := netip.MustParsePrefix("2001:db8:35::10/64")
	require.NoError(t, h.Add(link, netif.Address{Prefix: vip, NoDAD: true, PreferredLft: -1, Metric: 1024}))
	assert.ErrorIs(t, h.Add(link, netif.Address{Prefix: vip, Metric: 1024}), netif.ErrExists)
	has, err := h.Has(link, vip)
	require.NoError(t, err)
	assert.True(t, has)
	out, err := exec.Command("ip", "-6", "route", "show", "2001:db8:35::/64", "dev", v.Host).CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "metric 1024")
	out, err = exec.Command("ip", "-6", "addr", "show", "dev", v.Host).CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "2001:db8:35::10/64")
	assert.Contains(t, string(out), "nodad")
	require.NoError(t, h.Del(link, vip))

	lft := netip.MustParsePrefix("2001:db8:35::11/64")
	require.NoError(t, h.Add(link, netif.Address{Prefix: lft, NoDAD: true, PreferredLft: 0, Metric: 300}))
	out, _ = exec.Command("ip", "-6", "addr", "show", "dev", v.Host).CombinedOutput()
	assert.Contains(t, string(out), "deprecated", "preferred_lft 0")
	require.NoError(t, h.Del(link, lft))
}

// In a named namespace the label goes to that namespace, not to ours.
func TestAddressLabelInNamespace(t *testing.T) {
	v := netiftest.NewVeth(t, nil, nil)
	h := open(t, v.NS)
	ip := netip.MustParseAddr("2001:db8:36::10")
	require.NoError(t, h.AddLabel(ip, 98))
	out, err := exec.Command("ip", "-n", v.NS, "addrlabel", "list").CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "prefix 2001:db8:36::10/128 label 98")
	out, err = exec.Command("ip", "addrlabel", "list").CombinedOutput()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "2001:db8:36::10")
	labels, err := h.Labels()
	require.NoError(t, err)
	assert.Equal(t, uint32(98), labels[ip])
	require.NoError(t, h.DelLabel(ip, 98))
}
