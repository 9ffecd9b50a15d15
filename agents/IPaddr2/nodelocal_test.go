package main

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// What is missing on one node (an interface, a route, a namespace) bans
// the address from that node only (ERR_ARGS), so it can come up where the
// network is in order; validate-all still calls it a configuration error.
func TestNodeLocalProblems(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.30.1/24 brd +"}, nil)
	_ = v
	for _, tc := range []struct {
		name string
		env  agenttest.Params
	}{
		{"no route", reskeys("ip", "198.18.31.10")},
		{"no such interface", reskeys("ip", "198.18.30.10", "nic", "ocfkitnone1", "cidr_netmask", "24")},
		{"no such namespace", reskeys("ip", "198.18.30.10", "network_namespace", "ocfkit-absent")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, 2, "start", tc.env)
			assert.Contains(t, r.Stderr, "ocf-exit-reason:")
			expect(t, 6, "validate-all", tc.env)
			expect(t, 7, "monitor", tc.env.With("CRM_meta_interval", "0"))     // probe
			expect(t, 7, "monitor", tc.env.With("CRM_meta_interval", "10000")) // recurring
			expect(t, 0, "stop", tc.env)                                       // stop never fails here
		})
	}
}

// A stop whose configuration does not parse has nothing to remove: start
// refuses such a configuration, so no address can have come from it.
func TestStopWithUnreadableConfiguration(t *testing.T) {
	testenvRoot(t)
	for _, env := range []agenttest.Params{
		reskeys("nic", "eth0"),
		reskeys("ip", "198.18.30.256"),
		reskeys("ip", "198.18.30.10", "cidr_netmask", "40"),
		reskeys("ip", "198.18.30.10", "CRM_meta_clone_max", "2"),
		reskeys("ip", "198.18.30.10", "arp_sender", "libnet_arping"),
	} {
		expect(t, 0, "stop", env)
		assert.NotEqual(t, 0, run(t, "start", env).Code, "%v", env)
	}
}

// A probe never says "not running" for an address that is up because
// ocfkit refuses a parameter that does not name it: a unicast mac (the
// cluster MAC must be multicast), which the anchor ignores outside clone
// mode (ocfkit's probe used to say 7 and its recurring monitor 6). Start
// still refuses it.
func TestProbeDespiteRefusedParameter(t *testing.T) {
	testenvRoot(t)
	v := netiftest.NewVeth(t, []string{"198.18.33.1/24 brd +"}, nil)
	p := reskeys("ip", "198.18.33.10", "nic", v.Host, "cidr_netmask", "24")
	expect(t, 0, "start", p)
	t.Cleanup(func() { run(t, "stop", p) })
	for _, bad := range []agenttest.Params{
		p.With("mac", "02:00:00:00:00:01"),
		p.With("clusterip_hash", "bogus"),
		p.With("cidr_netmask", "40"),
		p.With("arp_sender", "libnet_arping"),
		p.With("broadcast", "junk"),
		p.With("iflabel", "averylonglabel"),
	} {
		expect(t, 0, "monitor", bad)
		expect(t, 0, "monitor", bad.With("OCF_RESKEY_CRM_meta_interval", "10000"))
	}
	expect(t, 6, "start", p.With("mac", "02:00:00:00:00:01"))
	expect(t, 7, "monitor", p.With("ip", "junk")) // no address to look for
	expect(t, 0, "stop", p.With("mac", "02:00:00:00:00:01"))
	expect(t, 7, "monitor", p) // stop took the address down
}

func TestIPv6DuplicateAddress(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"2001:db8:32::1/64"}, []string{"2001:db8:32::5/64"})
	netiftest.EnableDAD(t, v.Host)

	taken := reskeys("ip", "2001:db8:32::5", "nic", v.Host, "arp_count", "1")
	r := expect(t, 1, "start", taken)
	assert.Contains(t, r.Stderr, "ocf-exit-reason:IPv6 address collision 2001:db8:32::5 [DAD]")
	assert.False(t, hostHas(t, v.Host, "2001:db8:32::5/64"), "the failed address is removed")
	_, labelled := addrLabels(t)[netip.MustParseAddr("2001:db8:32::5")]
	assert.False(t, labelled, "and its address label")
	expect(t, 7, "monitor", taken)

	free := reskeys("ip", "2001:db8:32::6", "nic", v.Host, "arp_count", "1")
	expect(t, 0, "start", free) // waits out DAD, then succeeds
	expect(t, 0, "monitor", free)
	expect(t, 0, "stop", free)
}

func testenvRoot(t *testing.T) { testenv.NeedRoot(t) }
