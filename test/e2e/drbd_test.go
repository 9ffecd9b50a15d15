package e2e

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestDrbdPromotable runs ocfkit's drbd as a promotable clone on the fake
// DRBD under a real Pacemaker: it is promoted; when its disk turns Outdated
// the monitor removes the promotion score and Pacemaker demotes it; back to
// UpToDate it is promoted again.
func TestDrbdPromotable(t *testing.T) {
	// The fake's directory is made before the cluster so that it is removed
	// after it (cleanups run last first): a failing test must still leave
	// Pacemaker a working drbdadm to stop the resource with.
	dir := t.TempDir()
	fake := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")
	c := cluster.Start(t, cluster.Options{Agents: []string{"drbd"}})
	require.NoError(t, os.Chmod(dir, 0o755))
	require.NoError(t, drbdfake.Install(fake, dir))
	w := drbdfake.NewWorld(dir, "9.2.7", 1, 0)
	r0 := w.Resources["r0"]
	r0.Up, r0.Attached, r0.Connected = false, false, false
	state := drbdfake.Path(dir)
	require.NoError(t, w.Save(state))
	conf := filepath.Join(dir, "drbd.conf")
	require.NoError(t, os.WriteFile(conf, nil, 0o644))

	desc := c.Pcs(t, "resource", "describe", "ocf:ocfkit:drbd")
	assert.Contains(t, desc, "drbd_resource")
	assert.Contains(t, desc, "adjust_master_score")

	c.Pcs(t, "resource", "create", "d", "ocf:ocfkit:drbd", "drbd_resource=r0", "drbdconf="+conf,
		"drbdadm="+filepath.Join(dir, "drbdadm"), "drbdsetup="+filepath.Join(dir, "drbdsetup"),
		"proc_drbd="+filepath.Join(dir, "proc_drbd"),
		"op", "monitor", "interval=2s", "role=Promoted", "timeout=20s",
		"op", "monitor", "interval=3s", "role=Unpromoted", "timeout=20s",
		"promotable", "notify=true")

	role := func() string {
		w, err := drbdfake.Read(state)
		require.NoError(t, err)
		return w.Resources["r0"].Role
	}
	promoted := func(what string) {
		c.WaitFor(t, 2*time.Minute, what, func() bool {
			return c.ResourceRole(t, "d-clone") == "Promoted" && role() == "Primary"
		})
		assert.Equal(t, "10000", c.NodeAttr(t, "master-d"))
	}
	promoted("d promoted")

	require.NoError(t, drbdfake.Modify(state, func(w *drbdfake.World) {
		w.Resources["r0"].Volumes[0].Disk = "Outdated"
	}))
	c.WaitFor(t, 2*time.Minute, "d demoted after its disk went Outdated", func() bool {
		return c.ResourceRole(t, "d-clone") == "Unpromoted" && role() == "Secondary"
	})
	assert.Equal(t, "", c.NodeAttr(t, "master-d"), "no promotion score with Outdated data")

	require.NoError(t, drbdfake.Modify(state, func(w *drbdfake.World) {
		w.Resources["r0"].Volumes[0].Disk = "UpToDate"
	}))
	promoted("d promoted again once UpToDate")

	calls, err := drbdfake.Calls(filepath.Join(dir, "calls.log"))
	require.NoError(t, err)
	var primaries, secondaries int
	for _, call := range calls {
		if len(call) < 2 {
			continue
		}
		switch call[len(call)-2] {
		case "primary":
			primaries++
		case "secondary":
			secondaries++
		}
	}
	assert.GreaterOrEqual(t, primaries, 2)
	assert.GreaterOrEqual(t, secondaries, 1)

	c.Pcs(t, "resource", "disable", "d-clone")
	c.WaitFor(t, 2*time.Minute, "d stopped", func() bool { return c.ResourceRole(t, "d-clone") == "Stopped" })
	w, err = drbdfake.Read(state)
	require.NoError(t, err)
	assert.False(t, w.Resources["r0"].Up, "stop took the resource down")
	assert.Equal(t, "", c.NodeAttr(t, "master-d"))
}
