package main

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// keyFileOf is the key_file named by a config file.
func keyFileOf(t *testing.T, config string) string {
	t.Helper()
	b, err := os.ReadFile(config)
	require.NoError(t, err)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "key_file="); ok {
			return v
		}
	}
	t.Fatalf("%s names no key_file", config)
	return ""
}

// encryptedKey writes c's API key encrypted with phrase into dir.
func encryptedKey(t *testing.T, c *cloud, dir, phrase string) string {
	t.Helper()
	keyPEM, err := os.ReadFile(keyFileOf(t, c.config))
	require.NoError(t, err)
	blk, _ := pem.Decode(keyPEM)
	require.NotNil(t, blk)
	// Legacy PEM encryption (deprecated in Go) is what the SDK decrypts with pass_phrase.
	enc, err := x509.EncryptPEMBlock(rand.Reader, blk.Type, blk.Bytes, []byte(phrase), x509.PEMCipherAES256)
	require.NoError(t, err)
	p := filepath.Join(dir, "encrypted-"+phrase[:4]+".pem")
	require.NoError(t, os.WriteFile(p, pem.EncodeToMemory(enc), 0o600))
	return p
}

// The OCI config file holds the pass phrase and names the key file: both
// must be root's and closed to group and others, as floatip's token file
// is. Otherwise validate-all and start refuse with ERR_PERM and a reason
// that says what to run; a stop that needs no credentials still succeeds
// and a probe says "not running".
func TestCredentialFilesMustBePrivate(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	dir := t.TempDir()
	const phrase = "correct horse battery"
	key := encryptedKey(t, c, dir, phrase)

	for _, tc := range []struct {
		name   string
		setup  func(cfg, key string)
		reason func(cfg, key string) string
	}{
		{"config mode 0644",
			func(cfg, key string) { require.NoError(t, os.Chmod(cfg, 0o644)) },
			func(cfg, key string) string { return "chmod 600 " + cfg }},
		{"config mode 0640",
			func(cfg, key string) { require.NoError(t, os.Chmod(cfg, 0o640)) },
			func(cfg, key string) string { return "chmod 600 " + cfg }},
		{"config owned by nobody",
			func(cfg, key string) { require.NoError(t, os.Chown(cfg, 65534, 65534)) },
			func(cfg, key string) string { return "chown root:root " + cfg }},
		{"key mode 0644",
			func(cfg, key string) { require.NoError(t, os.Chmod(key, 0o644)) },
			func(cfg, key string) string { return "chmod 600 " + key }},
		{"key owned by nobody",
			func(cfg, key string) { require.NoError(t, os.Chown(key, 65534, 0)) },
			func(cfg, key string) string { return "chown root:root " + key }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := t.TempDir()
			k := filepath.Join(sub, "key.pem")
			b, err := os.ReadFile(key)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(k, b, 0o600))
			cfg := withKeyFile(t, c, sub, "config", k, "pass_phrase="+phrase)
			kv := []string{"auth", "api_key", "auth_endpoint", "", "config_file", cfg}
			a.must(ocf.Success, "validate-all", kv...)
			tc.setup(cfg, k)
			for _, action := range []string{"validate-all", "start"} {
				r := a.must(ocf.ErrPerm, action, kv...)
				assert.Contains(t, r.Reason(), tc.reason(cfg, k), "%s: %s", action, r)
				assert.NotContains(t, r.Stdout+r.Stderr, phrase)
			}
			assert.Equal(t, "", c.f.VNICOf(c.addr(200)), "nothing was assigned")
			a.must(ocf.NotRunning, "monitor", kv...)
			a.must(ocf.Success, "stop", kv...)
			assert.NotContains(t, a.log(), phrase)
		})
	}
}

// A stop that unassigns uses credential files that became too open, with
// a warning, rather than failing and getting the node fenced.
func TestStopUnassignsWithTooOpenCredentials(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	sub := t.TempDir()
	k := filepath.Join(sub, "key.pem")
	b, err := os.ReadFile(keyFileOf(t, c.config))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(k, b, 0o600))
	cfg := withKeyFile(t, c, sub, "config", k)
	kv := []string{"auth", "api_key", "auth_endpoint", "", "config_file", cfg, "unassign_on_stop", "true"}
	a.must(ocf.Success, "start", kv...)
	require.Equal(t, a.vnic, c.f.VNICOf(c.addr(200)))
	require.NoError(t, os.Chmod(cfg, 0o644))
	require.NoError(t, os.Chmod(k, 0o640))
	a.must(ocf.ErrPerm, "validate-all", kv...)
	a.must(ocf.Success, "stop", kv...)
	assert.Equal(t, "", c.f.VNICOf(c.addr(200)), "stop deleted the IP from our VNIC")
	assert.False(t, a.hasAddr(c.addr(200)))
	assert.Contains(t, a.log(), "chmod 600 "+cfg)
}
