package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/agenttest"
)

func TestBadInput(t *testing.T) {
	c := newCloud(t)
	dir := t.TempDir()
	file := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		require.NoError(t, os.Chmod(p, mode))
		return p
	}
	mode644 := file("644", token, 0o644)
	mode640 := file("640", token, 0o640)
	empty := file("empty", "", 0o600)
	blank := file("blank", "\n\n", 0o600)
	twoWords := file("two", "DO_TOKEN="+token+" x", 0o600)
	notRoot := file("nobody", token, 0o600)
	require.NoError(t, os.Chown(notRoot, 65534, 65534))
	wrong := file("wrong", "dop_v1_not_the_right_one", 0o600)
	missing := filepath.Join(dir, "missing")

	for _, tc := range []struct {
		name   string
		kv     []string
		action string
		code   int
		reason string
	}{
		{"floating_ip missing", []string{"floating_ip", ""}, "validate-all", ocf.ErrConfigured, "floating_ip"},
		{"floating_ip missing at start", []string{"floating_ip", ""}, "start", ocf.ErrConfigured, "floating_ip"},
		{"floating_ip truncated", []string{"floating_ip", "203.0.113"}, "validate-all", ocf.ErrConfigured, "floating_ip"},
		{"floating_ip with prefix", []string{"floating_ip", "203.0.113.10/32"}, "start", ocf.ErrConfigured, "not an IPv4 address"},
		{"floating_ip IPv6", []string{"floating_ip", "2001:db8::1"}, "validate-all", ocf.ErrConfigured, "not an IPv4 address"},
		{"floating_ip a name", []string{"floating_ip", "vip.example.com"}, "start", ocf.ErrConfigured, "floating_ip"},
		{"floating_ip malformed, probe", []string{"floating_ip", "x"}, "monitor", ocf.NotRunning, ""},
		{"token file missing", []string{"token_file", missing}, "validate-all", ocf.ErrInstalled, "does not exist"},
		{"token file missing at start", []string{"token_file", missing}, "start", ocf.ErrInstalled, missing},
		{"token file missing, probe", []string{"token_file", missing}, "monitor", ocf.NotRunning, ""},
		{"token file missing, stop", []string{"token_file", missing}, "stop", ocf.Success, ""},
		{"token file missing, stop with unassign, never started here", []string{"token_file", missing, "unassign_on_stop", "true"}, "stop", ocf.Success, ""},
		{"token file missing, validate with unassign", []string{"token_file", missing, "unassign_on_stop", "true"}, "validate-all", ocf.ErrInstalled, "does not exist"},
		{"token file mode 0644", []string{"token_file", mode644}, "start", ocf.ErrPerm, "chmod 600"},
		{"token file mode 0644, validate", []string{"token_file", mode644}, "validate-all", ocf.ErrPerm, "mode 0644"},
		{"token file mode 0640", []string{"token_file", mode640}, "start", ocf.ErrPerm, "mode 0640"},
		{"token file not owned by root", []string{"token_file", notRoot}, "start", ocf.ErrPerm, "not root"},
		{"token file relative", []string{"token_file", "do.token"}, "validate-all", ocf.ErrConfigured, "absolute"},
		{"empty token", []string{"token_file", empty}, "start", ocf.ErrInstalled, "is empty"},
		{"blank token", []string{"token_file", blank}, "validate-all", ocf.ErrInstalled, "is empty"},
		{"token file with more than a token", []string{"token_file", twoWords}, "start", ocf.ErrInstalled, "alone"},
		{"token file is a directory", []string{"token_file", dir}, "start", ocf.ErrInstalled, "regular file"},
		{"token refused by the API", []string{"token_file", wrong}, "start", ocf.ErrPerm, "refused the token"},
		{"do_token of two words", []string{"do_token", "abc def"}, "start", ocf.ErrConfigured, "do_token"},
		{"droplet_id not a number", []string{"droplet_id", "web1"}, "validate-all", ocf.ErrConfigured, "droplet_id"},
		{"droplet_id not a number at start", []string{"droplet_id", "web1"}, "start", ocf.ErrConfigured, "droplet_id"},
		{"droplet_id zero", []string{"droplet_id", "0"}, "start", ocf.ErrConfigured, "positive"},
		{"droplet_id negative", []string{"droplet_id", "-1001"}, "validate-all", ocf.ErrConfigured, "positive"},
		{"droplet_id not a number, probe", []string{"droplet_id", "web1"}, "monitor", ocf.NotRunning, ""},
		{"api_url plain http off loopback", []string{"api_url", "http://api.digitalocean.com"}, "validate-all", ocf.ErrConfigured, "https"},
		{"api_url not a URL", []string{"api_url", "api.digitalocean.com"}, "start", ocf.ErrConfigured, "api_url"},
		{"api_url with credentials", []string{"api_url", "https://u:p@api.digitalocean.com"}, "validate-all", ocf.ErrConfigured, "user information"},
		{"metadata_url not a URL", []string{"metadata_url", "169.254.169.254"}, "validate-all", ocf.ErrConfigured, "metadata_url"},
		// Tolerated as the community agent does: a warning and the default.
		{"api_timeout zero", []string{"api_timeout", "0"}, "validate-all", ocf.Success, ""},
		{"api_timeout not a number", []string{"api_timeout", "ten"}, "start", ocf.Success, ""},
		{"unassign_on_stop not a boolean", []string{"unassign_on_stop", "maybe"}, "validate-all", ocf.Success, ""},
		{"unassign_on_stop not a boolean, stop", []string{"unassign_on_stop", "maybe"}, "stop", ocf.Success, ""},
		{"reserved IP not in the account", []string{"floating_ip", "198.51.100.77"}, "start", ocf.ErrArgs, "does not exist"},
		{"droplet unknown to the API", []string{"droplet_id", "4242"}, "start", ocf.ErrGeneric, "4242"},
		{"unknown action", nil, "frobnicate", ocf.ErrUnimplemented, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := c.node(t, dropA)
			r := n.expect(tc.code, tc.action, tc.kv...)
			if tc.reason != "" {
				assert.Contains(t, r.Reason(), tc.reason, "stderr: %s", r.Stderr)
			}
			assert.NotContains(t, r.Stderr, "panic")
		})
	}
}

func TestMetadataDownAtFirstStart(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	c.Fake.SetMetadataDown(dropA, true)
	r := a.expect(ocf.ErrGeneric, "start")
	assert.Contains(t, r.Reason(), "droplet_id")
	assert.Zero(t, c.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"))
}

func TestTokenNeverShows(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	logs := filepath.Join(t.TempDir(), "ha.log")
	debug := filepath.Join(t.TempDir(), "ha-debug.log")
	withToken := []string{"token_file", "", "do_token", token, "HA_LOGFILE", logs, "HA_DEBUGLOG", debug}
	a.expect(ocf.Success, "start", withToken...)
	a.expect(ocf.Success, "monitor", append(withToken, recurring, "10000")...)
	c.Fake.SetFaults(dofakeFaultsAll())
	a.do("start", append(withToken, "OCF_RESKEY_CRM_meta_timeout", "2000")...)
	a.do("monitor", append(withToken, recurring, "10000", "OCF_RESKEY_CRM_meta_timeout", "2000")...)
	for _, f := range []string{logs, debug} {
		b, err := os.ReadFile(f)
		if err == nil {
			assert.NotContains(t, string(b), token, f)
		}
	}
	b, err := os.ReadFile(logs)
	require.NoError(t, err)
	assert.Contains(t, string(b), "cibsecret", "do_token warns that the CIB exposes the token")
	assert.Contains(t, string(b), "HTTP 500", "the failures were logged")
}

func TestMetaData(t *testing.T) {
	r := floatip(t, t.TempDir()).Expect(t, ocf.Success, "meta-data", kvs{})
	for _, name := range []string{"floating_ip", "token_file", "do_token", "api_url", "metadata_url",
		"droplet_id", "unassign_on_stop", "api_timeout"} {
		assert.Contains(t, r.Stdout, `<parameter name="`+name+`"`)
	}
	assert.Contains(t, r.Stdout, `default="/etc/ocfkit/digitalocean.token"`)
	for _, action := range []string{"start", "stop", "monitor", "validate-all", "meta-data"} {
		assert.Contains(t, r.Stdout, `<action name="`+action+`"`)
	}
	agenttest.CheckMetaData(t, r.Stdout, agenttest.RNG)
}
