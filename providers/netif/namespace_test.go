package netif

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// What can sit under /run/netns, in a directory of the test's own.
func TestOpenNamespaceKinds(t *testing.T) {
	dir := t.TempDir()
	old := netnsDir
	netnsDir = dir
	t.Cleanup(func() { netnsDir = old })
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stale"), nil, 0o644))
	require.NoError(t, unix.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "dir"), 0o755))
	require.NoError(t, os.Symlink("/proc/self/ns/net", filepath.Join(dir, "live")))
	require.NoError(t, os.Symlink("/proc/self/ns/uts", filepath.Join(dir, "uts")))

	ns, err := openNamespace("live")
	require.NoError(t, err, "a symlink to a live namespace, as people make for containers")
	ns.Close()
	for name, want := range map[string]error{
		"absent":                             ErrNoNamespace,
		"stale":                              ErrNotNamespace,
		"fifo":                               ErrNotNamespace, // and no hang: opened O_NONBLOCK
		"dir":                                ErrNotNamespace,
		"uts":                                ErrNotNamespace, // a namespace, but not a network one
		"..":                                 ErrNamespaceName,
		".":                                  ErrNamespaceName,
		"a/b":                                ErrNamespaceName,
		"../" + filepath.Base(dir) + "/live": ErrNamespaceName,
		strings.Repeat("n", 256):             ErrNamespaceName,
	} {
		_, err := openNamespace(name)
		assert.ErrorIs(t, err, want, name)
	}
}

func FuzzCheckNamespaceName(f *testing.F) {
	for _, s := range []string{"blue", "..", ".", "a/b", "/proc/1/ns/net", "..a", "a..", "x\x00y", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckNamespaceName(name) != nil {
			return
		}
		// An accepted name is one entry right under the directory.
		p := filepath.Join(netnsDir, name)
		if filepath.Dir(p) != netnsDir || filepath.Base(p) != name {
			t.Fatalf("%q leaves %s: %s", name, netnsDir, p)
		}
	})
}
