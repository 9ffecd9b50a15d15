package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

func TestBadInput(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	b := c.node("b", false)
	dir := t.TempDir()
	noKey := filepath.Join(dir, "config-no-key")
	cfg, err := os.ReadFile(c.config)
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(string(cfg), "\n") {
		if strings.HasPrefix(l, "key_file=") {
			l = "key_file=" + filepath.Join(dir, "gone.pem")
		}
		lines = append(lines, l)
	}
	require.NoError(t, os.WriteFile(noKey, []byte(strings.Join(lines, "\n")), 0o600))
	dirKey := filepath.Join(dir, "config-dir-key")
	require.NoError(t, os.WriteFile(dirKey, []byte(strings.ReplaceAll(strings.Join(lines, "\n"), filepath.Join(dir, "gone.pem"), dir)), 0o600))
	garbage := filepath.Join(dir, "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), 0o600))
	badKey := filepath.Join(dir, "config-bad-key")
	require.NoError(t, os.WriteFile(badKey, []byte(strings.ReplaceAll(strings.Join(lines, "\n"), filepath.Join(dir, "gone.pem"), garbage)), 0o600))
	apiKey := []string{"auth", "api_key", "auth_endpoint", ""}

	for _, tc := range []struct {
		name   string
		kv     []string
		code   int
		reason string
	}{
		{"IP malformed", []string{"secondary_private_ip", "10.0.0.300"}, ocf.ErrConfigured, "secondary_private_ip"},
		{"IP is IPv6", []string{"secondary_private_ip", "fd00::1"}, ocf.ErrConfigured, "IPv4"},
		{"IP missing", []string{"secondary_private_ip", ""}, ocf.ErrConfigured, "required parameter secondary_private_ip"},
		{"IP outside every subnet", []string{"secondary_private_ip", "192.0.2.10"}, ocf.ErrArgs, "outside every subnet of this instance"},
		{"vnic_id not of this instance", []string{"vnic_id", b.vnic}, ocf.ErrArgs, "not attached to this instance"},
		{"vnic_id not a VNIC OCID", []string{"vnic_id", "ocid1.subnet.oc1..x"}, ocf.ErrConfigured, "VNIC OCID"},
		{"nic absent", []string{"nic", "nosuchnic0"}, ocf.ErrArgs, "nosuchnic0"},
		{"config file missing", append(apiKey, "config_file", filepath.Join(dir, "nope")), ocf.ErrInstalled, "does not exist"},
		{"key file missing", append(apiKey, "config_file", noKey), ocf.ErrInstalled, "key_file"},
		{"key file unreadable", append(apiKey, "config_file", dirKey), ocf.ErrInstalled, "key_file"},
		{"key file garbage", append(apiKey, "config_file", badKey), ocf.ErrInstalled, "key_file"},
		{"profile missing", append(apiKey, "config_file", c.config, "profile", "NOPE"), ocf.ErrInstalled, "NOPE"},
		{"auth unknown", []string{"auth", "foo"}, ocf.ErrConfigured, "auth"},
		{"cidr_netmask out of range", []string{"cidr_netmask", "40"}, ocf.ErrConfigured, "cidr_netmask"},
		{"api_endpoint plain http off loopback", []string{"api_endpoint", "http://iaas.example.com"}, ocf.ErrConfigured, "loopback"},
		{"api_endpoint with a path", []string{"api_endpoint", "https://iaas.example.com/20160918"}, ocf.ErrConfigured, "api_endpoint"},
		{"metadata_url not a URL", []string{"metadata_url", "169.254.169.254"}, ocf.ErrConfigured, "metadata_url"},
		{"metadata_url plain http off link-local", []string{"metadata_url", "http://imds.example.com/opc/v2"}, ocf.ErrConfigured, "169.254.169.254"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, action := range []string{"validate-all", "start"} {
				r := a.must(tc.code, action, tc.kv...)
				assert.Contains(t, r.Reason(), tc.reason, "%s: %s", action, r)
				assert.NotContains(t, r.Stderr, "panic")
			}
			assert.False(t, a.hasAddr(c.addr(200)))
			// A probe never fails for configuration: it says "not running".
			a.must(ocf.NotRunning, "monitor", tc.kv...)
			// stop stays safe: success, nothing of ours was there.
			r := a.do("stop", tc.kv...)
			assert.Contains(t, []int{ocf.Success, ocf.ErrConfigured}, r.Code, "stop: %s", r)
		})
	}
	assert.Equal(t, "", c.f.VNICOf(c.addr(200)), "no bad input reached the API as a write")

	// api_delay is tolerated as the anchor tolerates it: the default.
	a.must(ocf.Success, "validate-all", "api_delay", "-1")
}

func TestUnknownAction(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	a.must(ocf.ErrUnimplemented, "frobnicate")
}

func TestOcicliIsNoted(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	a.must(ocf.Success, "validate-all", "ocicli", "/usr/bin/oci")
	assert.Contains(t, a.log(), "ocicli=/usr/bin/oci is not used")
}
