package main

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netns"

	"github.com/ocfkit/ocfkit/providers/clusterip"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/agenttest"
)

// cloneNode is a node of a load-sharing clone played by the peer
// namespace of a veth pair: the agent runs with network_namespace, so its
// address and rules stay in the test's namespace.
type cloneNode struct {
	v    *netiftest.Veth
	rule *clusterip.Conn
	link int
}

func newCloneNode(t *testing.T, subnet string) *cloneNode {
	t.Helper()
	v := netiftest.NewVeth(t, []string{subnet + ".1/24"}, []string{subnet + ".2/24 brd +"})
	ns, err := netns.GetFromName(v.NS)
	require.NoError(t, err)
	t.Cleanup(func() { ns.Close() })
	conn, err := clusterip.Open(int(ns))
	require.NoError(t, err)
	out, err := exec.Command("ip", "-n", v.NS, "-o", "link", "show", v.Peer).CombinedOutput()
	require.NoError(t, err, "%s", out)
	var link int
	_, err = fmt.Sscanf(string(out), "%d:", &link)
	require.NoError(t, err)
	return &cloneNode{v: v, rule: conn, link: link}
}

// instance is clone instance i of clone-max total for ip on the node.
func (n *cloneNode) instance(ip string, i, total int) agenttest.Params {
	return reskeys("ip", ip, "nic", n.v.Peer, "cidr_netmask", "24", "network_namespace", n.v.NS,
		"OCF_RESOURCE_INSTANCE", "cip", "OCF_RESKEY_CRM_meta_clone", strconv.Itoa(i),
		"OCF_RESKEY_CRM_meta_clone_max", strconv.Itoa(total), "OCF_RESKEY_CRM_meta_globally_unique", "true")
}

func (n *cloneNode) buckets(t *testing.T, ip string) ([]int, bool) {
	t.Helper()
	nodes, exists, err := n.rule.Nodes(netip.MustParseAddr(ip))
	require.NoError(t, err)
	return nodes, exists
}

func (n *cloneNode) addrUp(t *testing.T, ip string) bool {
	t.Helper()
	out, err := exec.Command("ip", "-n", n.v.NS, "-o", "addr", "show", "dev", n.v.Peer).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.Contains(string(out), " "+ip+"/24 ")
}

func (n *cloneNode) maddrs(t *testing.T) []string {
	t.Helper()
	m, err := n.rule.Maddrs(n.link)
	require.NoError(t, err)
	var out []string
	for _, a := range m {
		out = append(out, a.String())
	}
	return out
}

// Two instances of a two-instance clone on one node (clone-node-max 2, as
// when the other node is down): the first makes the table, each adds its
// bucket, the last to stop removes the table, the multicast MAC and the
// address; each instance's monitor sees its own bucket only.
func TestCloneInstancesOnOneNode(t *testing.T) {
	n := newCloneNode(t, "198.18.70")
	const ip = "198.18.70.10"
	i0, i1 := n.instance(ip, 0, 2), n.instance(ip, 1, 2)
	t.Cleanup(func() { run(t, "stop", i0); run(t, "stop", i1) })
	_, mac := clusterip.Derive(netip.MustParseAddr(ip), 24, netip.MustParseAddr("198.18.70.255"))

	expect(t, 7, "monitor", i0) // probe
	expect(t, 0, "validate-all", i0)
	expect(t, 0, "start", i0)
	nodes, exists := n.buckets(t, ip)
	assert.True(t, exists)
	assert.Equal(t, []int{1}, nodes)
	assert.True(t, n.addrUp(t, ip))
	assert.Contains(t, n.maddrs(t), mac.String(), "the cluster MAC, derived as upstream derives it")
	expect(t, 0, "monitor", i0.With("OCF_RESKEY_CRM_meta_interval", "10000"))
	expect(t, 7, "monitor", i1) // a probe of the other instance: its bucket is not here
	expect(t, 0, "start", i0)   // start on started
	expect(t, 0, "start", i1)
	nodes, _ = n.buckets(t, ip)
	assert.ElementsMatch(t, []int{1, 2}, nodes)

	expect(t, 0, "stop", i0)
	nodes, _ = n.buckets(t, ip)
	assert.Equal(t, []int{2}, nodes)
	assert.True(t, n.addrUp(t, ip), "the other instance still serves the address")
	expect(t, 7, "monitor", i0)
	expect(t, 0, "monitor", i1)

	expect(t, 0, "stop", i1)
	_, exists = n.buckets(t, ip)
	assert.False(t, exists, "the last instance removes the table")
	assert.False(t, n.addrUp(t, ip))
	assert.NotContains(t, n.maddrs(t), mac.String())
	expect(t, 0, "stop", i1) // stop on stopped
	expect(t, 7, "monitor", i1)
}

// Two cluster addresses on one node: each has its own table, and the stop
// of one leaves the other's rules alone.
func TestTwoClusterAddresses(t *testing.T) {
	n := newCloneNode(t, "198.18.71")
	a, b := n.instance("198.18.71.10", 0, 2), n.instance("198.18.71.11", 1, 3).With("clusterip_hash", "sourceip")
	t.Cleanup(func() { run(t, "stop", a); run(t, "stop", b) })
	expect(t, 0, "start", a)
	expect(t, 0, "start", b)
	expect(t, 0, "stop", a)
	nodes, exists := n.buckets(t, "198.18.71.11")
	assert.True(t, exists)
	assert.Equal(t, []int{2}, nodes)
	expect(t, 0, "monitor", b)
	_, exists = n.buckets(t, "198.18.71.10")
	assert.False(t, exists)
	expect(t, 0, "stop", b)
}

// The address up without its rules answers every client: no instance can
// call that "not running", probe or not.
func TestAddressWithoutRules(t *testing.T) {
	n := newCloneNode(t, "198.18.72")
	const ip = "198.18.72.10"
	plain := reskeys("ip", ip, "nic", n.v.Peer, "cidr_netmask", "24", "network_namespace", n.v.NS)
	expect(t, 0, "start", plain)
	t.Cleanup(func() { run(t, "stop", plain) })
	i0 := n.instance(ip, 0, 2)
	r := expect(t, 1, "monitor", i0)
	assert.Contains(t, r.Reason(), "without its cluster rules")
	expect(t, 1, "monitor", i0.With("OCF_RESKEY_CRM_meta_interval", "10000"))
	// A start completes the clone: rules added, the address kept.
	expect(t, 0, "start", i0)
	expect(t, 0, "monitor", i0)
	expect(t, 0, "stop", i0)
	assert.False(t, n.addrUp(t, ip))
}

// A clone configuration that cannot share the load is refused at start;
// a stop with it still removes what a good start made, and a probe still
// sees the instance running.
func TestCloneBadConfigurationStops(t *testing.T) {
	n := newCloneNode(t, "198.18.73")
	const ip = "198.18.73.10"
	i0 := n.instance(ip, 0, 2)
	t.Cleanup(func() { run(t, "stop", i0) })
	bad := i0.With("clusterip_hash", "destport")
	expect(t, 6, "validate-all", bad)
	expect(t, 6, "start", bad)
	expect(t, 6, "start", i0.With("clusterip_hash_seed", "0"))
	_, exists := n.buckets(t, ip)
	assert.False(t, exists, "a refused start makes nothing")

	expect(t, 0, "start", i0)
	expect(t, 0, "monitor", bad) // probe
	expect(t, 0, "stop", bad.With("mac", "02:00:00:00:00:01"))
	_, exists = n.buckets(t, ip)
	assert.False(t, exists, "the stop removed the table")
	assert.False(t, n.addrUp(t, ip))
}

// IPv6: the table is in family ip6, neighbour advertisements for the
// address are let through, the MAC is 33:33:..., and the address goes up
// without duplicate detection (the other nodes hold it by design).
func TestCloneIPv6(t *testing.T) {
	n := newCloneNode(t, "198.18.75")
	const ip = "2001:db8:75::10"
	i0 := reskeys("ip", ip, "nic", n.v.Peer, "cidr_netmask", "64", "network_namespace", n.v.NS,
		"OCF_RESKEY_CRM_meta_clone", "0", "OCF_RESKEY_CRM_meta_clone_max", "2")
	t.Cleanup(func() { run(t, "stop", i0) })
	expect(t, 0, "start", i0)
	nodes, exists := n.buckets(t, ip)
	assert.True(t, exists)
	assert.Equal(t, []int{1}, nodes)
	_, mac := clusterip.Derive(netip.MustParseAddr(ip), 64, netip.Addr{})
	assert.Equal(t, "33:33", mac.String()[:5])
	assert.Contains(t, n.maddrs(t), mac.String())
	out, err := exec.Command("ip", "-n", n.v.NS, "-o", "addr", "show", "dev", n.v.Peer).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), ip+"/64")
	assert.Contains(t, string(out), "nodad")
	expect(t, 0, "monitor", i0)
	expect(t, 0, "stop", i0)
	_, exists = n.buckets(t, ip)
	assert.False(t, exists)
}

// The interface gone (the veth deleted): stop still removes the address's
// table, named by the address, instead of leaving the drop rule behind.
func TestCloneStopWithoutInterface(t *testing.T) {
	n := newCloneNode(t, "198.18.76")
	const ip = "198.18.76.10"
	i0 := n.instance(ip, 0, 2)
	t.Cleanup(func() { run(t, "stop", i0) })
	expect(t, 0, "start", i0)
	out, err := exec.Command("ip", "-n", n.v.NS, "link", "del", n.v.Peer).CombinedOutput()
	require.NoError(t, err, "%s", out)
	_, exists := n.buckets(t, ip)
	require.True(t, exists)
	expect(t, 7, "monitor", i0)
	expect(t, 0, "stop", i0)
	_, exists = n.buckets(t, ip)
	assert.False(t, exists, "the stop removed the table")
}

// A stop whose state directory is unusable (HA_RSCTMP a regular file, so
// no lock file can be made) still removes the rules and returns 0.
func TestCloneStopWithoutStateDir(t *testing.T) {
	n := newCloneNode(t, "198.18.77")
	const ip = "198.18.77.10"
	i0 := n.instance(ip, 0, 2)
	t.Cleanup(func() { run(t, "stop", i0) })
	expect(t, 0, "start", i0)
	notDir := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(notDir, nil, 0o644))
	log := filepath.Join(t.TempDir(), "agents.log")
	expect(t, 0, "stop", i0.With("HA_RSCTMP", notDir, "HA_LOGFILE", log))
	b, err := os.ReadFile(log)
	require.NoError(t, err)
	assert.Contains(t, string(b), "without the lock")
	_, exists := n.buckets(t, ip)
	assert.False(t, exists, "the stop removed the table")
	assert.False(t, n.addrUp(t, ip))
}
