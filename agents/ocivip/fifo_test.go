package main

import (
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// A FIFO as config_file or as key_file: validate-all and start answer
// ERR_INSTALLED with a reason at once, instead of blocking in open(2)
// until the watchdog ends the action.
func TestCredentialFileFIFO(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	for name, cfg := range map[string]string{
		"config_file": fifo,
		"key_file":    withKeyFile(t, c, dir, "config", fifo),
	} {
		t.Run(name, func(t *testing.T) {
			kv := []string{"auth", "api_key", "auth_endpoint", "", "config_file", cfg, "OCF_RESKEY_CRM_meta_timeout", "3000"}
			for _, action := range []string{"validate-all", "start"} {
				r := a.must(ocf.ErrInstalled, action, kv...)
				assert.Contains(t, r.Reason(), fifo+" is not a regular file", "%s: %s", action, r)
			}
			assert.Equal(t, "", c.f.VNICOf(c.addr(200)))
			a.must(ocf.Success, "stop", kv...)
		})
	}
}
