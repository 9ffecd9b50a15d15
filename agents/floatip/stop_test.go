package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
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
