package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// Pacemaker probes a resource on a node before it may start there. The
// probe learns the VNIC's subnet and a security token, so the start that
// follows (on the failover's critical path) only finds and moves the IP.
func TestProbePreparesTheStart(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	b := c.node("b", false)
	vip := c.addr(210)
	_, err := c.f.AssignSecondary(vip, b.vnic)
	require.NoError(t, err)

	expect(t, ocf.NotRunning, a.stateDir, a.p.With("secondary_private_ip", vip, "CRM_meta_interval", "0"), "monitor")
	assert.Equal(t, 1, c.f.Count(ocifake.OpGetVnic), "the probe learned the subnet")
	assert.Equal(t, 1, c.f.Count(ocifake.OpFederation), "and a token")

	c.f.ResetCounts()
	a.must(ocf.Success, "start", "secondary_private_ip", vip)
	assert.Equal(t, a.vnic, c.f.VNICOf(vip))
	assert.Equal(t, 2, c.f.APICount(), "start when the IP is elsewhere: list + update")
	assert.Equal(t, 0, c.f.Count(ocifake.OpGetVnic))
	assert.Equal(t, 0, c.f.Count(ocifake.OpFederation))

	// A recurring monitor where the address is not local stays free.
	c.f.ResetCounts()
	expect(t, ocf.NotRunning, b.stateDir, b.p.With("secondary_private_ip", vip, "CRM_meta_interval", "10000"), "monitor")
	assert.Equal(t, 0, c.f.APICount()+c.f.Count(ocifake.OpFederation))
}

// A probe whose preparation fails still says "not running here".
func TestProbeWithAPIDown(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	c.f.SetFault(ocifake.OpGetVnic, ocifake.Fault{Status: 500})
	expect(t, ocf.NotRunning, a.stateDir, a.p.With("secondary_private_ip", c.addr(211), "CRM_meta_interval", "0"), "monitor")
}
