package ocifake

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// Serve starts f on a loopback port for the test and returns its base URL.
// Cleanup releases hanging requests before closing the server.
func Serve(t testing.TB, f *Fake) string {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Cleanup(f.Close) // runs first
	return srv.URL
}

// WriteConfig writes an OCI config file with a [profile] for k (default
// DEFAULT) and its key file, both mode 0600, into dir and returns the
// config file's path.
func WriteConfig(dir string, k APIKey, region, profile string) (string, error) {
	if profile == "" {
		profile = "DEFAULT"
	}
	keyFile := filepath.Join(dir, "oci_api_key.pem")
	if err := os.WriteFile(keyFile, k.PrivateKeyPEM, 0o600); err != nil {
		return "", err
	}
	cfg := filepath.Join(dir, "config")
	body := fmt.Sprintf("[%s]\nuser=%s\nfingerprint=%s\ntenancy=%s\nregion=%s\nkey_file=%s\n",
		profile, k.User, k.Fingerprint, k.Tenancy, region, keyFile)
	return cfg, os.WriteFile(cfg, []byte(body), 0o600)
}
