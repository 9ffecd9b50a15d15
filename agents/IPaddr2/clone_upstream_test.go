package main

import (
	"fmt"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/clusterip"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// nftIn runs nft in the node's namespace.
func (n *cloneNode) nft(t *testing.T, args ...string) string {
	t.Helper()
	nft := testenv.NeedCmd(t, "nft")
	out, err := exec.Command("ip", append([]string{"netns", "exec", n.v.NS, nft}, args...)...).CombinedOutput()
	require.NoError(t, err, "nft %v: %s", args, out)
	return string(out)
}

// The rules ocfkit makes are the ones upstream's clusterip_firewall=nft
// makes with nft (its hash is the source address: clusterip_hash=
// sourceip), as nft itself lists them (nft shows "== 1" as "1"); and the other way round, ocfkit's
// monitor and stop work on the rules upstream's nft commands made, so a
// node can switch agents with the rules in place.
func TestCloneRulesAreUpstreams(t *testing.T) {
	n := newCloneNode(t, "198.18.74")
	const ip = "198.18.74.10"
	i0 := n.instance(ip, 0, 2).With("clusterip_hash", "sourceip")
	t.Cleanup(func() { run(t, "stop", i0) })
	seed, _ := clusterip.Derive(netip.MustParseAddr(ip), 24, netip.MustParseAddr("198.18.74.255"))
	table := clusterip.TableName(netip.MustParseAddr(ip))

	expect(t, 0, "start", i0)
	listed := n.nft(t, "list", "table", "ip", table)
	for _, want := range []string{
		"type filter hook prerouting priority mangle; policy accept;",
		fmt.Sprintf(`iif "%s" ip daddr %s jhash ip saddr mod 2 seed 0x%08x offset 1 1 meta pkttype set host accept comment "cip-node-1"`,
			n.v.Peer, ip, seed),
		fmt.Sprintf(`iif "%s" ip daddr %s drop`, n.v.Peer, ip),
	} {
		assert.Contains(t, listed, want)
	}
	// The bucket rule comes before the drop.
	assert.Less(t, strings.Index(listed, "cip-node-1"), strings.Index(listed, " drop"))

	// Upstream's start of instance 1 (cip_node insert), with nft.
	n.nft(t, "insert", "rule", "ip", table, "prerouting", "iif", n.v.Peer, "ip", "daddr", ip,
		"jhash", "ip", "saddr", "mod", "2", "seed", fmt.Sprintf("0x%08x", seed), "offset", "1", "==", "2",
		"meta", "pkttype", "set", "host", "accept", "comment", `"cip-node-2"`)
	// nft lists the rule it made as it lists ocfkit's, but for the bucket.
	lines := map[string]string{}
	for _, l := range strings.Split(n.nft(t, "list", "table", "ip", table), "\n") {
		for _, c := range []string{"cip-node-1", "cip-node-2"} {
			if strings.Contains(l, c) {
				lines[c] = strings.TrimSpace(l)
			}
		}
	}
	require.Len(t, lines, 2)
	assert.Equal(t, lines["cip-node-1"], strings.NewReplacer("offset 1 2", "offset 1 1", "cip-node-2", "cip-node-1").Replace(lines["cip-node-2"]))
	i1 := n.instance(ip, 1, 2).With("clusterip_hash", "sourceip")
	expect(t, 0, "monitor", i1)
	expect(t, 0, "stop", i0)
	assert.NotContains(t, n.nft(t, "list", "table", "ip", table), "cip-node-1")
	expect(t, 0, "stop", i1)
	out, err := exec.Command("ip", "netns", "exec", n.v.NS, "nft", "list", "tables").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.NotContains(t, string(out), table, "the last stop removed upstream's rule and the table")
}
