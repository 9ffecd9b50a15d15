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

// envfiles: what is not a regular file is skipped, as the anchor's [ -f ]
// does, and the files around it are read.
func TestEnvfilesSkipNonRegular(t *testing.T) {
	// The document root comes from the envfile read after the skipped
	// ones: httpd refuses to start without it.
	ts, p := rvServer(t, httpdtest.Options{Extra: "DocumentRoot ${OCFKIT_DOCROOT}\n"})
	env := filepath.Join(t.TempDir(), "envvars")
	require.NoError(t, os.WriteFile(env, []byte("export OCFKIT_DOCROOT="+ts.Dir+"/htdocs\n"), 0o644))
	dir := t.TempDir()
	q := p.With("envfiles", "/dev/null "+dir+" "+env, "HA_debug", "1", "HA_DEBUGLOG", p["HA_LOGFILE"])
	rvExpect(t, q, "validate-all", ocf.Success)
	rvExpect(t, q, "start", ocf.Success)
	t.Cleanup(func() { rvExpect(t, q, "stop", ocf.Success) })
	rvExpect(t, q.With(recurring, "10000"), "monitor", ocf.Success)
	assert.Contains(t, rvLog(t, q), dir+" is not a regular file: skipped")
}

// A configuration httpd refuses fails the start on this node only (1, not
// 6), with httpd's own words; validate-all still says 6.
func TestRefusedConfigurationIsNodeLocal(t *testing.T) {
	_, p := rvServer(t, httpdtest.Options{Extra: "NoSuchDirective on\n"})
	r := rvExpect(t, p, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "Invalid command 'NoSuchDirective'")
	rvExpect(t, p, "validate-all", ocf.ErrConfigured)
	rvExpect(t, p, "stop", ocf.Success)
}

// httpd dies early (mime.types missing) and prints nothing: the reason is
// what it wrote to its error log.
func TestEarlyDeathReason(t *testing.T) {
	_, p := rvServer(t, httpdtest.Options{Extra: "LoadModule mime_module " + httpdtest.ModuleDir + "/mod_mime.so\nTypesConfig /nonexistent/mime.types\n"})
	r := rvExpect(t, p, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "mime.types")
	assert.NotContains(t, r.Reason(), "start: $")
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, p["configfile"]))
}

// httpd naming a path that does not exist falls back to the binary found
// (as the anchor's find_httpd_prog), with a warning.
func TestHttpdFallback(t *testing.T) {
	ts, p := rvServer(t, httpdtest.Options{})
	q := p.With("httpd", "/nonexistent/httpd")
	rvExpect(t, q, "validate-all", ocf.Success)
	rvExpect(t, q, "start", ocf.Success)
	assert.Contains(t, rvLog(t, q), "httpd /nonexistent/httpd not found or is not an executable: using "+httpdtest.Binary)
	require.NotZero(t, ts.MainPid())
	rvExpect(t, q.With(recurring, "10000"), "monitor", ocf.Success)
	rvExpect(t, q, "stop", ocf.Success)
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile))
}

// A 404 from the status page with mod_status not loaded says so, with the
// command that enables it; the system's configuration is left as it is.
func TestStatus404ExplainsModStatus(t *testing.T) {
	ts, p := rvServer(t, httpdtest.Options{NoStatusModule: true})
	before, err := os.ReadFile(ts.ConfigFile)
	require.NoError(t, err)
	q := p.With("statusurl", ts.URL("/server-status"), "OCF_RESKEY_CRM_meta_timeout", "4000")
	r := rvExpect(t, q, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "404")
	assert.Contains(t, r.Reason(), "mod_status is not loaded")
	assert.Contains(t, r.Reason(), "a2enmod status")
	after, err := os.ReadFile(ts.ConfigFile)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))

	// With the module, a 404 (a wrong path) says nothing of it.
	ts2, p2 := rvServer(t, httpdtest.Options{})
	q2 := p2.With("statusurl", ts2.URL("/nowhere"), "OCF_RESKEY_CRM_meta_timeout", "10000")
	r = rvExpect(t, q2, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "404")
	assert.NotContains(t, r.Reason(), "mod_status")
}
