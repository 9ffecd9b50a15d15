// Package budget holds each agent to the binary size its issue set. Size,
// unlike time, does not depend on how busy the machine is: for a given
// toolchain the same source always links to the same bytes, so this can be
// a test rather than a benchmark figure.
package budget

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// budgets are the issues' targets for the static, stripped binary, in
// bytes (MB = 10^6, the stricter reading).
var budgets = map[string]int64{
	"IPaddr2":    6e6,
	"Filesystem": 6e6,
	"apache":     8e6,
	"drbd":       6e6,
	"floatip":    12e6,
	"ocivip":     14e6,
	// Issue 16: fence agents at most 12 MB each.
	"fence_digitalocean": 12e6,
	"fence_oci":          12e6,
}

func TestBinarySizes(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "agents", "*", "main.go"))
	require.NoError(t, err)
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		t.Run(name, func(t *testing.T) {
			budget, ok := budgets[name]
			require.True(t, ok, "agent %s has no size budget: add one", name)
			st, err := os.Stat(testenv.BuildAgent(t, name))
			require.NoError(t, err)
			t.Logf("%s: %d bytes, %d under its budget", name, st.Size(), budget-st.Size())
			assert.LessOrEqual(t, st.Size(), budget, "%s is over its %d-byte budget", name, budget)
		})
	}
}
