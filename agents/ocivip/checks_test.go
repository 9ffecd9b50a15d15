package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckIP(t *testing.T) {
	for v, ok := range map[string]bool{
		"10.0.0.200": true, "10.0.0.300": false, "fd00::1": false, "0.0.0.0": false,
		"127.0.0.1": false, "224.0.0.1": false, "10.0.0.200/24": false, "": false,
	} {
		assert.Equal(t, ok, checkIP(v) == nil, v)
	}
}
