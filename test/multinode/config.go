package multinode

import (
	"fmt"
	"time"

	"github.com/ocfkit/ocfkit/test/cluster"
)

// ClusterName is the name of every multinode test cluster.
const ClusterName = "ocfkit-multi"

// The nodes, the client and the switch share one private subnet. It exists
// only in the test's network namespaces.
const (
	subnetPrefix = "10.213.0."
	prefixLen    = 24
	// SwitchAddr is the bridge's own address in the switch namespace, where
	// the harness serves its fence control and the tests their API fakes.
	SwitchAddr = subnetPrefix + "254"
	// ClientAddr is the client namespace's address.
	ClientAddr = subnetPrefix + "100"
)

// Subnet is the nodes' subnet in CIDR notation.
const Subnet = subnetPrefix + "0/24"

// NodeAddr is the address of node i (1-based) on the bridge.
func NodeAddr(i int) string { return fmt.Sprintf("%s%d", subnetPrefix, i) }

// NodeName is the name of node i (1-based): node1, node2, ...
func NodeName(i int) string { return fmt.Sprintf("node%d", i) }

// corosyncConf is a knet cluster over the bridge with crypto (the authkey
// is written beside it). Two nodes use two_node (which implies
// wait_for_all); three and more use plain majority quorum.
func corosyncConf(n int, token time.Duration) string {
	c := cluster.Corosync{Name: ClusterName, Crypto: true, Token: token, TwoNode: n == 2}
	for i := 1; i <= n; i++ {
		c.Nodes = append(c.Nodes, cluster.CorosyncNode{Name: NodeName(i), Addr: NodeAddr(i)})
	}
	return c.String()
}
