package main

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
	} {
		assert.Equal(t, ok, checkEndpoint(v) == nil, v)
	}
}

func TestCheckIP(t *testing.T) {
	for v, ok := range map[string]bool{
		"10.0.0.200": true, "10.0.0.300": false, "fd00::1": false, "0.0.0.0": false,
		"127.0.0.1": false, "224.0.0.1": false, "10.0.0.200/24": false, "": false,
	} {
		assert.Equal(t, ok, checkIP(v) == nil, v)
	}
}
