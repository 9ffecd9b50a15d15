package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
)

// A malformed OCF environment used to fail stop with a panic ("parameter
// floating_ip is not declared"); it is a warning and a default now.
func TestStopInMalformedEnvironment(t *testing.T) {
	c := newCloud(t)
	for _, kv := range [][]string{
		{"OCF_RESKEY_CRM_meta_timeout", "junk"},
		{"OCF_RESKEY_CRM_meta_timeout", "-5"},
		{"OCF_RESKEY_CRM_meta_timeout", "1e4"},
		{"OCF_RESKEY_CRM_meta_timeout", "18446744073710"},
		{"OCF_RESKEY_CRM_meta_interval", "junk"},
		{"OCF_CHECK_LEVEL", "-1"},
	} {
		t.Run(kv[0]+"="+kv[1], func(t *testing.T) {
			a := c.node(t, dropA)
			a.expect(ocf.Success, "start", kv...)
			r := a.expect(ocf.Success, "stop", kv...)
			assert.NotContains(t, r.Stderr, "goroutine")
			a.expect(ocf.NotRunning, "monitor", kv...)
		})
	}
}

// The default stop needs no state directory: one that is a regular file
// holds no state, so there is nothing to forget (stop used to create the
// directory first, and fail).
func TestStopWithUnusableStateDirectory(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	a.stateDir = file
	a.expect(ocf.Success, "stop")
	a.expect(ocf.NotRunning, "monitor")
}

// A read-only state directory (here a read-only bind mount, in a mount
// namespace of the test's own) holds no state to forget when the resource
// never started here, and stop succeeds; with the record of a start that
// cannot be removed, stop still succeeds and says why.
func TestStopWithReadOnlyStateDirectory(t *testing.T) {
	if !mounttest.Private(t) {
		return
	}
	c := newCloud(t)
	a := c.node(t, dropA)
	readOnly(t, a.stateDir)
	require.Error(t, os.WriteFile(filepath.Join(a.stateDir, "probe"), nil, 0o644), "the directory is read-only")
	a.expect(ocf.Success, "stop")

	b := c.node(t, dropB)
	b.expect(ocf.Success, "start")
	readOnly(t, b.stateDir)
	b.expect(ocf.Success, "stop")
}

// readOnly makes dir a read-only bind mount of itself until the test ends.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	mounttest.Mount(t, "--bind", dir, dir)
	t.Cleanup(func() { mounttest.Run(t, "umount", dir) })
	mounttest.Mount(t, "-o", "remount,bind,ro", dir)
}
