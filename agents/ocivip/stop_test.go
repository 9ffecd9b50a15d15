package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// A stop never fails on configuration: with secondary_private_ip=junk it
// used to return 6. The state file of the last start knows the address,
// so stop still takes it down, and a probe still sees it running.
func TestStopWithUnusableIP(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	a.must(ocf.Success, "stop", "secondary_private_ip", "junk")
	a.must(ocf.Success, "start")
	a.must(ocf.Success, "monitor", "secondary_private_ip", "junk")
	a.must(ocf.ErrConfigured, "start", "secondary_private_ip", "junk")
	a.must(ocf.Success, "stop", "secondary_private_ip", "junk")
	assert.False(t, a.hasAddr(c.addr(200)), "stop removed the address start put up")
	a.must(ocf.NotRunning, "monitor", "secondary_private_ip", "junk")
	a.must(ocf.Success, "stop", "secondary_private_ip", "junk", "OCF_RESKEY_CRM_meta_timeout", "junk")
}
