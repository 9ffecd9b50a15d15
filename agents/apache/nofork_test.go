package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// forks runs the agent under ptrace and counts the processes it creates.
func forks(t *testing.T, p args, action string) (n, code int) {
	t.Helper()
	return agenttest.CountForks(t, agenttest.Command(t, testenv.BuildAgent(t, "apache"), action, p, instanceEnv))
}

func TestMonitorForksNothing(t *testing.T) {
	ts, p := server(t, httpdtest.Options{TLS: true})
	p = p.With("tls_cafile", ts.CertFile, "envfiles", "/etc/apache2/envvars")
	n, code := forks(t, p, "monitor")
	assert.Equal(t, ocf.NotRunning, code)
	assert.Zero(t, n, "probe of a stopped server")

	// The counter must see forks, or the zeros prove nothing: validate-all
	// runs httpd -t. (Not start: the daemon would stay traced.)
	n, code = forks(t, p, "validate-all")
	require.Equal(t, ocf.Success, code)
	require.Greater(t, n, 0, "validate-all forks httpd -t")

	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })

	for _, q := range []args{p, p.With(recurring, "10000"), p.With("OCF_CHECK_LEVEL", "10", "testurl", "/", "testregex10", "test page")} {
		n, code = forks(t, q, "monitor")
		assert.Equal(t, ocf.Success, code)
		assert.Zero(t, n, "monitor of a running server over HTTPS")
	}
	n, code = forks(t, p, "meta-data")
	assert.Equal(t, ocf.Success, code)
	assert.Zero(t, n, "meta-data")
}
