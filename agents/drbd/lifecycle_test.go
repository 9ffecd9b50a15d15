package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func down(dir string) *drbdfake.World {
	w := drbdfake.NewWorld(dir, v9, 1, 1)
	r := w.Resources["r0"]
	r.Up, r.Attached, r.Connected = false, false, false
	return w
}

func TestLifecycle(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, down)
	const mon = "OCF_RESKEY_CRM_meta_interval=20000"

	expectAgent(t, 7, agent, "monitor", dir) // probe of a stopped resource
	expectAgent(t, 0, agent, "start", dir)
	for _, c := range [][]string{
		{"check-resize", "r0"}, {"new-resource", "r0"}, {"new-minor", "r0"},
		{"adjust", "--skip-net", "r0"}, {"adjust", "r0"}, {"drbdsetup", "wait-connect-resource", "r0"},
	} {
		assert.True(t, called(calls(t, dir), c...), "start calls %v", c)
	}
	assert.Equal(t, "10000", score(t, dir), "score set after start")
	w := world(t, dir)
	assert.True(t, w.Resources["r0"].Up && w.Resources["r0"].Attached && w.Resources["r0"].Connected)
	expectAgent(t, 0, agent, "start", dir) // start is idempotent

	expectAgent(t, 0, agent, "monitor", dir, mon)
	expectAgent(t, 0, agent, "promote", dir)
	expectAgent(t, 8, agent, "monitor", dir, mon)
	expectAgent(t, 0, agent, "promote", dir) // promote is idempotent

	expectAgent(t, 0, agent, "demote", dir)
	expectAgent(t, 0, agent, "monitor", dir, mon)

	expectAgent(t, 0, agent, "stop", dir)
	assert.False(t, world(t, dir).Resources["r0"].Up)
	assert.Equal(t, "", score(t, dir), "score removed on stop")
	expectAgent(t, 0, agent, "stop", dir) // stop is idempotent
	expectAgent(t, 7, agent, "monitor", dir, mon)
}

// TestPromoteRefused: without access to UpToDate data DRBD refuses (17)
// and the agent says why, without retrying until the timeout.
func TestPromoteRefused(t *testing.T) {
	testenv.NeedRoot(t)
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, func(dir string) *drbdfake.World {
		w := drbdfake.NewWorld(dir, v9, 1, 1)
		w.Resources["r0"].Volumes[0].Disk = "Outdated"
		w.Resources["r0"].Peers[0].Reachable = false
		return w
	})
	r := expectAgent(t, 1, agent, "promote", dir, "OCF_RESKEY_CRM_meta_timeout=3000")
	assert.Contains(t, r.Stderr, "ocf-exit-reason:Refusing to be promoted to Primary without access to UpToDate data")
	n := 0
	for _, c := range calls(t, dir) {
		if len(c) > 1 && c[len(c)-2] == "primary" {
			n++
		}
	}
	assert.Equal(t, 1, n, "one attempt only")
	assert.Less(t, r.Elapsed, 3*time.Second, "the anti-flap pause ends with the action's deadline")
	assert.Equal(t, "Secondary", world(t, dir).Resources["r0"].Role)
}

// TestPromoteFailsEarlyIfPeerPrimary: with fail_promote_early_if_peer_primary
// a Primary peer unknown to Pacemaker ends the promotion after one try.
func TestPromoteFailsEarlyIfPeerPrimary(t *testing.T) {
	testenv.NeedRoot(t)
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, func(dir string) *drbdfake.World {
		w := drbdfake.NewWorld(dir, v9, 1, 1)
		w.Resources["r0"].Peers[0].Role = "Primary"
		w.Attrs = map[string]string{"master-d": "10000"}
		return w
	})
	r := expectAgent(t, 1, agent, "promote", dir, "OCF_RESKEY_CRM_meta_timeout=3000", "OCF_RESKEY_fail_promote_early_if_peer_primary=true")
	assert.Contains(t, r.Stderr, "ocf-exit-reason:Peer node already/still Primary")
	assert.Equal(t, "", score(t, dir))
}

// TestNotify: post notifications recompute the score; a pre-start adjusts.
func TestNotify(t *testing.T) {
	testenv.NeedRoot(t)
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, func(dir string) *drbdfake.World {
		w := drbdfake.NewWorld(dir, v9, 1, 1)
		w.Resources["r0"].Peers[0].Reachable = false
		return w
	})
	expectAgent(t, 0, agent, "notify", dir, "OCF_RESKEY_CRM_meta_notify_type=post", "OCF_RESKEY_CRM_meta_notify_operation=promote")
	assert.Equal(t, "1000", score(t, dir))
	expectAgent(t, 0, agent, "notify", dir, "OCF_RESKEY_CRM_meta_notify_type=pre", "OCF_RESKEY_CRM_meta_notify_operation=start")
	assert.True(t, called(calls(t, dir), "adjust", "r0"))

	// stop_outdates_secondary: another node is promoted and ours cannot see it
	expectAgent(t, 0, agent, "notify", dir, "OCF_RESKEY_CRM_meta_notify_type=post", "OCF_RESKEY_CRM_meta_notify_operation=promote",
		"OCF_RESKEY_stop_outdates_secondary=true", "OCF_RESKEY_CRM_meta_notify_master_uname=elsewhere")
	assert.True(t, called(calls(t, dir), "outdate", "r0"))
	assert.Equal(t, "Outdated", world(t, dir).Resources["r0"].Volumes[0].Disk)
	assert.Equal(t, "", score(t, dir))
}

// TestPromoteRetriesUntilDeadline: other failures of drbdadm primary are
// retried once a second until the action's deadline, then reported.
func TestPromoteRetriesUntilDeadline(t *testing.T) {
	testenv.NeedRoot(t)
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, func(dir string) *drbdfake.World {
		w := drbdfake.NewWorld(dir, v9, 1, 1)
		w.Fail = map[string]int{"primary": 11}
		return w
	})
	r := expectAgent(t, 1, agent, "promote", dir, "OCF_RESKEY_CRM_meta_timeout=4000")
	assert.Contains(t, r.Stderr, "ocf-exit-reason:promote did not succeed before the action timeout")
	assert.Contains(t, r.Stderr, "injected failure of primary")
	assert.Less(t, r.Elapsed, 4*time.Second)
	n := 0
	for _, c := range calls(t, dir) {
		if len(c) > 1 && c[len(c)-2] == "primary" {
			n++
		}
	}
	assert.GreaterOrEqual(t, n, 3, "retried")
}
