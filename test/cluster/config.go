package cluster

import (
	"fmt"
	"strings"
)

// ClusterName is the name of every test cluster.
const ClusterName = "ocfkit-test"

// corosyncConf is a one-node knet cluster on loopback. No crypto: there is
// no second node to authenticate, and so no authkey to create or protect.
// Logging goes to stderr only, which the harness captures.
func corosyncConf(node string) string {
	return fmt.Sprintf(`totem {
	version: 2
	cluster_name: %s
	transport: knet
	crypto_cipher: none
	crypto_hash: none
	token: 1000
	join: 50
	consensus: 1200
}

logging {
	to_stderr: yes
	to_logfile: no
	to_syslog: no
	timestamp: hires
}

quorum {
	provider: corosync_votequorum
	two_node: 0
	expected_votes: 1
}

nodelist {
	node {
		name: %s
		nodeid: 1
		ring0_addr: 127.0.0.1
	}
}
`, ClusterName, node)
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

// freshCIB is the CIB pacemaker-based starts from. It has no digest file
// next to it; pacemaker-based accepts that, warns once, and writes one.
func freshCIB() string {
	var b strings.Builder
	b.WriteString(`<cib validate-with="pacemaker-3.7" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
`)
	for _, p := range properties {
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
