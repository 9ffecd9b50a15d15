package main

import (
	"net/netip"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/netif"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
)

// check_link_status (upstream, default true): with the address up and the
// carrier gone, a recurring monitor says 7 and start says 5, as upstream; a
// probe says 1 (upstream 7), so that Pacemaker removes the address here
// before it starts it elsewhere.
func TestCheckLinkStatus(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.41.1/24"}, nil)
	env := reskeys("ip", "198.18.41.10", "arp_count", "1")
	recurring := env.With("CRM_meta_interval", "10000")
	probe := env.With("CRM_meta_interval", "0")
	expect(t, 0, "start", env)
	expect(t, 0, "monitor", recurring)

	require.NoError(t, exec.Command("ip", "-n", v.NS, "link", "set", v.Peer, "down").Run())
	r := expect(t, 7, "monitor", recurring)
	r = expect(t, 1, "monitor", probe)
	assert.Contains(t, r.Reason(), "status down")
	r = expect(t, 5, "start", env)
	assert.Contains(t, r.Reason(), "device has status down")
	for _, off := range []string{"false", "maybe", "Yes"} { // ocf_is_true: all false
		expect(t, 0, "monitor", recurring.With("check_link_status", off))
	}
	expect(t, 7, "monitor", recurring.With("check_link_status", "ja")) // ja is true

	expect(t, 0, "stop", env)
	assert.False(t, hostHas(t, v.Host, "198.18.41.10/24"), "stop removes it all the same")
	expect(t, 7, "monitor", probe)
}

// netmask is the legacy name of cidr_netmask.
func TestNetmaskAlias(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.42.1/24"}, nil)
	env := reskeys("ip", "198.18.42.10", "netmask", "28", "arp_count", "1")
	expect(t, 0, "start", env)
	assert.True(t, hostHas(t, v.Host, "198.18.42.10/28"))
	expect(t, 0, "stop", env)
	env = env.With("cidr_netmask", "27")
	expect(t, 0, "start", env)
	assert.True(t, hostHas(t, v.Host, "198.18.42.10/27"), "cidr_netmask wins")
	expect(t, 0, "stop", env)
}

// lvs_ipv6_addrlabel (upstream default true): the address gets label
// lvs_ipv6_addrlabel_value while it is up.
func TestIPv6AddressLabel(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"2001:db8:43::1/64"}, nil)
	ip := netip.MustParseAddr("2001:db8:43::10")
	labels := func() map[netip.Addr]uint32 { return addrLabels(t) }
	env := reskeys("ip", ip.String(), "nic", v.Host, "cidr_netmask", "64", "nodad", "true", "arp_count", "1")
	expect(t, 0, "start", env)
	assert.Equal(t, uint32(99), labels()[ip])
	expect(t, 0, "stop", env)
	_, has := labels()[ip]
	assert.False(t, has, "stop removes the label")

	env2 := env.With("lvs_ipv6_addrlabel_value", "77")
	expect(t, 0, "start", env2)
	assert.Equal(t, uint32(77), labels()[ip])
	expect(t, 0, "stop", env2)

	off := env.With("lvs_ipv6_addrlabel", "false")
	expect(t, 0, "start", off)
	_, has = labels()[ip]
	assert.False(t, has, "lvs_ipv6_addrlabel=false")
	expect(t, 0, "stop", off)
}

// proto: only a covering route of that protocol names the network.
func TestProto(t *testing.T) {
	netiftest.NewVeth(t, []string{"198.18.44.1/24"}, nil)
	expect(t, 0, "validate-all", reskeys("ip", "198.18.44.10", "proto", "kernel"))
	r := expect(t, 6, "validate-all", reskeys("ip", "198.18.44.10", "proto", "static"))
	assert.Contains(t, r.Reason(), "Unable to find nic or netmask")
	r = expect(t, 6, "validate-all", reskeys("ip", "198.18.44.10", "proto", "bogus", "check_link_status", "maybe"))
	assert.Contains(t, r.Reason(), "proto")
}

// IPv6: the address's prefix route gets the metric of the route that
// covers it, as upstream passes findif's metric to ip addr add.
func TestIPv6Metric(t *testing.T) {
	v := netiftest.NewVeth(t, nil, nil)
	require.NoError(t, exec.Command("ip", "addr", "add", "2001:db8:45::1/64", "dev", v.Host, "metric", "700").Run())
	env := reskeys("ip", "2001:db8:45::10", "nodad", "true", "arp_count", "1", "lvs_ipv6_addrlabel", "false")
	expect(t, 0, "start", env)
	out, err := exec.Command("ip", "-6", "route", "show", "2001:db8:45::/64", "dev", v.Host).CombinedOutput()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "metric 256", "no second route with the default metric: %s", out)
	assert.Contains(t, string(out), "metric 700")
	assert.True(t, hostHas(t, v.Host, "2001:db8:45::10/64"))
	expect(t, 0, "stop", env)
}

// addrLabels are the IPv6 address labels of single addresses on this host.
func addrLabels(t *testing.T) map[netip.Addr]uint32 {
	t.Helper()
	h, err := netif.Open("")
	require.NoError(t, err)
	defer h.Close()
	l, err := h.Labels()
	require.NoError(t, err)
	return l
}
