package httpd

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A testconffile exists to keep credentials out of the CIB: no error quotes
// its lines, and the values that may be credentials are named for redaction.
func TestTestConfNeverQuoted(t *testing.T) {
	for _, file := range []string{
		"test a\nurl /\nmatch x\nuser admin\npassword=hunter22\nend\n",
		"test a\nurl /\nmatch x\nuser admin\npassword\nhunter22\nend\n",
		"test a\nurl /\nhunter22\n",
	} {
		_, err := ReadTestConf(strings.NewReader(file), "")
		require.Error(t, err, file)
		assert.NotContains(t, err.Error(), "hunter22")
		assert.Contains(t, err.Error(), "unknown keyword")
	}
	for _, opts := range []string{"--user=admin:hunter22", "-uadmin:hunter22", "-u hunter22", "hunter22"} {
		_, err := ClientOptions(opts)
		require.Error(t, err, opts)
		assert.NotContains(t, err.Error(), "hunter22")
	}
	_, err := ClientOptions("--user=admin:hunter22")
	assert.ErrorContains(t, err, `"--user"`, "the option is still named")

	d := TestDef{URL: "http://admin:pw-in-url@127.0.0.1/app?token=tok-in-query&x=1", Password: "hunter22"}
	assert.Subset(t, d.Secrets(), []string{"hunter22", "pw-in-url", "tok-in-query"})
	assert.NotContains(t, TestDef{Name: "hunter22"}.Check().Error(), "hunter22")
}
