package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/testenv"
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

	xmllint := testenv.NeedCmd(t, "xmllint")
	for _, check := range [][]string{
		{"--relaxng", "/usr/share/resource-agents/metadata.rng"},
		{"--dtdvalid", "/usr/share/resource-agents/ra-api-1.dtd"},
	} {
		testenv.NeedFile(t, check[1])
		cmd := exec.Command(xmllint, "--noout", check[0], check[1], "-")
		cmd.Stdin = strings.NewReader(r.Stdout)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s: %s", check[0], out)
	}
}
