package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

func TestThrottledStartSucceeds(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	c.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 429, Times: 3})
	c.f.SetFault(ocifake.OpCreatePrivateIp, ocifake.Fault{Status: 409, Code: "IncorrectState", Times: 2})
	a.must(ocf.Success, "start", "api_delay", "1")
	assert.Equal(t, a.vnic, c.f.VNICOf(c.addr(200)))
	assert.Equal(t, 4, c.f.Count(ocifake.OpListPrivateIps))
	assert.Equal(t, 3, c.f.Count(ocifake.OpCreatePrivateIp))
}

// A 429 storm, a 503 storm and a hang all end within the start timeout
// with a reason, and without touching the local interface.
func TestStartWithinDeadline(t *testing.T) {
	for name, flt := range map[string]ocifake.Fault{
		"429 storm":          {Status: 429},
		"503 storm":          {Status: 503, RetryAfter: time.Second},
		"hang":               {Hang: true},
		"slower than budget": {Delay: 30 * time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			c := newCloud(t, ocifake.Options{})
			a := c.node("a", false)
			c.f.SetFault(ocifake.OpListPrivateIps, flt)
			r := a.must(ocf.ErrGeneric, "start", "OCF_RESKEY_CRM_meta_timeout", "4000")
			assert.Less(t, r.Elapsed, 4*time.Second, "start must end within its timeout")
			assert.Contains(t, r.Reason(), "cannot assign")
			assert.False(t, a.hasAddr(c.addr(200)))
			assert.Equal(t, "", c.f.VNICOf(c.addr(200)))
		})
	}
}

// ClusterLabs/resource-agents#2020: a failing login must not look like the
// IP being gone.
func TestMonitorDegradedNotStopped(t *testing.T) {
	for name, tc := range map[string]func(c *cloud, a *node){
		"federation down": func(c *cloud, a *node) {
			require.NoError(t, os.Remove(filepath.Join(a.stateDir, "ocivip-instance-principal.token")))
			c.f.SetFault(ocifake.OpFederation, ocifake.Fault{Status: 503})
		},
		"identity gone": func(c *cloud, a *node) {
			require.NoError(t, os.Remove(filepath.Join(a.stateDir, "ocivip-instance-principal.token")))
			c.f.SetIdentityDown("a", true)
		},
		"token refused": func(c *cloud, a *node) {
			c.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 401})
			c.f.SetFault(ocifake.OpFederation, ocifake.Fault{Status: 500})
		},
		"API 500":        func(c *cloud, a *node) { c.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 500}) },
		"API throttling": func(c *cloud, a *node) { c.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 429}) },
		"API hangs":      func(c *cloud, a *node) { c.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Hang: true}) },
	} {
		t.Run(name, func(t *testing.T) {
			c := newCloud(t, ocifake.Options{})
			a := c.node("a", false)
			a.must(ocf.Success, "start")
			tc(c, a)
			r := a.must(ocf.DegradedRunning, "monitor", "OCF_RESKEY_CRM_meta_timeout", "3000", "OCF_RESKEY_CRM_meta_interval", "20000")
			assert.Less(t, r.Elapsed, 3*time.Second, "monitor must end within its timeout")
			assert.Contains(t, r.Reason(), "cannot confirm")
			assert.True(t, a.hasAddr(c.addr(200)))
			// The outage ends: back to running, no restart needed.
			c.f.ClearFaults()
			c.f.SetIdentityDown("a", false)
			a.must(ocf.Success, "monitor")
		})
	}
}

func TestStopWhenAPIDown(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	a.must(ocf.Success, "start")
	for _, op := range append(ocifake.APIOps, ocifake.OpFederation, ocifake.OpIMDS) {
		c.f.SetFault(op, ocifake.Fault{Status: 503})
	}
	c.f.ResetCounts()
	a.must(ocf.Success, "stop")
	assert.False(t, a.hasAddr(c.addr(200)))
	assert.Equal(t, 0, c.f.APICount(), "stop without unassign_on_stop needs no API")

	// Asked to unassign, stop cannot pretend it did.
	c.f.ClearFaults()
	a.must(ocf.Success, "start")
	c.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: 503})
	r := a.must(ocf.ErrGeneric, "stop", "unassign_on_stop", "true", "OCF_RESKEY_CRM_meta_timeout", "3000")
	assert.Contains(t, r.Reason(), "cannot unassign")
}

func TestTokenCacheExpiry(t *testing.T) {
	c := newCloud(t, ocifake.Options{TokenTTL: 3 * time.Second})
	a := c.node("a", false)
	a.must(ocf.Success, "start")
	require.Equal(t, 1, c.f.Count(ocifake.OpFederation))
	a.must(ocf.Success, "monitor")
	assert.Equal(t, 1, c.f.Count(ocifake.OpFederation), "valid token: no federation")
	// The token lives 3 s and is renewed in its last fifth.
	time.Sleep(2500 * time.Millisecond)
	a.must(ocf.Success, "monitor")
	assert.Equal(t, 2, c.f.Count(ocifake.OpFederation), "token about to expire: federated again")
	a.must(ocf.Success, "monitor")
	assert.Equal(t, 2, c.f.Count(ocifake.OpFederation))
}
