package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
)

// The label is <nic>:<iflabel> and the kernel keeps 15 characters of it
// (IFNAMSIZ): with nic unset it is checked against the interface that the
// route gives, before start gets as far as the kernel's ERANGE.
func TestLabelTooLongForFoundInterface(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.33.1/24 brd +"}, nil)
	long := reskeys("ip", "198.18.33.10", "iflabel", "averyverylonglabel")
	for _, action := range []string{"validate-all", "start"} {
		r := expect(t, 6, action, long)
		assert.Contains(t, r.Stderr, "ocf-exit-reason:Interface label ["+v.Host+":averyverylonglabel] exceeds maximum character limit of 15")
	}
	assert.False(t, hostHas(t, v.Host, "198.18.33.10/24"))
	expect(t, 0, "stop", long)
	expect(t, 7, "monitor", long.With("CRM_meta_interval", "0"))

	// Exactly 15 fits: the veth name is 11 characters, ":" and 3 more.
	fits := reskeys("ip", "198.18.33.10", "iflabel", "vip")
	expect(t, 0, "start", fits)
	assert.True(t, hostHas(t, v.Host, "198.18.33.10/24"))
	expect(t, 0, "stop", fits)
}
