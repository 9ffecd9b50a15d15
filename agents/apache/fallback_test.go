package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
)

// A server started with the real binary, then stopped with httpd naming a
// path that does not exist here (httpd=/usr/sbin/httpd on Debian): stop
// used to say "apache is not running" and leave the server up, as it
// looked for processes of the configured binary. The configuration file
// identifies the server.
func TestStopFindsTheServerByItsConfigFile(t *testing.T) {
	ts, p := rvServer(t, httpdtest.Options{})
	rvExpect(t, p, "start", ocf.Success)
	pid := ts.MainPid()
	require.NotZero(t, pid)
	moved := p.With("httpd", "/usr/sbin/httpd")
	rvExpect(t, moved, "monitor", ocf.Success)
	rvExpect(t, moved.With(recurring, "10000"), "monitor", ocf.Success)
	rvExpect(t, moved, "start", ocf.Success) // falls back to the httpd found, as the anchor
	rvExpect(t, moved, "stop", ocf.Success)
	assert.False(t, rvAlive(pid), "the main process is gone")
	assert.Eventually(t, func() bool { return len(httpd.InstancePids(httpdtest.Binary, ts.ConfigFile)) == 0 },
		time.Second, 10*time.Millisecond, "nothing of the instance runs")
	rvExpect(t, moved, "monitor", ocf.NotRunning)
}

// A probe never says "not running" for a server that runs because ocfkit
// cannot use a parameter that does not name it (envfiles=/dev/null: the
// probe said 7 and the recurring monitor 1).
func TestProbeDespiteUnusableParameters(t *testing.T) {
	ts, p := rvServer(t, httpdtest.Options{})
	rvExpect(t, p, "start", ocf.Success)
	t.Cleanup(func() { rvExpect(t, p, "stop", ocf.Success) })
	require.NotZero(t, ts.MainPid())
	for _, bad := range [][]string{
		{"envfiles", "/dev/null"},
		{"envfiles", "/etc/passwd"},
		{"httpd", "/usr/sbin/httpd"},
		{"statusurl", "nonsense"},
		{"testregex", "("},
		{"tls_cafile", "/nonexistent.pem"},
		{"options", "$(touch /tmp/ocfkit-marker)"},
	} {
		q := p.With(bad...)
		rvExpect(t, q, "monitor", ocf.Success)
		rvExpect(t, q.With(recurring, "10000"), "monitor", ocf.Success)
	}
}
