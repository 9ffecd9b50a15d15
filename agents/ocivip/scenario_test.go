package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// Seed 003: two instances, the VIP follows the resource.
func TestTwoInstances(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", true) // NIC found by the VNIC's MAC
	b := c.node("b", false)
	vip := c.addr(200)

	// The probe: nothing local, so not running; it prepares a start here
	// (the VNIC's subnet, a token) once per boot, off the failover's path.
	a.must(ocf.NotRunning, "monitor")
	assert.Equal(t, 1, c.f.APICount())
	assert.Equal(t, 1, c.f.Count(ocifake.OpGetVnic))
	c.f.ResetCounts()
	a.must(ocf.NotRunning, "monitor")
	assert.Equal(t, 0, c.f.APICount(), "the next probe finds it all prepared")

	a.must(ocf.Success, "start")
	assert.Equal(t, a.vnic, c.f.VNICOf(vip))
	assert.True(t, a.hasAddr(vip))
	st, err := os.Stat(filepath.Join(a.stateDir, "ocivip-instance-principal.token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	c.f.ResetCounts()
	a.must(ocf.Success, "monitor")
	assert.Equal(t, 1, c.f.APICount(), "monitor: one API call")
	assert.Equal(t, 0, c.f.Count(ocifake.OpFederation), "monitor: no federation while the token is valid")
	assert.Equal(t, 0, c.f.Count(ocifake.OpIMDS), "monitor: no metadata")

	b.must(ocf.Success, "start")
	assert.Equal(t, b.vnic, c.f.VNICOf(vip))
	assert.True(t, b.hasAddr(vip))

	r := a.must(ocf.NotRunning, "monitor")
	assert.Contains(t, r.Reason(), b.vnic)
	a.must(ocf.Success, "stop")
	assert.False(t, a.hasAddr(vip))
	assert.Equal(t, b.vnic, c.f.VNICOf(vip), "stop without unassign_on_stop leaves the IP alone")
	b.must(ocf.Success, "monitor")

	// A takes it back: its subnet is known now, so two API calls.
	c.f.ResetCounts()
	a.must(ocf.Success, "start")
	assert.Equal(t, a.vnic, c.f.VNICOf(vip))
	assert.LessOrEqual(t, c.f.APICount(), 2, "start when elsewhere: list + update")
	assert.Equal(t, 1, c.f.Count(ocifake.OpUpdatePrivateIp))
	assert.Equal(t, 0, c.f.Count(ocifake.OpFederation))

	// Already ours: one list, no write.
	c.f.ResetCounts()
	a.must(ocf.Success, "start")
	assert.Equal(t, 1, c.f.APICount())

	b.must(ocf.NotRunning, "monitor")
	b.must(ocf.Success, "stop")
	b.must(ocf.Success, "stop") // idempotent
	b.must(ocf.NotRunning, "monitor")
	assert.False(t, b.hasAddr(vip))
	a.must(ocf.Success, "monitor")
}

func TestFirstStartCosts(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	b := c.node("b", false)
	vip := c.addr(200)
	_, err := c.f.AssignSecondary(vip, b.vnic)
	require.NoError(t, err)
	// First start on a node after boot, without the probe Pacemaker would
	// have run first (by hand): GetVnic (subnet of our VNIC) + list + update.
	a.must(ocf.Success, "start")
	assert.Equal(t, 3, c.f.APICount())
	assert.Equal(t, 1, c.f.Count(ocifake.OpGetVnic))
	assert.Equal(t, 1, c.f.Count(ocifake.OpFederation))
	assert.Equal(t, 4, c.f.Count(ocifake.OpIMDS), "vnics, then cert, key and intermediate for federation (endpoints are given: no /instance/)")
}

func TestTwoVIPsOnOneVNIC(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	one := a.p.With("OCF_RESOURCE_INSTANCE", "vip1", "secondary_private_ip", c.addr(201), "unassign_on_stop", "true")
	two := a.p.With("OCF_RESOURCE_INSTANCE", "vip2", "secondary_private_ip", c.addr(202), "unassign_on_stop", "true")
	do := func(p kvs, want int, action string) {
		t.Helper()
		expect(t, want, a.stateDir, p, action)
	}
	do(one, ocf.Success, "start")
	do(two, ocf.Success, "start")
	assert.Equal(t, a.vnic, c.f.VNICOf(c.addr(201)))
	assert.Equal(t, a.vnic, c.f.VNICOf(c.addr(202)))
	do(one, ocf.Success, "monitor")
	do(two, ocf.Success, "monitor")

	do(one, ocf.Success, "stop")
	assert.Equal(t, "", c.f.VNICOf(c.addr(201)), "unassign_on_stop deleted vip1")
	assert.Equal(t, a.vnic, c.f.VNICOf(c.addr(202)), "vip2 untouched")
	assert.False(t, a.hasAddr(c.addr(201)))
	assert.True(t, a.hasAddr(c.addr(202)))
	do(two, ocf.Success, "monitor")
	do(one, ocf.NotRunning, "monitor")
	do(two, ocf.Success, "stop")
	assert.Equal(t, "", c.f.VNICOf(c.addr(202)))
}

func TestUnassignOnStopOnlyOurs(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	b := c.node("b", false)
	vip := c.addr(200)
	a.must(ocf.Success, "start")
	b.must(ocf.Success, "start")
	a.must(ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Equal(t, b.vnic, c.f.VNICOf(vip), "the IP is B's now: A's stop must not delete it")
	b.must(ocf.Success, "monitor")
}

func TestAPIKeyAuth(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	a.p = a.p.With("auth", "api_key", "config_file", c.config, "auth_endpoint", "")
	a.must(ocf.Success, "start")
	a.must(ocf.Success, "monitor")
	assert.Equal(t, 0, c.f.Count(ocifake.OpFederation))
	_, err := os.Stat(filepath.Join(a.stateDir, "ocivip-instance-principal.token"))
	assert.True(t, os.IsNotExist(err))
	a.must(ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Equal(t, "", c.f.VNICOf(c.addr(200)))
	// The key is read at run time and never shown.
	a.must(ocf.ErrInstalled, "start", "profile", "NOPE")
	key, err := os.ReadFile(filepath.Join(filepath.Dir(c.config), "oci_api_key.pem"))
	require.NoError(t, err)
	body := strings.Join(strings.Split(string(key), "\n")[1:3], "")
	assert.NotContains(t, a.log(), body[:32])
}

// Someone (the console, a script) moves the IP away behind Pacemaker's back.
func TestMovedBehindOurBack(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	b := c.node("b", false)
	a.must(ocf.Success, "start")
	_, err := c.f.AssignSecondary(c.addr(200), b.vnic)
	require.NoError(t, err)
	a.must(ocf.NotRunning, "monitor")
	c.f.Unassign(c.addr(200))
	r := a.must(ocf.NotRunning, "monitor")
	assert.Contains(t, r.Reason(), "not assigned to any VNIC")
	a.must(ocf.Success, "stop")
	a.must(ocf.Success, "start")
	a.must(ocf.Success, "monitor")
}

func TestLocalAddressGone(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	a.must(ocf.Success, "start")
	require.NoError(t, sh("ip", "addr", "del", c.addr(200)+"/24", "dev", a.nic))
	c.f.ResetCounts()
	a.must(ocf.NotRunning, "monitor")
	assert.Equal(t, 0, c.f.APICount(), "nothing local: no need to ask")
}

// Two resources on one VNIC starting at the same moment, the VNIC busy for
// a while (409 IncorrectState), as when Pacemaker starts a group's VIPs.
func TestConcurrentStartsOnOneVNIC(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	c.f.SetFault(ocifake.OpCreatePrivateIp, ocifake.Fault{Status: 409, Code: "IncorrectState", Times: 2})
	t.Run("starts", func(t *testing.T) {
		for _, ip := range []string{c.addr(211), c.addr(212)} {
			p := a.p.With("OCF_RESOURCE_INSTANCE", "vip-"+ip, "secondary_private_ip", ip)
			t.Run(ip, func(t *testing.T) {
				t.Parallel() // both starts run at once; "starts" returns when both are done
				expect(t, ocf.Success, a.stateDir, p, "start")
			})
		}
	})
	for _, ip := range []string{c.addr(211), c.addr(212)} {
		assert.Equal(t, a.vnic, c.f.VNICOf(ip))
		assert.True(t, a.hasAddr(ip))
		expect(t, ocf.Success, a.stateDir, a.p.With("OCF_RESOURCE_INSTANCE", "vip-"+ip, "secondary_private_ip", ip), "monitor")
	}
	assert.LessOrEqual(t, c.f.Count(ocifake.OpFederation), 2, "each start federates at most once")
}
