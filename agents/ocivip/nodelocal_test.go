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

// withKeyFile is c's config file with key_file replaced (and extra lines
// added), written into dir.
func withKeyFile(t *testing.T, c *cloud, dir, name, keyFile string, extra ...string) string {
	t.Helper()
	b, err := os.ReadFile(c.config)
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(l, "key_file=") {
			l = "key_file=" + keyFile
		}
		lines = append(lines, l)
	}
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(append(lines, extra...), "\n")+"\n"), 0o600))
	return p
}

// The OCI config file, its profile, the key file and its pass phrase are
// each node's own: what is wrong with them must ban the resource from this
// node only (ERR_INSTALLED), never from the cluster (ERR_CONFIGURED); a
// probe still says "not running".
func TestNodeLocalCredentialProblemsAreNotConfigurationErrors(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	dir := t.TempDir()

	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), 0o600))

	// The fake's key, encrypted with a pass phrase the config file gets wrong.
	cfg, err := os.ReadFile(c.config)
	require.NoError(t, err)
	var keyFile string
	for _, l := range strings.Split(string(cfg), "\n") {
		if v, ok := strings.CutPrefix(l, "key_file="); ok {
			keyFile = v
		}
	}
	keyPEM, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	blk, _ := pem.Decode(keyPEM)
	require.NotNil(t, blk)
	// Legacy PEM encryption (deprecated in Go) is what the SDK decrypts with pass_phrase.
	enc, err := x509.EncryptPEMBlock(rand.Reader, blk.Type, blk.Bytes, []byte("right phrase"), x509.PEMCipherAES256)
	require.NoError(t, err)
	encrypted := filepath.Join(dir, "encrypted.pem")
	require.NoError(t, os.WriteFile(encrypted, pem.EncodeToMemory(enc), 0o600))

	apiKey := []string{"auth", "api_key", "auth_endpoint", ""}
	for _, tc := range []struct {
		name   string
		kv     []string
		reason string
	}{
		{"key file garbage", []string{"config_file", withKeyFile(t, c, dir, "garbage", garbage)}, "key_file"},
		{"key file a directory", []string{"config_file", withKeyFile(t, c, dir, "dir", dir)}, "key_file"},
		{"pass phrase wrong", []string{"config_file", withKeyFile(t, c, dir, "phrase", encrypted, "pass_phrase=wrong phrase")}, "key_file"},
		{"pass phrase missing", []string{"config_file", withKeyFile(t, c, dir, "nophrase", encrypted)}, "key_file"},
		{"profile missing from this node's file", []string{"config_file", c.config, "profile", "NOPE"}, "NOPE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kv := append(append([]string{}, apiKey...), tc.kv...)
			for _, action := range []string{"validate-all", "start"} {
				r := a.must(ocf.ErrInstalled, action, kv...)
				assert.Contains(t, r.Reason(), tc.reason, "%s: %s", action, r)
			}
			a.must(ocf.NotRunning, "monitor", kv...)
			a.must(ocf.Success, "stop", kv...)
		})
	}
	// The right pass phrase works: the encrypted key itself is fine.
	a.must(ocf.Success, "validate-all", append(apiKey, "config_file", withKeyFile(t, c, dir, "good", encrypted, "pass_phrase=right phrase"))...)
	assert.Equal(t, "", c.f.VNICOf(c.addr(200)))
}

// An interface named by nic but missing on this node is this node's
// problem: ERR_ARGS (this node banned), not ERR_CONFIGURED; a probe says
// "not running", and a stop with unassign_on_stop still deletes what is on
// our VNIC instead of failing (which would get the node fenced).
func TestMissingInterfaceIsThisNodesProblem(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	vip := c.addr(200)
	for _, action := range []string{"validate-all", "start"} {
		r := a.must(ocf.ErrArgs, action, "nic", "nosuchnic0")
		assert.Contains(t, r.Reason(), "nosuchnic0")
	}
	a.must(ocf.NotRunning, "monitor", "nic", "nosuchnic0")
	a.must(ocf.Success, "stop", "nic", "nosuchnic0", "unassign_on_stop", "true")

	// Started, then the state is lost (as after a reboot) and the
	// interface is renamed in the configuration: stop still deletes the IP
	// from our VNIC.
	a.must(ocf.Success, "start")
	require.Equal(t, a.vnic, c.f.VNICOf(vip))
	require.NoError(t, os.Remove(filepath.Join(a.stateDir, "ocivip-vip")))
	a.must(ocf.Success, "stop", "nic", "nosuchnic0", "unassign_on_stop", "true")
	assert.Equal(t, "", c.f.VNICOf(vip), "the IP was deleted from our VNIC")
}
