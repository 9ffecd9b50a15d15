package main

import (
	"testing"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
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

func TestIPv6DuplicateAddress(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"2001:db8:32::1/64"}, []string{"2001:db8:32::5/64"})
	netiftest.EnableDAD(t, v.Host)

	taken := reskeys("ip", "2001:db8:32::5", "nic", v.Host, "arp_count", "1")
	r := run(t, "start", taken)
	assert.Equal(t, 1, r.Code, r.Stderr)
	assert.Contains(t, r.Stderr, "ocf-exit-reason:IPv6 address collision 2001:db8:32::5 [DAD]")
	assert.False(t, hostHas(t, v.Host, "2001:db8:32::5/64"), "the failed address is removed")
	assert.Equal(t, 7, run(t, "monitor", taken).Code)

	free := reskeys("ip", "2001:db8:32::6", "nic", v.Host, "arp_count", "1")
	assert.Equal(t, 0, run(t, "start", free).Code, "waits out DAD, then succeeds")
	assert.Equal(t, 0, run(t, "monitor", free).Code)
	assert.Equal(t, 0, run(t, "stop", free).Code)
}

func testenvRoot(t *testing.T) { testenv.NeedRoot(t) }
