package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// eqCase is one DRBD state both agents monitor.
type eqCase struct {
	name    string
	kernel  string // "9.2.7" or "8.4.11"
	volumes int
	peers   int
	change  func(r *drbdfake.Resource, w *drbdfake.World)
	env     []string // extra parameters and meta attributes
	prior   string   // promotion score before the monitor
	code    int      // expected monitor exit code
	score   string   // expected promotion score afterwards ("" none)
	// afterSave runs once the world is saved (e.g. a stray device node).
	afterSave func(t *testing.T, dir string)
	// diverges says why ocfkit answers otherwise than the anchor here.
	diverges string
}

const (
	v9  = "9.2.7"
	v84 = "8.4.11"
	v83 = "8.3.10" // the seed's version: sh-status per device
)

func r0(w *drbdfake.World) *drbdfake.Resource { return w.Resources["r0"] }

func peerDown(r *drbdfake.Resource, _ *drbdfake.World) {
	for _, p := range r.Peers {
		p.Reachable = false
	}
}

func disks(ds ...string) func(r *drbdfake.Resource, w *drbdfake.World) {
	return func(r *drbdfake.Resource, _ *drbdfake.World) {
		for i, d := range ds {
			r.Volumes[i].Disk = d
		}
	}
}

func all(fs ...func(r *drbdfake.Resource, w *drbdfake.World)) func(r *drbdfake.Resource, w *drbdfake.World) {
	return func(r *drbdfake.Resource, w *drbdfake.World) {
		for _, f := range fs {
			f(r, w)
		}
	}
}

func primary(r *drbdfake.Resource, _ *drbdfake.World) { r.Role = "Primary" }

func peerPrimary(r *drbdfake.Resource, _ *drbdfake.World) { r.Peers[0].Role = "Primary" }

func peerDisks(peer int, ds ...string) func(r *drbdfake.Resource, w *drbdfake.World) {
	return func(r *drbdfake.Resource, _ *drbdfake.World) {
		for i, d := range ds {
			r.Peers[peer].Volumes[i].Disk = d
		}
	}
}

func client(r *drbdfake.Resource, _ *drbdfake.World) {
	for _, v := range r.Volumes {
		v.Client = true
	}
}

func peerClient(r *drbdfake.Resource, _ *drbdfake.World) {
	for _, v := range r.Peers[0].Volumes {
		v.Client = true
	}
}

func noQuorum(r *drbdfake.Resource, _ *drbdfake.World) { r.NoQuorum = true }

func locatedOn(node string) func(r *drbdfake.Resource, w *drbdfake.World) {
	return func(_ *drbdfake.Resource, w *drbdfake.World) {
		w.Locate = []string{"resource d is running on: " + node + " Master"}
	}
}

var eqCases = []eqCase{
	// DRBD 9, one volume, one peer
	{name: "secondary, all UpToDate", kernel: v9, volumes: 1, peers: 1, code: 0, score: "10000"},
	{name: "primary, all UpToDate", kernel: v9, volumes: 1, peers: 1, change: primary, code: 8, score: "10000"},
	{name: "secondary UpToDate, peer disk unknown", kernel: v9, volumes: 1, peers: 1, change: peerDown, code: 0, score: "1000"},
	{name: "primary UpToDate, peer disk unknown", kernel: v9, volumes: 1, peers: 1, change: all(primary, peerDown), code: 8, score: "10000"},
	{name: "no peers configured", kernel: v9, volumes: 1, peers: 0, code: 0, score: "10000"},
	{name: "Outdated, peer UpToDate", kernel: v9, volumes: 1, peers: 1, change: disks("Outdated"), code: 0, score: "10"},
	{name: "Inconsistent, peer UpToDate", kernel: v9, volumes: 1, peers: 1, change: disks("Inconsistent"), code: 0, score: "10"},
	{name: "Consistent, peer unknown", kernel: v9, volumes: 1, peers: 1, change: all(disks("Consistent"), peerDown), prior: "1000", code: 0, score: ""},
	{name: "Consistent, peer unknown, first level 5", kernel: v9, volumes: 1, peers: 1, change: all(disks("Consistent"), peerDown),
		env: []string{"OCF_RESKEY_adjust_master_score=5 10 1000 10000"}, code: 0, score: "5"},
	{name: "Outdated, peer unknown", kernel: v9, volumes: 1, peers: 1, change: all(disks("Outdated"), peerDown), prior: "10000", code: 0, score: ""},
	{name: "Inconsistent on both sides", kernel: v9, volumes: 1, peers: 1, change: all(disks("Inconsistent"), peerDisks(0, "Inconsistent")), prior: "10", code: 0, score: ""},
	{name: "Detaching, first level 5", kernel: v9, volumes: 1, peers: 1, change: all(disks("Detaching"), peerDown),
		env: []string{"OCF_RESKEY_adjust_master_score=5 10 1000 10000"}, prior: "10000", code: 0, score: ""},
	{name: "Attaching alone counts as UpToDate in events2", kernel: v9, volumes: 1, peers: 1, change: all(disks("Attaching"), peerDown), code: 0, score: "1000"},
	{name: "Attaching beside Inconsistent leaves the score", kernel: v9, volumes: 2, peers: 1, change: all(disks("Attaching", "Inconsistent"), peerDown), prior: "777", code: 0, score: "777"},
	{name: "Negotiating beside Outdated leaves the score", kernel: v9, volumes: 2, peers: 1, change: all(disks("Negotiating", "Outdated"), peerDown), prior: "555", code: 0, score: "555"},
	{name: "quorum lost, secondary", kernel: v9, volumes: 1, peers: 1, change: noQuorum, prior: "10000", code: 0, score: ""},
	{name: "quorum lost, primary", kernel: v9, volumes: 1, peers: 1, change: all(noQuorum, primary), prior: "10000", code: 8, score: ""},
	{name: "peer Primary, policy false", kernel: v9, volumes: 1, peers: 1, change: peerPrimary, code: 0, score: "10000"},
	{name: "peer Primary, policy true", kernel: v9, volumes: 1, peers: 1, change: peerPrimary,
		env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=true"}, prior: "10000", code: 0, score: ""},
	{name: "peer Primary with Outdated disk, policy true", kernel: v9, volumes: 1, peers: 1, change: all(peerPrimary, peerDisks(0, "Outdated")),
		env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=true"}, code: 0, score: "10000"},
	{name: "peer Primary known to Pacemaker, policy unexpected", kernel: v9, volumes: 1, peers: 1, change: all(peerPrimary, locatedOn("node2")),
		env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=unexpected"}, code: 0, score: "10000"},
	{name: "peer Primary unknown to Pacemaker, policy unexpected", kernel: v9, volumes: 1, peers: 1, change: peerPrimary,
		env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=unexpected"}, prior: "10000", code: 0, score: ""},
	{name: "peer Primary unknown to Pacemaker, policy unexpected, no score yet", kernel: v9, volumes: 1, peers: 1, change: peerPrimary,
		env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=unexpected"}, code: 0, score: ""},
	{name: "peer Primary unknown, policy unexpected, two promoted allowed", kernel: v9, volumes: 1, peers: 1, change: peerPrimary,
		env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=unexpected", "OCF_RESKEY_CRM_meta_master_max=2"}, code: 0, score: "10000"},
	{name: "diskless client, peer UpToDate", kernel: v9, volumes: 1, peers: 1, change: client, code: 0, score: "9999"},
	{name: "diskless client, primary", kernel: v9, volumes: 1, peers: 1, change: all(client, primary), code: 8, score: "9999"},
	{name: "diskless client, one of two peers UpToDate", kernel: v9, volumes: 1, peers: 2, change: all(client, peerDisks(1, "Outdated")), code: 0, score: "999"},
	{name: "diskless client, peer unknown", kernel: v9, volumes: 1, peers: 1, change: all(client, peerDown), prior: "9999", code: 0, score: ""},
	{name: "peer is a diskless client", kernel: v9, volumes: 1, peers: 1, change: peerClient, code: 0, score: "10000"},
	{name: "peer disk unknown while connected", kernel: v9, volumes: 2, peers: 1, change: peerDisks(0, "UpToDate", "DUnknown"), code: 0, score: "1000"},
	{name: "two volumes, two peers, all UpToDate", kernel: v9, volumes: 2, peers: 2, code: 0, score: "10000"},
	{name: "two volumes, one Outdated, peer UpToDate", kernel: v9, volumes: 2, peers: 1, change: disks("UpToDate", "Outdated"), code: 0, score: "10"},
	{name: "custom levels, peer unknown", kernel: v9, volumes: 1, peers: 1, change: peerDown,
		env: []string{"OCF_RESKEY_adjust_master_score=1 20 2000 20000"}, code: 0, score: "2000"},
	{name: "resource down, device nodes left behind", kernel: v9, volumes: 1, peers: 1,
		change: func(r *drbdfake.Resource, _ *drbdfake.World) { r.Up = false }, prior: "10000", code: 7, score: "",
		afterSave: func(t *testing.T, dir string) {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "dev"), 0o755))
			require.NoError(t, unix.Mknod(filepath.Join(dir, "dev", "drbd0"), unix.S_IFBLK|0o660, int(unix.Mkdev(147, 0))))
		}},
	{name: "probe of a stopped resource keeps the score", kernel: v9, volumes: 1, peers: 1,
		change: func(r *drbdfake.Resource, _ *drbdfake.World) { r.Up = false }, env: []string{"OCF_RESKEY_CRM_meta_interval=0"}, prior: "10000", code: 7, score: "10000"},
	{name: "resource absent from the configuration", kernel: v9, volumes: 1, peers: 1,
		change: func(r *drbdfake.Resource, _ *drbdfake.World) { r.InConfig = false }, prior: "10000", code: 0, score: "",
		diverges: "the kernel still runs r0: a monitor never hides a running resource (the anchor says 5; both remove the score)"},

	// DRBD 8.4 (sh-status)
	{name: "8.4 secondary, all UpToDate", kernel: v84, volumes: 1, peers: 1, code: 0, score: "10000"},
	{name: "8.4 primary", kernel: v84, volumes: 1, peers: 1, change: primary, code: 8, score: "10000"},
	{name: "8.4 secondary, peer unknown", kernel: v84, volumes: 1, peers: 1, change: peerDown, code: 0, score: "1000"},
	{name: "8.4 Outdated, peer UpToDate", kernel: v84, volumes: 1, peers: 1, change: disks("Outdated"), code: 0, score: "10"},
	{name: "8.4 Consistent, peer unknown", kernel: v84, volumes: 1, peers: 1, change: all(disks("Consistent"), peerDown), prior: "10", code: 0, score: ""},
	{name: "8.4 Detaching, first level 5", kernel: v84, volumes: 1, peers: 1, change: all(disks("Detaching"), peerDown),
		env: []string{"OCF_RESKEY_adjust_master_score=5 10 1000 10000"}, code: 0, score: "5"},
	{name: "8.4 Attaching leaves the score", kernel: v84, volumes: 1, peers: 1, change: all(disks("Attaching"), peerDown), prior: "777", code: 0, score: "777"},
	{name: "8.4 two volumes, one Inconsistent, peer unknown", kernel: v84, volumes: 2, peers: 1, change: all(disks("UpToDate", "Inconsistent"), peerDown), prior: "1000", code: 0, score: ""},
	{name: "8.4 two volumes, all UpToDate", kernel: v84, volumes: 2, peers: 1, code: 0, score: "10000"},
	{name: "8.4 peer Primary, policy true", kernel: v84, volumes: 1, peers: 1, change: peerPrimary,
		env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=true"}, prior: "10000", code: 0, score: ""},
	{name: "8.4 syncing from the peer", kernel: v84, volumes: 1, peers: 1,
		change: func(r *drbdfake.Resource, _ *drbdfake.World) {
			r.Volumes[0].Disk = "Inconsistent"
			r.Peers[0].Volumes[0].Replication = "SyncTarget"
		}, code: 0, score: "10"},
}

func init() {
	eqCases = append(eqCases,
		eqCase{name: "8.3 secondary, all UpToDate", kernel: v83, volumes: 1, peers: 1, code: 0, score: "10000"},
		eqCase{name: "8.3 primary, peer unknown", kernel: v83, volumes: 1, peers: 1, change: all(primary, peerDown), code: 8, score: "10000"},
		eqCase{name: "8.3 Outdated, peer UpToDate", kernel: v83, volumes: 1, peers: 1, change: disks("Outdated"), code: 0, score: "10"},
	)
	// A malformed adjust_master_score is a logged fallback to the default
	// scores in both (issue 14), and ocf_is_true spellings of a boolean.
	for _, bad := range []string{"5 10 1000", "abc", "5 1000 10 10000"} {
		eqCases = append(eqCases, eqCase{name: "adjust_master_score " + bad, kernel: v9, volumes: 1, peers: 1, change: peerDown,
			env: []string{"OCF_RESKEY_adjust_master_score=" + bad}, code: 0, score: "1000"})
	}
	for v, removed := range map[string]bool{"ja": true, "Yes": false, "enabled": false} {
		want := "10000"
		if removed {
			want = ""
		}
		eqCases = append(eqCases, eqCase{name: "8.4 peer Primary, policy " + v, kernel: v84, volumes: 1, peers: 1, change: peerPrimary,
			env: []string{"OCF_RESKEY_remove_master_score_if_peer_primary=" + v}, prior: "10000", code: 0, score: want})
	}
}

// TestEqualToAnchor monitors each state with ocf:linbit:drbd and with
// ocfkit's drbd and requires the same exit code and the same promotion
// score, and the score the rules promise.
func TestEqualToAnchor(t *testing.T) {
	testenv.NeedRoot(t) // device nodes
	testenv.NeedCmd(t, "crm_master")
	require.GreaterOrEqual(t, len(eqCases), 30)
	ours := testenv.BuildAgent(t, "drbd")
	for _, c := range eqCases {
		c := c
		// Written here, before any parallel case forks: a file being
		// written while another goroutine forks cannot be executed
		// (ETXTBSY).
		dir := fakeDir(t, c.world)
		anchor := anchorCopy(t, filepath.Join(dir, "proc_drbd"))
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.afterSave != nil {
				c.afterSave(t, dir)
			}
			vars := append([]string{"OCF_RESKEY_CRM_meta_interval=20000"}, c.env...)

			a := runAgent(t, anchor, "monitor", dir, vars...)
			anchorScore := score(t, dir)
			anchorUnfence := called(calls(t, dir), "unfence-peer")

			c.reset(t, dir)
			o := runAgent(t, ours, "monitor", dir, vars...)
			oursScore := score(t, dir)

			if c.diverges == "" {
				assert.Equal(t, a.Code, o.Code, "exit code: anchor %d, ocfkit %d\nanchor stderr: %s\nocfkit stderr: %s", a.Code, o.Code, a.Stderr, o.Stderr)
				assert.Equal(t, anchorScore, oursScore, "promotion score\nanchor stderr: %s\nocfkit stderr: %s", a.Stderr, o.Stderr)
			} else {
				t.Logf("ocfkit diverges from the anchor (exit %d, score %q): %s", a.Code, anchorScore, c.diverges)
			}
			assert.Equal(t, c.code, o.Code, "expected exit code; ocfkit stderr: %s", o.Stderr)
			assert.Equal(t, c.score, oursScore, "expected promotion score")
			assert.Equal(t, anchorUnfence, called(calls(t, dir), "unfence-peer"), "unfence hook")
		})
	}
}

func (c eqCase) world(dir string) *drbdfake.World {
	w := drbdfake.NewWorld(dir, c.kernel, c.volumes, c.peers)
	if c.change != nil {
		c.change(r0(w), w)
	}
	if c.prior != "" {
		w.Attrs = map[string]string{"master-d": c.prior}
	}
	return w
}

// reset puts the world back as it was before the first agent ran.
func (c eqCase) reset(t *testing.T, dir string) {
	t.Helper()
	require.NoError(t, c.world(dir).Save(drbdfake.Path(dir)))
	if c.afterSave != nil {
		os.Remove(filepath.Join(dir, "dev", "drbd0"))
		c.afterSave(t, dir)
	}
	os.Remove(filepath.Join(dir, "calls.log"))
}

// TestUnfenceLikeAnchor: Primary with every disk UpToDate calls the
// unfence hook when asked to, in both agents.
func TestUnfenceLikeAnchor(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "crm_master")
	ours := testenv.BuildAgent(t, "drbd")
	c := eqCase{kernel: v9, volumes: 1, peers: 1, change: primary}
	dir := fakeDir(t, c.world)
	vars := []string{"OCF_RESKEY_CRM_meta_interval=10000", "OCF_RESKEY_unfence_if_all_uptodate=true"}
	expectAgent(t, 8, anchorCopy(t, filepath.Join(dir, "proc_drbd")), "monitor", dir, vars...)
	require.True(t, called(calls(t, dir), "unfence-peer", "r0"), "anchor calls the hook")
	c.reset(t, dir)
	expectAgent(t, 8, ours, "monitor", dir, vars...)
	assert.True(t, called(calls(t, dir), "unfence-peer", "r0"), "ocfkit calls the hook")
	assert.Equal(t, "10000", score(t, dir))
}

// TestNotRunningDeviation documents the one deliberate difference: a
// recurring monitor that finds no device node reports "not running" in
// both agents, but the anchor evaluates its rules on unset state and
// writes 9999, while ocfkit removes the score.
func TestNotRunningDeviation(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "crm_master")
	ours := testenv.BuildAgent(t, "drbd")
	c := eqCase{kernel: v9, volumes: 1, peers: 1, prior: "10000",
		change: func(r *drbdfake.Resource, _ *drbdfake.World) { r.Up = false }}
	dir := fakeDir(t, c.world)
	expectAgent(t, 7, anchorCopy(t, filepath.Join(dir, "proc_drbd")), "monitor", dir, "OCF_RESKEY_CRM_meta_interval=20000")
	assert.Equal(t, "9999", score(t, dir), "the anchor's quirk (if this changes, the anchor changed)")
	c.reset(t, dir)
	o := expectAgent(t, 7, ours, "monitor", dir, "OCF_RESKEY_CRM_meta_interval=20000")
	assert.Equal(t, "", score(t, dir), fmt.Sprintf("ocfkit removes the score: %s", o.Stderr))
}
