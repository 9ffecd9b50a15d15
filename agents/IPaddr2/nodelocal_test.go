package main

import (
	"net/netip"
	"testing"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			r := run(t, "start", tc.env)
			assert.Equal(t, 2, r.Code, r.Stderr)
			assert.Contains(t, r.Stderr, "ocf-exit-reason:")
			assert.Equal(t, 6, run(t, "validate-all", tc.env).Code)
			assert.Equal(t, 7, run(t, "monitor", tc.env.With("CRM_meta_interval", "0")).Code, "probe")
			assert.Equal(t, 7, run(t, "monitor", tc.env.With("CRM_meta_interval", "10000")).Code, "recurring")
			assert.Equal(t, 0, run(t, "stop", tc.env).Code, "stop never fails here")
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
		r := run(t, "stop", env)
		assert.Equal(t, 0, r.Code, "%v: %s", env, r.Stderr)
		assert.NotEqual(t, 0, run(t, "start", env).Code, "%v", env)
	}
}

// A probe never says "not running" for an address that is up because
// ocfkit refuses a parameter that does not name it: mac only serves the
// CLUSTERIP mode, and the anchor runs the address with it set (ocfkit's
// probe used to say 7 and its recurring monitor 6). Start still refuses it.
func TestProbeDespiteRefusedParameter(t *testing.T) {
	testenvRoot(t)
	v := netiftest.NewVeth(t, []string{"198.18.33.1/24 brd +"}, nil)
	p := reskeys("ip", "198.18.33.10", "nic", v.Host, "cidr_netmask", "24")
	require.Equal(t, 0, run(t, "start", p).Code)
	t.Cleanup(func() { run(t, "stop", p) })
	for _, bad := range []agenttest.Params{
		p.With("mac", "02:00:00:00:00:01"),
		p.With("clusterip_hash", "sourceip"),
		p.With("cidr_netmask", "40"),
		p.With("arp_sender", "libnet_arping"),
		p.With("broadcast", "junk"),
		p.With("iflabel", "averylonglabel"),
	} {
		assert.Equal(t, 0, run(t, "monitor", bad).Code, "probe %v", bad)
		r := run(t, "monitor", bad.With("OCF_RESKEY_CRM_meta_interval", "10000"))
		assert.Equal(t, 0, r.Code, "recurring monitor %v: %s", bad, r.Stderr)
	}
	assert.Equal(t, 6, run(t, "start", p.With("mac", "02:00:00:00:00:01")).Code)
	assert.Equal(t, 7, run(t, "monitor", p.With("ip", "junk")).Code, "no address to look for")
	assert.Equal(t, 0, run(t, "stop", p.With("mac", "02:00:00:00:00:01")).Code)
	assert.Equal(t, 7, run(t, "monitor", p).Code, "stop took the address down")
}

func TestIPv6DuplicateAddress(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"2001:db8:32::1/64"}, []string{"2001:db8:32::5/64"})
	netiftest.EnableDAD(t, v.Host)

	taken := reskeys("ip", "2001:db8:32::5", "nic", v.Host, "arp_count", "1")
	r := run(t, "start", taken)
	assert.Equal(t, 1, r.Code, r.Stderr)
	assert.Contains(t, r.Stderr, "ocf-exit-reason:IPv6 address collision 2001:db8:32::5 [DAD]")
	assert.False(t, hostHas(t, v.Host, "2001:db8:32::5/64"), "the failed address is removed")
	_, labelled := addrLabels(t)[netip.MustParseAddr("2001:db8:32::5")]
	assert.False(t, labelled, "and its address label")
	assert.Equal(t, 7, run(t, "monitor", taken).Code)

	free := reskeys("ip", "2001:db8:32::6", "nic", v.Host, "arp_count", "1")
	assert.Equal(t, 0, run(t, "start", free).Code, "waits out DAD, then succeeds")
	assert.Equal(t, 0, run(t, "monitor", free).Code)
	assert.Equal(t, 0, run(t, "stop", free).Code)
}

func testenvRoot(t *testing.T) { testenv.NeedRoot(t) }
