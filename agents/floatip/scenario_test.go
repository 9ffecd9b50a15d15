package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/dofake"
)

func TestTwoDroplets(t *testing.T) {
	c := newCloud(t)
	a, b := c.node(t, dropA), c.node(t, dropB)

	a.expect(ocf.NotRunning, "monitor") // probe before start
	a.expect(ocf.Success, "start")
	assert.Equal(t, dropA, c.Fake.Holder(fip))
	a.expect(ocf.Success, "monitor", recurring, "10000")

	b.expect(ocf.NotRunning, "monitor")
	b.expect(ocf.Success, "start")
	assert.Equal(t, dropB, c.Fake.Holder(fip))
	r := a.expect(ocf.NotRunning, "monitor", recurring, "10000")
	assert.Contains(t, r.Reason(), "droplet 1002", "A's monitor says where the IP went")
	b.expect(ocf.Success, "monitor", recurring, "10000")

	a.expect(ocf.Success, "start")
	assert.Equal(t, dropA, c.Fake.Holder(fip))
	b.expect(ocf.NotRunning, "monitor", recurring, "10000")
	a.expect(ocf.Success, "monitor", recurring, "10000")

	b.expect(ocf.Success, "stop")
	a.expect(ocf.Success, "stop")
	a.expect(ocf.Success, "stop")
	a.expect(ocf.NotRunning, "monitor")
	assert.Equal(t, dropA, c.Fake.Holder(fip), "stop leaves the IP in place by default")
}

func TestAPICallsPerAction(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)

	c.Fake.ResetCalls()
	a.expect(ocf.Success, "start")
	polls := c.Fake.Calls("GET /v2/reserved_ips/{ip}/actions/{id}")
	assert.GreaterOrEqual(t, polls, 1)
	assert.Equal(t, 1, c.Fake.Calls("GET /v2/reserved_ips/{ip}"), c.Fake.CallSummary())
	assert.Equal(t, 1, c.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"), c.Fake.CallSummary())
	assert.Equal(t, 2+polls, c.Fake.APICalls(), "start when elsewhere: GET, POST and polls\n%s", c.Fake.CallSummary())

	c.Fake.ResetCalls()
	a.expect(ocf.Success, "start")
	assert.Equal(t, 1, c.Fake.APICalls(), "start when already ours: one GET\n%s", c.Fake.CallSummary())

	c.Fake.ResetCalls()
	for i := 0; i < 3; i++ {
		a.expect(ocf.Success, "monitor", recurring, "10000")
	}
	assert.Zero(t, c.Fake.APICalls(), "monitor when metadata agrees\n%s", c.Fake.CallSummary())
	assert.Positive(t, c.Fake.MetadataCalls(dropA))

	c.Fake.ResetCalls()
	a.expect(ocf.Success, "stop")
	assert.Zero(t, c.Fake.APICalls(), "stop without unassign_on_stop")

	c.Fake.ResetCalls()
	a.expect(ocf.NotRunning, "monitor")
	assert.Zero(t, c.Fake.APICalls()+c.Fake.MetadataCalls(dropA), "a probe where it was never started asks nothing")
}

func TestDropletIDIsKept(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	a.expect(ocf.Success, "start")
	assert.Equal(t, 1, c.Fake.Calls("META 1001 /metadata/v1/id"))
	a.expect(ocf.Success, "start")
	assert.Equal(t, 1, c.Fake.Calls("META 1001 /metadata/v1/id"), "the droplet id is read once and kept in the state file")

	// With metadata down, a kept id still lets start and monitor work.
	c.Fake.SetMetadataDown(dropA, true)
	a.expect(ocf.Success, "start")
	a.expect(ocf.Success, "monitor", recurring, "10000")
}

func TestExplicitDropletID(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	c.Fake.SetMetadataDown(dropA, true)
	a.expect(ocf.Success, "start", "droplet_id", "1001")
	assert.Equal(t, dropA, c.Fake.Holder(fip))
	a.expect(ocf.Success, "monitor", recurring, "10000", "droplet_id", "1001")
}

func TestUnassignOnStop(t *testing.T) {
	c := newCloud(t)
	a, b := c.node(t, dropA), c.node(t, dropB)
	a.expect(ocf.Success, "start")
	a.expect(ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Equal(t, 0, c.Fake.Holder(fip))
	a.expect(ocf.NotRunning, "monitor")

	// Only if still ours: B holds it now, A's stop leaves it alone.
	a.expect(ocf.Success, "start")
	b.expect(ocf.Success, "start")
	c.Fake.ResetCalls()
	a.expect(ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Equal(t, dropB, c.Fake.Holder(fip))
	assert.Zero(t, c.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"))

	// Stopping where it never started asks nothing.
	c.Fake.ResetCalls()
	a.expect(ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Zero(t, c.Fake.APICalls())
}

func TestFloatingIPMovedBehindOurBack(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	a.expect(ocf.Success, "start")
	c.Fake.ResetCalls()
	c.Fake.Assign(fip, dropC)
	r := a.expect(ocf.NotRunning, "monitor", recurring, "10000")
	assert.Contains(t, r.Reason(), "droplet 1003")
	assert.Equal(t, 1, c.Fake.APICalls(), "metadata disagrees: exactly one API GET confirms\n%s", c.Fake.CallSummary())

	c.Fake.Assign(fip, 0)
	r = a.expect(ocf.NotRunning, "monitor", recurring, "10000")
	assert.Contains(t, r.Reason(), "no droplet")
}

func TestUnassignAfterFailedStart(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	// The assignment happens but start cannot confirm it in time: the
	// action completes only after start's deadline.
	c.Fake.SetFaults(dofake.Faults{ActionDelay: 4 * time.Second})
	a.expect(ocf.ErrGeneric, "start", "OCF_RESKEY_CRM_meta_timeout", "3000")
	c.Fake.SetFaults(dofake.Faults{})
	require.Eventually(t, func() bool { return c.Fake.Holder(fip) == dropA }, 10*time.Second, 100*time.Millisecond)
	a.expect(ocf.NotRunning, "monitor", recurring, "10000")
	a.expect(ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Equal(t, 0, c.Fake.Holder(fip), "stop after a failed start still unassigns what that start moved")
}
