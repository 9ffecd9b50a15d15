package main

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// staleNamespace makes /run/netns/<unique> a plain file, as a namespace
// whose bind mount went away in a crash leaves it, and removes it at the
// end.
func staleNamespace(t *testing.T) string {
	return netnsEntry(t, func(p string) error { return os.WriteFile(p, nil, 0o644) })
}

// netnsEntry makes /run/netns/<unique name> with mk and removes it at the end.
func netnsEntry(t *testing.T, mk func(path string) error) string {
	t.Helper()
	testenv.NeedRoot(t)
	b := make([]byte, 4)
	rand.Read(b)
	name := "ocfkit-stale-" + hex.EncodeToString(b)
	require.NoError(t, os.MkdirAll("/run/netns", 0o755))
	p := filepath.Join("/run/netns", name)
	require.NoError(t, mk(p))
	t.Cleanup(func() { os.Remove(p) })
	return name
}

// A stale /run/netns entry holds no address: stop succeeds, a probe says
// not running, and start bans the address from this node only.
func TestStaleNamespace(t *testing.T) {
	env := reskeys("ip", "198.51.100.100", "network_namespace", staleNamespace(t))
	r := expect(t, 0, "stop", env)
	r = expect(t, 7, "monitor", env.With("CRM_meta_interval", "0"))
	r = expect(t, 7, "monitor", env.With("CRM_meta_interval", "10000"))
	r = expect(t, 2, "start", env)
	assert.Contains(t, r.Stderr, "ocf-exit-reason:")
	assert.Contains(t, r.Stderr, "not a network namespace")
	r = expect(t, 6, "validate-all", env)
	assert.Contains(t, r.Stderr, "not a network namespace")
}

// Whatever sits under /run/netns, opening it never blocks: a FIFO there
// would otherwise hold stop until its timeout.
func TestNamespaceFIFO(t *testing.T) {
	name := netnsEntry(t, func(p string) error { return unix.Mkfifo(p, 0o600) })
	env := reskeys("ip", "198.51.100.100", "network_namespace", name).With("CRM_meta_timeout", "5000")
	r := expect(t, 0, "stop", env)
	r = expect(t, 2, "start", env)
	assert.Contains(t, r.Stderr, "not a network namespace")
}

// A namespace name is a name under /run/netns, never a path out of it.
func TestNamespaceNameIsNotAPath(t *testing.T) {
	testenv.NeedRoot(t)
	for _, ns := range []string{"..", ".", "a/b", "../../proc/1/ns/net", "/proc/1/ns/net"} {
		t.Run(ns, func(t *testing.T) {
			env := reskeys("ip", "198.51.100.100", "network_namespace", ns)
			r := expect(t, 6, "validate-all", env)
			assert.Contains(t, r.Stderr, "ocf-exit-reason:")
			assert.Contains(t, r.Stderr, "network_namespace")
			r = expect(t, 6, "start", env)
			r = expect(t, 0, "stop", env)
			r = expect(t, 7, "monitor", env.With("CRM_meta_interval", "0"))
		})
	}
}
