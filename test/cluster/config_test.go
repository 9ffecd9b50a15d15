package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A two-node configuration as test/multinode writes it (TestConfigs
// checks the single-node one with corosync -t).
func TestCorosyncTwoNodes(t *testing.T) {
	two := Corosync{Name: "x", Crypto: true, Token: 1500 * time.Millisecond, TwoNode: true,
		Nodes: []CorosyncNode{{"node1", "10.0.0.1"}, {"node2", "10.0.0.2"}}}.String()
	assert.Contains(t, two, "\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n\ttoken: 1500\n}")
	assert.Contains(t, two, "\tprovider: corosync_votequorum\n\ttwo_node: 1\n}")
	assert.Contains(t, two, "\tnode {\n\t\tname: node2\n\t\tnodeid: 2\n\t\tring0_addr: 10.0.0.2\n\t}\n}\n")
	assert.NotContains(t, two, "join:")
	assert.NotContains(t, two, "expected_votes")
}

func TestCIB(t *testing.T) {
	cib := CIB([][2]string{{"stonith-enabled", "true"}})
	assert.Contains(t, cib, `<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>`)
}
