package cluster

import (
	"fmt"
	"strings"
	"time"
)

// ClusterName is the name of every test cluster.
const ClusterName = "ocfkit-test"

// corosyncConf is a one-node knet cluster on loopback. No crypto: there is
// no second node to authenticate, and so no authkey to create or protect.
func corosyncConf(node string) string {
	return Corosync{Name: ClusterName, Nodes: []CorosyncNode{{node, "127.0.0.1"}},
		Token: time.Second, Join: 50 * time.Millisecond, Consensus: 1200 * time.Millisecond, ExpectedVotes: 1}.String()
}

// Corosync is a corosync.conf of a test cluster: knet, votequorum, logging
// to stderr only (the harnesses capture it).
type Corosync struct {
	Name  string
	Nodes []CorosyncNode // node ids from 1, in order
	// Crypto is aes256/sha256, with an authkey beside the file; otherwise
	// none.
	Crypto                 bool
	Token, Join, Consensus time.Duration // 0: corosync's default
	TwoNode                bool          // two_node: 1 (which implies wait_for_all)
	// ExpectedVotes fixes the vote count (0: from the node list); it comes
	// with an explicit two_node: 0, as the single-node harness always wrote.
	ExpectedVotes int
}

// CorosyncNode is a node's name and ring0 address.
type CorosyncNode struct{ Name, Addr string }

func (c Corosync) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "totem {\n\tversion: 2\n\tcluster_name: %s\n\ttransport: knet\n", c.Name)
	if c.Crypto {
		b.WriteString("\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n")
	} else {
		b.WriteString("\tcrypto_cipher: none\n\tcrypto_hash: none\n")
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"token", c.Token}, {"join", c.Join}, {"consensus", c.Consensus}} {
		if d.v > 0 {
			fmt.Fprintf(&b, "\t%s: %d\n", d.name, d.v.Milliseconds())
		}
	}
	b.WriteString("}\n\nlogging {\n\tto_stderr: yes\n\tto_logfile: no\n\tto_syslog: no\n\ttimestamp: hires\n}\n\n")
	b.WriteString("quorum {\n\tprovider: corosync_votequorum\n")
	if c.TwoNode {
		b.WriteString("\ttwo_node: 1\n")
	} else if c.ExpectedVotes > 0 {
		b.WriteString("\ttwo_node: 0\n")
	}
	if c.ExpectedVotes > 0 {
		fmt.Fprintf(&b, "\texpected_votes: %d\n", c.ExpectedVotes)
	}
	b.WriteString("}\n\nnodelist {\n")
	for i, n := range c.Nodes {
		fmt.Fprintf(&b, "\tnode {\n\t\tname: %s\n\t\tnodeid: %d\n\t\tring0_addr: %s\n\t}\n", n.Name, i+1, n.Addr)
	}
	b.WriteString("}\n")
	return b.String()
}

// properties are the cluster options written into the fresh CIB, so that
// they hold from the first moment. dc-deadtime is how long a starting node
// waits for another DC before electing itself: alone, there is nothing to
// wait for (the default is 20s). shutdown-escalation bounds a stop that
// hangs, so the harness's own stop stays bounded too.
var properties = [][2]string{
	{"stonith-enabled", "false"},
	{"dc-deadtime", "200ms"},
	{"cluster-recheck-interval", "1min"},
	{"shutdown-escalation", "1min"},
}

// freshCIB is the CIB pacemaker-based starts from.
func freshCIB() string { return CIB(properties) }

// CIB is an empty CIB with the cluster options props, for pacemaker-based
// to start from, so that they hold from the first moment. It needs no
// digest file beside it: pacemaker-based accepts that, warns once, and
// writes one.
func CIB(props [][2]string) string {
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
