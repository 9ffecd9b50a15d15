// Package e2e runs the agents under a real single-node Pacemaker (see
// test/cluster) and watches what Pacemaker does with them.
package e2e

import (
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
