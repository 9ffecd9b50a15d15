package multinode

import (
	"fmt"
	"strings"
	"time"
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
	var b strings.Builder
	fmt.Fprintf(&b, "totem {\n\tversion: 2\n\tcluster_name: %s\n\ttransport: knet\n", ClusterName)
	b.WriteString("\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n")
	if token > 0 {
		fmt.Fprintf(&b, "\ttoken: %d\n", token.Milliseconds())
	}
	b.WriteString("}\n\nlogging {\n\tto_stderr: yes\n\tto_logfile: no\n\tto_syslog: no\n\ttimestamp: hires\n}\n\n")
	b.WriteString("quorum {\n\tprovider: corosync_votequorum\n")
	if n == 2 {
		b.WriteString("\ttwo_node: 1\n")
	}
	b.WriteString("}\n\nnodelist {\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "\tnode {\n\t\tname: %s\n\t\tnodeid: %d\n\t\tring0_addr: %s\n\t}\n", NodeName(i), i, NodeAddr(i))
	}
	b.WriteString("}\n")
	return b.String()
}

// seedCIB is the CIB every node starts from (no .sig file beside it:
// pacemaker-based accepts that). dc-deadtime is how long a starting node
// waits for a DC before an election: the default 20 s would dominate every
// test's start.
func seedCIB(props [][2]string) string {
	var b strings.Builder
	b.WriteString(`<cib validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
`)
	for _, p := range props {
		fmt.Fprintf(&b, "        <nvpair id=\"cib-bootstrap-options-%s\" name=\"%s\" value=\"%s\"/>\n", p[0], p[0], p[1])
	}
	b.WriteString(`      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`)
	return b.String()
}
