package oci_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/oci"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// handed collects what the package hands to OnSecret during the test.
func handed(t *testing.T) func() []string {
	var mu sync.Mutex
	var got []string
	oci.OnSecret = func(s string) {
		mu.Lock()
		got = append(got, s)
		mu.Unlock()
	}
	t.Cleanup(func() { oci.OnSecret = nil })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

func has(list []string, pred func(string) bool) bool {
	for _, s := range list {
		if pred(s) {
			return true
		}
	}
	return false
}

// Everything an instance principal obtains or derives is handed over when
// it is obtained: from the federation, from the cache in a later process,
// and the signature of every request.
func TestInstancePrincipalHandsOverItsSecrets(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	got := handed(t)
	cache := filepath.Join(t.TempDir(), "token")
	c := &oci.Client{Endpoint: w.url, Creds: w.principal("a", cache)}
	_, err := c.FindPrivateIP(ctxFor(t, 10*time.Second), "10.0.0.9", w.subnet.ID)
	require.NoError(t, err)

	b, err := os.ReadFile(cache)
	require.NoError(t, err)
	var tc struct{ Token, SessionKey string }
	require.NoError(t, json.Unmarshal(b, &tc))
	list := got()
	assert.Contains(t, list, tc.Token)
	assert.Contains(t, list, "ST$"+tc.Token)
	assert.Contains(t, list, tc.SessionKey, "the session key, when generated")
	assert.True(t, has(list, func(s string) bool {
		return strings.HasPrefix(s, `Signature version="1"`) && strings.Contains(s, "ST$")
	}),
		"the Authorization value of the API request")
	assert.True(t, has(list, func(s string) bool { return strings.Contains(s, "fed-x509-sha256") }),
		"the Authorization value of the federation request")
	assert.True(t, has(list, func(s string) bool {
		return strings.HasPrefix(s, "-----BEGIN RSA PRIVATE KEY-----") && s != tc.SessionKey
	}),
		"the instance key from the metadata")

	// A later process: the token comes from the cache.
	got = handed(t)
	c = &oci.Client{Endpoint: w.url, Creds: w.principal("a", cache)}
	_, err = c.FindPrivateIP(ctxFor(t, 10*time.Second), "10.0.0.9", w.subnet.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, w.f.Count(ocifake.OpFederation))
	assert.Contains(t, got(), "ST$"+tc.Token)
	assert.Contains(t, got(), tc.SessionKey)
}

func TestAPIKeyHandsOverItsSecrets(t *testing.T) {
	w := newWorld(t, ocifake.Options{})
	got := handed(t)
	b, err := os.ReadFile(w.configFile)
	require.NoError(t, err)
	cfg := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(cfg, append(b, "pass_phrase=not used by an unencrypted key\n"...), 0o600))
	c := w.apiKeyClient(t)
	_, err = oci.LoadAPIKey(cfg, "")
	require.NoError(t, err)
	_, err = c.Assign(ctxFor(t, 10*time.Second), "10.0.0.200", w.subnet.ID, w.vnicA, "vip")
	require.NoError(t, err)
	list := got()
	assert.Contains(t, list, "not used by an unencrypted key")
	assert.True(t, has(list, func(s string) bool { return strings.HasPrefix(s, "-----BEGIN RSA PRIVATE KEY-----") }))
	assert.True(t, has(list, func(s string) bool { return strings.HasPrefix(s, `Signature version="1"`) }))
	assert.True(t, has(list, func(s string) bool { return len(s) == 44 && strings.HasSuffix(s, "=") }), "x-content-sha256 of the create")
}
