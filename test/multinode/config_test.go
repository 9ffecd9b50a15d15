package multinode

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCorosyncGolden compares corosyncConf with what this package wrote
// before it used cluster.Corosync: two nodes with a token (two_node: 1), and
// three without (no two_node line: majority quorum, corosync's defaults).
func TestCorosyncGolden(t *testing.T) {
	for _, c := range []struct {
		file  string
		n     int
		token time.Duration
	}{{"testdata/corosync-two.conf", 2, 1500 * time.Millisecond}, {"testdata/corosync-three.conf", 3, 0}} {
		want, err := os.ReadFile(c.file)
		require.NoError(t, err)
		assert.Equal(t, string(want), corosyncConf(c.n, c.token), c.file)
	}
}
