package cluster

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// The golden files are what the harness's own corosync.conf and CIB writers
// produced before the shared writers replaced them (test/multinode has the
// same test for its configurations): the sharing changes no byte.
func TestGolden(t *testing.T) {
	want, err := os.ReadFile("testdata/corosync-single.conf")
	require.NoError(t, err)
	assert.Equal(t, string(want), corosyncConf("node1"))
	want, err = os.ReadFile("testdata/cib.xml")
	require.NoError(t, err)
	assert.Equal(t, string(want), CIB([][2]string{{"stonith-enabled", "true"}, {"dc-deadtime", "2s"}}))
}

func TestCIB(t *testing.T) {
	cib := CIB([][2]string{{"stonith-enabled", "true"}})
	assert.Contains(t, cib, `<nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="true"/>`)
}
