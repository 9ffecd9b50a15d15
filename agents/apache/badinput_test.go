package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
)

func TestBadInput(t *testing.T) {
	ts, good := server(t, httpdtest.Options{})
	dir := t.TempDir()
	notExec := filepath.Join(dir, "httpd")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))
	syntax := filepath.Join(dir, "syntax.conf")
	conf, err := os.ReadFile(ts.ConfigFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(syntax, append(conf, "\nNoSuchDirective on\n"...), 0o644))
	badTests := filepath.Join(dir, "tests")
	require.NoError(t, os.WriteFile(badTests, []byte("test a\nurl /\nmatch x\nbogus y\nend\n"), 0o644))
	curlTests := filepath.Join(dir, "curltests")
	require.NoError(t, os.WriteFile(curlTests, []byte("test a\nurl /\nmatch x\nclient /usr/local/bin/fetch\nend\n"), 0o644))
	envBad := filepath.Join(dir, "envvars")
	require.NoError(t, os.WriteFile(envBad, []byte("export X=$(hostname)\n"), 0o644))

	tests := []struct {
		name    string
		p       args
		actions []string // all give code and reason
		code    int
		reason  string
		stop    int // nothing of it runs here: stop succeeds whatever the problem
	}{
		{"configfile missing", good.With("configfile", filepath.Join(dir, "none.conf")),
			[]string{"validate-all", "start"}, ocf.ErrInstalled, "Configuration file " + dir + "/none.conf not found", ocf.Success},
		{"configfile relative", good.With("configfile", "httpd.conf"),
			[]string{"validate-all", "start"}, ocf.ErrConfigured, "must be an absolute path", ocf.Success},
		{"statusurl malformed", good.With("statusurl", "localhost:80/server-status"),
			[]string{"validate-all", "start"}, ocf.ErrConfigured, "statusurl", ocf.Success},
		{"statusurl bad port", good.With("statusurl", "http://localhost:99999/"),
			[]string{"validate-all"}, ocf.ErrConfigured, "bad port", ocf.Success},
		{"testregex invalid", good.With("testregex", "(unclosed"),
			[]string{"validate-all", "start"}, ocf.ErrConfigured, "testregex", ocf.Success},
		{"testregex10 invalid", good.With("testregex10", "a**"),
			[]string{"validate-all"}, ocf.ErrConfigured, "testregex10", ocf.Success},
		// start says 1 (node-local): see TestRefusedConfigurationIsNodeLocal
		{"config syntax error", good.With("configfile", syntax),
			[]string{"validate-all"}, ocf.ErrConfigured, "Invalid command 'NoSuchDirective'", ocf.Success},
		{"testconffile missing", good.With("testconffile", filepath.Join(dir, "none")),
			[]string{"validate-all"}, ocf.ErrInstalled, "not found, or not readable", ocf.Success},
		{"testconffile unknown keyword", good.With("testconffile", badTests),
			[]string{"validate-all"}, ocf.ErrConfigured, "line 4: unknown keyword", ocf.Success},
		{"testconffile user-defined client", good.With("testconffile", curlTests),
			[]string{"validate-all"}, ocf.ErrConfigured, "not supported", ocf.Success},
		{"tls_cafile missing", good.With("tls_cafile", filepath.Join(dir, "ca.pem")),
			[]string{"validate-all"}, ocf.ErrInstalled, "tls_cafile", ocf.Success},
		{"envfiles with a command substitution", good.With("envfiles", envBad),
			[]string{"validate-all", "start"}, ocf.ErrConfigured, "command substitution is not supported", ocf.Success},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, action := range tc.actions {
				r := expect(t, tc.p, action, tc.code)
				assert.Contains(t, r.Reason(), tc.reason, action)
			}
			// a probe of a resource that cannot be configured here is
			// "not running", never an error that bans it
			expect(t, tc.p, "monitor", ocf.NotRunning)
			expect(t, tc.p, "stop", tc.stop)
			// a recurring monitor looks for the server by its command line
			// and, finding none, says "not running" with the configuration
			// problem as the reason; it does not declare the configuration
			// wrong everywhere
			if tc.name != "config syntax error" {
				r := expect(t, tc.p.With(recurring, "10000"), "monitor", ocf.NotRunning)
				assert.Contains(t, r.Reason(), tc.reason)
			}
			assert.Empty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile))
		})
	}
	// Values the anchor tolerates are a warning and the default.
	expect(t, good.With("tls_verify", "maybe"), "validate-all", ocf.Success)
	expect(t, good.With("port", "http"), "validate-all", ocf.Success)
	r := expect(t, good, "frobnicate", ocf.ErrUnimplemented)
	assert.Contains(t, r.Stderr, "unknown action")
}
