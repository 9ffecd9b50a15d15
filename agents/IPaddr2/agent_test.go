package main

import (
	"encoding/binary"
	"net/netip"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/netif"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// ipaddr2 is the built agent as Pacemaker runs it, the resource "vip"
// unless the parameters name another.
func ipaddr2(t *testing.T) agenttest.Agent {
	return agenttest.Agent{
		Bin:    testenv.BuildAgent(t, "IPaddr2"),
		Params: agenttest.Params{"OCF_RESOURCE_INSTANCE": "vip"},
		Check: func(t testing.TB, r agenttest.Result) {
			require.NotContains(t, r.Stderr, "panic", "the agent must never panic")
		},
	}
}

// run runs action with parameters p.
func run(t *testing.T, action string, p agenttest.Params) agenttest.Result {
	t.Helper()
	return ipaddr2(t).Run(t, action, p)
}

// expect runs action with parameters p and fails the test unless it exits
// with code.
func expect(t *testing.T, code int, action string, p agenttest.Params) agenttest.Result {
	t.Helper()
	return ipaddr2(t).Expect(t, code, action, p)
}

// reskeys are the parameters kv (name, value, name, value, ...).
func reskeys(kv ...string) agenttest.Params { return agenttest.Params{}.With(kv...) }

func TestBadInput(t *testing.T) {
	testenv.NeedRoot(t)
	v := netiftest.NewVeth(t, []string{"198.18.20.1/24 brd +"}, nil)
	for _, tc := range []struct {
		name   string
		env    agenttest.Params
		code   int
		reason string
	}{
		{"ip missing", reskeys("nic", v.Host), 6, "required parameter ip is not set"},
		{"ip malformed", reskeys("ip", "198.18.20.256"), 6, "not valid"},
		{"ip not an address", reskeys("ip", "vip.example.com"), 6, "not valid"},
		{"ip with zero first part", reskeys("ip", "0.1.2.3"), 6, "not valid"},
		{"nic does not exist", reskeys("ip", "198.18.20.10", "nic", "ocfkitnone0"), 6, "Invalid interface name [ocfkitnone0]"},
		{"cidr_netmask 33", reskeys("ip", "198.18.20.10", "cidr_netmask", "33"), 6, "Invalid netmask specification [33]"},
		{"cidr_netmask 129 on IPv6", reskeys("ip", "2001:db8::1", "nic", v.Host, "cidr_netmask", "129"), 6, "Invalid netmask"},
		{"dotted netmask not contiguous", reskeys("ip", "198.18.20.10", "cidr_netmask", "255.0.255.0"), 6, "not a contiguous netmask"},
		{"iflabel too long", reskeys("ip", "198.18.20.10", "nic", v.Host, "iflabel", "averylonglabel"), 6, "exceeds maximum character limit of 15"},
		{"no route and no netmask", reskeys("ip", "198.18.99.10"), 6, "Unable to find nic or netmask"},
		{"broadcast malformed", reskeys("ip", "198.18.20.10", "broadcast", "198.18.20"), 6, "broadcast"},
		{"clusterip_hash unknown", reskeys("ip", "198.18.20.10", "clusterip_hash", "destport"), 6, "is not sourceip"},
		{"mac unicast", reskeys("ip", "198.18.20.10", "mac", "02:02:03:04:05:06"), 6, "multicast"},
		{"mac not a MAC", reskeys("ip", "198.18.20.10", "mac", "cluster"), 6, "not a MAC"},
		{"clone on iptables", reskeys("ip", "198.18.20.10", "clusterip_firewall", "iptables").With("CRM_meta_clone_max", "2"), 6, "iptables cluster match is not implemented"},
		{"clone hash seed 0", reskeys("ip", "198.18.20.10", "clusterip_hash_seed", "0").With("CRM_meta_clone_max", "2"), 6, "random seed"},
		{"clone hash seed junk", reskeys("ip", "198.18.20.10", "clusterip_hash_seed", "0xzz").With("CRM_meta_clone_max", "2"), 6, "clusterip_hash_seed"},
		{"clone IPv6 with ARP mangling", reskeys("ip", "2001:db8::1", "nic", v.Host, "cidr_netmask", "64", "clusterip_mac_mangle", "true").With("CRM_meta_clone_max", "2"), 6, "not supported for IPv6"},
		{"clusterip_table set", reskeys("ip", "198.18.20.10", "clusterip_table", "raw"), 6, "iptables backend"},
		{"unique_clone_address without globally_unique", reskeys("ip", "198.18.20.10", "unique_clone_address", "true"), 6, "globally_unique"},
		{"lvs_support on IPv6", reskeys("ip", "2001:db8::1", "nic", v.Host, "cidr_netmask", "64", "lvs_support", "true"), 6, "IPv6 does not support lvs_support"},
		{"lvs_support in a clone", reskeys("ip", "198.18.20.10", "lvs_support", "true").With("CRM_meta_clone_max", "2"), 6, "LVS and load sharing"},
		{"clusterip_firewall unknown", reskeys("ip", "2001:db8::1", "nic", v.Host, "cidr_netmask", "64", "clusterip_firewall", "pf"), 6, "must be auto or nft"},
		{"proto unknown", reskeys("ip", "2001:db8::1", "nic", v.Host, "cidr_netmask", "64", "proto", "bogus"), 6, "not a route protocol"},
		{"arp_sender other", reskeys("ip", "198.18.20.10", "arp_sender", "iputils_arping"), 6, "only send_arp"},
		{"network namespace missing", reskeys("ip", "198.18.20.10", "network_namespace", "ocfkit-none"), 6, "ocfkit-none"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, tc.code, "validate-all", tc.env)
			assert.Contains(t, r.Stderr, "ocf-exit-reason:")
			assert.Contains(t, r.Stderr, tc.reason)
		})
	}
	// Tolerated: a warning and the default, whatever the action.
	for _, env := range []agenttest.Params{
		reskeys("ip", "198.18.20.10", "arp_count", "0"),
		reskeys("ip", "198.18.20.10", "arp_interval", "fast"),
		reskeys("ip", "2001:db8::1", "nic", v.Host, "cidr_netmask", "64", "preferred_lft", "always"),
		reskeys("ip", "198.18.20.10").With("OCF_CHECK_LEVEL", "x"),
		// Outside clone mode the anchor ignores mac; ocfkit says so.
		reskeys("ip", "198.18.20.10", "mac", "01:02:03:04:05:06"),
		// The clone mode's own settings.
		reskeys("ip", "198.18.20.10", "clusterip_hash", "sourceip", "clusterip_firewall", "nft",
			"clusterip_hash_seed", "0x1234abcd", "mac", "01:00:5e:01:02:03", "clusterip_mac_mangle", "true").With("CRM_meta_clone_max", "2"),
	} {
		expect(t, 0, "validate-all", env)
	}
}

func TestActionsBasics(t *testing.T) {
	expect(t, 2, "", nil) // no action
	expect(t, 3, "migrate_to", reskeys("ip", "198.18.20.10"))
	r := expect(t, 0, "meta-data", nil)
	assert.Contains(t, r.Stdout, `<resource-agent name="IPaddr2"`)
	for _, p := range []string{"ip", "nic", "cidr_netmask", "broadcast", "iflabel", "lvs_support", "arp_interval", "arp_count",
		"arp_count_refresh", "arp_bg", "arp_sender", "send_arp_opts", "flush_routes", "run_arping", "nodad",
		"noprefixroute", "preferred_lft", "network_namespace", "clusterip_hash", "unique_clone_address", "mac"} {
		assert.Contains(t, r.Stdout, `<parameter name="`+p+`"`)
	}
}

func hostHas(t *testing.T, link, prefix string) bool {
	h, err := netif.Open("")
	require.NoError(t, err)
	defer h.Close()
	l, err := h.Link(link)
	require.NoError(t, err)
	ok, err := h.Has(l, netip.MustParsePrefix(prefix))
	require.NoError(t, err)
	return ok
}

func TestLifecycleIPv4(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.21.1/24 brd +", "198.18.21.100/24"}, nil)
	env := reskeys("ip", "198.18.21.10", "arp_count", "3", "arp_interval", "50", "iflabel", "vip")
	probe := reskeys("ip", "198.18.21.10").With("CRM_meta_interval", "0")
	recurring := reskeys("ip", "198.18.21.10").With("CRM_meta_interval", "10000")

	expect(t, 7, "monitor", probe) // probe before start
	wait := v.CaptureWait(t, unix.ETH_P_ARP)
	expect(t, 0, "start", env)
	assert.True(t, hostHas(t, v.Host, "198.18.21.10/24"), "netmask from the route")
	expect(t, 0, "monitor", recurring)
	expect(t, 0, "start", env) // start on started

	// Background sender: 3 packets 50 ms apart arrive after start
	// returned; a fourth would show within the settle time.
	forVIP := func(f netiftest.Frame) bool {
		p := f.Payload
		return len(p) >= 28 && netip.AddrFrom4([4]byte(p[14:18])) == netip.MustParseAddr("198.18.21.10")
	}
	var arps int
	for _, f := range wait(forVIP, 3, 10*time.Second, 300*time.Millisecond) {
		p := f.Payload
		if forVIP(f) {
			arps++
			assert.Equal(t, v.HostMAC, f.SrcMAC)
			assert.Equal(t, []byte(v.HostMAC), p[8:14], "sender hardware address")
			assert.Equal(t, uint16(1), binary.BigEndian.Uint16(p[6:]), "request")
		}
	}
	assert.Equal(t, 3, arps, "arp_count packets")

	// The label and broadcast are those the anchor would set.
	out, err := exec.Command("ip", "-o", "-4", "addr", "show", "dev", v.Host).CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "198.18.21.10/24 brd 198.18.21.255 scope global secondary "+v.Host+":vip")

	// Exactness: the interface also carries .100, which must not count.
	require.NoError(t, exec.Command("ip", "addr", "del", "198.18.21.10/24", "dev", v.Host).Run())
	expect(t, 7, "monitor", recurring) // 10 must not match 100

	expect(t, 0, "start", env)
	expect(t, 0, "stop", env)
	assert.False(t, hostHas(t, v.Host, "198.18.21.10/24"))
	assert.True(t, hostHas(t, v.Host, "198.18.21.100/24"), "other addresses untouched")
	expect(t, 0, "stop", env) // stop on stopped
	expect(t, 7, "monitor", recurring)
}

func TestLifecycleIPv6(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"2001:db8:22::1/64"}, nil)
	env := reskeys("ip", "2001:db8:22::10", "nic", v.Host, "arp_count", "2", "arp_interval", "20", "nodad", "true")
	stop := v.Capture(t, unix.ETH_P_IPV6)
	expect(t, 0, "start", env)
	assert.True(t, hostHas(t, v.Host, "2001:db8:22::10/64"))
	var nas int
	for _, f := range stop() { // IPv6 is sent in the foreground: all there
		p := f.Payload
		if len(p) >= 72 && p[6] == unix.IPPROTO_ICMPV6 && p[40] == 136 {
			nas++
			assert.Equal(t, netip.MustParseAddr("2001:db8:22::10").AsSlice(), p[48:64])
			assert.Equal(t, []byte(v.HostMAC), p[66:72])
		}
	}
	assert.Equal(t, 2, nas)
	expect(t, 0, "monitor", env)
	expect(t, 0, "stop", env)
	assert.False(t, hostHas(t, v.Host, "2001:db8:22::10/64"))
	expect(t, 7, "monitor", env)
}

func TestStopWhenInterfaceGone(t *testing.T) {
	testenv.NeedRoot(t)
	env := reskeys("ip", "198.18.23.10", "nic", "ocfkitgone0", "cidr_netmask", "24")
	expect(t, 0, "stop", env) // stop never fails for an absent interface
	expect(t, 7, "monitor", env.With("CRM_meta_interval", "0"))
	expect(t, 7, "monitor", env.With("CRM_meta_interval", "10000"))
}

func TestNetworkNamespace(t *testing.T) {
	v := netiftest.NewVeth(t, nil, []string{"198.18.24.1/24 brd +"})
	env := reskeys("ip", "198.18.24.10", "network_namespace", v.NS, "arp_count", "1")
	expect(t, 0, "start", env)
	out, err := exec.Command("ip", "-n", v.NS, "-o", "addr", "show", "dev", v.Peer).CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "198.18.24.10/24")
	expect(t, 0, "monitor", env)
	expect(t, 0, "stop", env)
	expect(t, 7, "monitor", env)
}

func TestOCFTester(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.25.1/24 brd +"}, nil)
	bin := testenv.BuildAgent(t, "IPaddr2")
	testenv.OCFTester(t, bin, "vip", agenttest.Params{"ip": "198.18.25.10", "nic": v.Host, "cidr_netmask": "24"},
		"HA_LOGFACILITY=none")
}

func TestRunArping(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.26.1/24 brd +"}, []string{"198.18.26.5/24"})
	taken := reskeys("ip", "198.18.26.5", "run_arping", "true", "arp_bg", "false", "arp_count", "1")
	r := expect(t, 1, "start", taken)
	assert.Contains(t, r.Stderr, "ocf-exit-reason:IPv4 address collision 198.18.26.5 [DAD]")
	assert.False(t, hostHas(t, v.Host, "198.18.26.5/24"), "a colliding address is not added")

	free := reskeys("ip", "198.18.26.6", "run_arping", "true", "arp_count", "1")
	expect(t, 0, "start", free)
	assert.True(t, hostHas(t, v.Host, "198.18.26.6/24"))
	expect(t, 0, "stop", free)
}

func TestLVSSupport(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.27.1/24 brd +"}, nil)
	require.NoError(t, exec.Command("ip", "addr", "add", "198.18.27.5/32", "dev", "lo").Run())
	t.Cleanup(func() { exec.Command("ip", "addr", "del", "198.18.27.5/32", "dev", "lo").Run() })
	env := reskeys("ip", "198.18.27.5", "lvs_support", "true", "arp_count", "1")

	expect(t, 0, "start", env)
	assert.False(t, hostHas(t, "lo", "198.18.27.5/32"), "the loopback copy moved aside")
	assert.True(t, hostHas(t, v.Host, "198.18.27.5/24"))
	assert.FileExists(t, agenttest.StateDir(t)+"/198.18.27.5", "recorded as the shell agent records it")

	expect(t, 0, "stop", env)
	assert.False(t, hostHas(t, v.Host, "198.18.27.5/24"))
	assert.True(t, hostHas(t, "lo", "198.18.27.5/32"), "the loopback copy is back")
	assert.NoFileExists(t, agenttest.StateDir(t)+"/198.18.27.5")
}
