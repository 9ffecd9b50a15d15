package oci

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckEndpoint(t *testing.T) {
	for v, ok := range map[string]bool{
		"https://iaas.eu-frankfurt-1.oraclecloud.com": true,
		"https://proxy.example.com:8443":              true,
		"http://127.0.0.1:8080":                       true,
		"http://[::1]:8080":                           true,
		"http://localhost:1":                          true,
		"http://10.0.0.1":                             false,
		"ftp://x":                                     false,
		"https://x/20160918":                          false,
		"https://user:pw@x":                           false,
		"iaas.us-ashburn-1.oraclecloud.com":           false,
		"http://169.254.169.254":                      false,
		"https://x?q=1":                               false,
	} {
		assert.Equal(t, ok, CheckEndpoint(v) == nil, v)
	}
}

func TestCheckMetadataURL(t *testing.T) {
	for v, ok := range map[string]bool{
		DefaultMetadataURL:                  true,
		"http://127.0.0.1:8080/opc/v2":      true,
		"http://localhost:1":                true,
		"https://imds.example.com/opc/v2":   true,
		"http://imds.example.com/opc/v2":    false,
		"http://10.0.0.1/opc/v2":            false,
		"169.254.169.254":                   false,
		"http://user:pw@169.254.169.254":    false,
		"http://169.254.169.254/opc/v2?x=1": false,
		"ftp://169.254.169.254/opc/v2":      false,
	} {
		assert.Equal(t, ok, CheckMetadataURL(v) == nil, v)
	}
}
