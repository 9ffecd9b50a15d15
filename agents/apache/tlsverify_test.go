package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/ocf"
)

// tls_verify is ocfkit's own: a spelling ocf_is_true would read as false
// ("Yes") never turns certificate verification off.
func TestTLSVerifyOddSpelling(t *testing.T) {
	var p *ocf.Param
	for i := range declared {
		if declared[i].Name == "tls_verify" {
			p = &declared[i]
		}
	}
	if assert.NotNil(t, p) {
		assert.Error(t, p.Check("Yes"))
		assert.Error(t, p.Check("enabled"))
		assert.NoError(t, p.Check("false"))
		assert.NoError(t, p.Check("true"))
	}
}
