package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/ocf"
)

// A 404 for the reserved IP (deleted from the account, or this node's
// token belongs to another team) means the IP is not ours: a stop that
// would unassign it has nothing to do and must not fail (a failed stop
// gets the node fenced).
func TestStopWhenReservedIPIsGone(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	a.expect(ocf.Success, "start")
	c.Fake.DeleteReservedIP(fip)
	c.Fake.ResetCalls()
	r := a.expect(ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Empty(t, r.Reason(), "stderr: %s", r.Stderr)
	assert.Zero(t, c.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"), c.Fake.CallSummary())
	a.expect(ocf.NotRunning, "monitor")
	a.expect(ocf.Success, "stop", "unassign_on_stop", "true")
}

// A 404 at start may be this node's alone (its token file holds another
// team's token): ERR_ARGS bans the resource from this node, where
// ERR_CONFIGURED would stop it everywhere.
func TestStartWhenReservedIPIsUnknown(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	c.Fake.DeleteReservedIP(fip)
	r := a.expect(ocf.ErrArgs, "start")
	assert.Contains(t, r.Reason(), "does not exist in the account of this node's token")
	a.expect(ocf.NotRunning, "monitor")
	a.expect(ocf.Success, "stop", "unassign_on_stop", "true")
}
