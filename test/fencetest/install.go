package fencetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// SbinDir is where Pacemaker's fencer looks for fence agents.
const SbinDir = "/usr/sbin"

// Install copies the built agent bin into SbinDir under its own name for
// the test's lifetime, so that the fencer, stonith_admin and pcs find it.
// It refuses to replace an agent it did not put there. The caller holds
// testenv.LockSystem: /usr/sbin is the machine's.
func Install(t testing.TB, bin string) {
	t.Helper()
	install(t, bin, SbinDir)
}

func install(t testing.TB, bin, dir string) {
	t.Helper()
	dst := filepath.Join(dir, filepath.Base(bin))
	if _, err := os.Lstat(dst); err == nil {
		t.Fatalf("%s exists and is not from this test: not touching it", dst)
		return
	}
	b, err := os.ReadFile(bin)
	require.NoError(t, err)
	t.Cleanup(func() { os.Remove(dst) })
	require.NoError(t, os.WriteFile(dst, b, 0o755))
}
