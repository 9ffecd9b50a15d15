package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/dofake"
)

func TestStartThroughFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults dofake.Faults
		lock   time.Duration
		posts  int
	}{
		{"429 storm within the deadline", dofake.Faults{RateLimited: 4, RetryAfter: time.Second}, 0, 1},
		{"errored action", dofake.Faults{ErrorActions: 1}, 0, 2},
		{"two errored actions", dofake.Faults{ErrorActions: 2}, 0, 3},
		{"pending event", dofake.Faults{PendingEvent: 2}, 0, 3},
		{"locked IP", dofake.Faults{}, time.Second, 1},
		{"5xx", dofake.Faults{ServerErrors: 3}, 0, 1},
		{"slow action", dofake.Faults{ActionDelay: 1500 * time.Millisecond}, 0, 1},
		{"undocumented action status", dofake.Faults{UnknownStatus: 5, ActionDelay: 300 * time.Millisecond}, 0, 1},
		{"slow answers", dofake.Faults{Latency: 300 * time.Millisecond}, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCloud(t)
			a := c.node(t, dropA)
			c.Fake.SetFaults(tc.faults)
			if tc.lock > 0 {
				c.Fake.Lock(fip, tc.lock)
			}
			r := a.expect(ocf.Success, "start", "OCF_RESKEY_CRM_meta_timeout", "30000")
			assert.Equal(t, dropA, c.Fake.Holder(fip))
			assert.Equal(t, tc.posts, c.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"), c.Fake.CallSummary())
			assert.Less(t, r.Elapsed, 30*time.Second)
			a.expect(ocf.Success, "monitor", recurring, "10000")
		})
	}
}

func TestStartFailsInTime(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults dofake.Faults
		reason string
	}{
		{"hang longer than the timeout", dofake.Faults{Hang: true}, "no answer"},
		{"API down", dofake.Faults{APIDown: true}, "assigning"},
		{"429 with a Retry-After past the deadline", dofake.Faults{RateLimited: 100, RetryAfter: time.Minute}, "rate limited"},
		{"every action errors", dofake.Faults{ErrorActions: 1000}, "errored"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCloud(t)
			a := c.node(t, dropA)
			c.Fake.SetFaults(tc.faults)
			r := a.expect(ocf.ErrGeneric, "start", "OCF_RESKEY_CRM_meta_timeout", "5000", "api_timeout", "2")
			assert.Less(t, r.Elapsed, 5*time.Second, "the action returns before Pacemaker's timeout")
			assert.Contains(t, r.Reason(), tc.reason)
			assert.Equal(t, dropC, c.Fake.Holder(fip))
			a.expect(ocf.NotRunning, "monitor", recurring, "10000")
		})
	}
}

func TestMonitorWithoutAnswers(t *testing.T) {
	for _, tc := range []struct {
		name         string
		metadataDown bool
		moved        bool
		faults       dofake.Faults
		code         int
		apiCalls     int
	}{
		{"metadata down: API fallback", true, false, dofake.Faults{}, ocf.Success, 1},
		{"metadata down, IP elsewhere: API says so", true, true, dofake.Faults{}, ocf.NotRunning, 1},
		{"metadata hangs: API fallback in time", false, false, dofake.Faults{MetadataLatency: time.Minute}, ocf.Success, 1},
		{"metadata agrees, API down: no API needed", false, false, dofake.Faults{APIDown: true}, ocf.Success, 0},
		{"metadata says elsewhere, API down: degraded, not 7", false, true, dofake.Faults{APIDown: true}, ocf.DegradedRunning, -1},
		{"both down: degraded, not 7", true, false, dofake.Faults{APIDown: true}, ocf.DegradedRunning, -1},
		{"both down, IP elsewhere: degraded, not 7", true, true, dofake.Faults{APIDown: true}, ocf.DegradedRunning, -1},
		{"API answers 5xx: degraded", true, false, dofake.Faults{ServerErrors: 100}, ocf.DegradedRunning, 2},
		{"API rate limited past the deadline: degraded", true, false, dofake.Faults{RateLimited: 100, RetryAfter: time.Minute}, ocf.DegradedRunning, 1},
		{"API hangs: degraded in time", true, false, dofake.Faults{Hang: true}, ocf.DegradedRunning, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCloud(t)
			a := c.node(t, dropA)
			a.expect(ocf.Success, "start")
			if tc.moved {
				require.NoError(t, c.Fake.Assign(fip, dropB))
			}
			c.Fake.SetMetadataDown(dropA, tc.metadataDown)
			c.Fake.SetFaults(tc.faults)
			c.Fake.ResetCalls()
			r := a.expect(tc.code, "monitor", recurring, "10000", "OCF_RESKEY_CRM_meta_timeout", "6000", "api_timeout", "2")
			assert.Less(t, r.Elapsed, 6*time.Second, "the monitor returns before its timeout")
			if tc.apiCalls >= 0 {
				assert.Equal(t, tc.apiCalls, c.Fake.APICalls(), c.Fake.CallSummary())
			}
			if tc.code == ocf.DegradedRunning {
				assert.Contains(t, r.Reason(), "cannot tell")
			}

			// The same without a record of a start here (a probe on another
			// node): not running, whatever the services say.
			b := c.node(t, dropB)
			b.expect(ocf.NotRunning, "monitor")
		})
	}
}

func TestStopWhenAPIIsDown(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	a.expect(ocf.Success, "start")
	c.Fake.SetFaults(dofake.Faults{APIDown: true})
	c.Fake.SetMetadataDown(dropA, true)
	a.expect(ocf.Success, "stop")
	a.expect(ocf.NotRunning, "monitor")

	r := a.expect(ocf.ErrGeneric, "start", "OCF_RESKEY_CRM_meta_timeout", "3000", "droplet_id", "1001")
	assert.Less(t, r.Elapsed, 3*time.Second)
}

// dofakeFaultsAll makes every API request fail in a way that produces an
// error text: server errors.
func dofakeFaultsAll() dofake.Faults { return dofake.Faults{ServerErrors: 1000} }
