package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/agenttest"
)

// Every parameter of ocf:heartbeat:apache, with the same names.
func TestMetaData(t *testing.T) {
	r := expect(t, args{}, "meta-data", ocf.Success)
	for _, name := range []string{"configfile", "httpd", "port", "statusurl", "testregex", "client",
		"testurl", "testregex10", "testconffile", "testname", "options", "envfiles", "use_ipv6",
		"tls_verify", "tls_cafile"} {
		assert.Contains(t, r.Stdout, `<parameter name="`+name+`"`)
	}
	assert.Contains(t, r.Stdout, `default="&lt;/ *html *&gt;"`)
	assert.Contains(t, r.Stdout, `default="/etc/apache2/envvars"`)
	assert.Regexp(t, regexp.MustCompile(`<action name="monitor"[^>]*timeout="20s"[^>]*interval="10s"`), r.Stdout)
	agenttest.CheckMetaData(t, r.Stdout, agenttest.RNG, agenttest.DTD)
}
