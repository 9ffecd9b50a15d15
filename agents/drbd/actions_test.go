package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// readOnly are calls that only look; the comparison is about what the
// agents change (ocfkit reads the version from the proc file, for one).
var readOnly = map[string]bool{
	"--version": true, "sh-dev": true, "events2": true, "sh-status": true, "sh-mod-parms": true,
	"dump": true, "role": true, "cstate": true, "dstate": true,
}

// changes are the drbdadm/drbdsetup calls that act, without -c <conf>
// and -v.
func changes(cs [][]string) []string {
	var out []string
	for _, c := range cs {
		if c[0] != "drbdadm" && c[0] != "drbdsetup" {
			continue
		}
		var words []string
		for i := 1; i < len(c); i++ {
			switch {
			case c[i] == "-c":
				i++
			case c[i] == "-v":
			default:
				words = append(words, c[i])
			}
		}
		if len(words) > 1 && (words[0] == "-S" || strings.HasPrefix(words[0], "/")) && readOnly[words[1]] {
			continue // drbdadm -S sh-dev, drbdsetup /dev/drbd0 sh-status
		}
		if len(words) == 0 || readOnly[words[0]] {
			continue
		}
		out = append(out, c[0]+" "+strings.Join(words, " "))
	}
	return out
}

type actCase struct {
	name   string
	action string
	world  func(dir string) *drbdfake.World
	env    []string
	code   int
	after  func(t *testing.T, w *drbdfake.World)
}

func stopped(kernel string, peers int) func(dir string) *drbdfake.World {
	return func(dir string) *drbdfake.World {
		w := drbdfake.NewWorld(dir, kernel, 1, peers)
		r := w.Resources["r0"]
		r.Up, r.Attached, r.Connected = false, false, false
		return w
	}
}

func running(kernel, role string) func(dir string) *drbdfake.World {
	return func(dir string) *drbdfake.World {
		w := drbdfake.NewWorld(dir, kernel, 1, 1)
		w.Resources["r0"].Role = role
		w.Attrs = map[string]string{"master-d": "10000"}
		return w
	}
}

// TestActionsLikeAnchor runs the other actions of both agents from the same
// state and requires the same exit code, the same DRBD commands in the same
// order, the same resulting DRBD state and the same promotion score.
func TestActionsLikeAnchor(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "crm_master")
	ours := testenv.BuildAgent(t, "drbd")
	cases := []actCase{
		{name: "start DRBD 9", action: "start", world: stopped(v9, 1),
			after: func(t *testing.T, w *drbdfake.World) { assert.True(t, w.Resources["r0"].Connected) }},
		{name: "start DRBD 9 without peers", action: "start", world: stopped(v9, 0)},
		{name: "start DRBD 8.4 with the peer named", action: "start", world: stopped(v84, 1),
			env: []string{"OCF_RESKEY_CRM_meta_notify_start_uname=node1 node2"}},
		{name: "start DRBD 8.3", action: "start", world: stopped(v83, 1)},
		{name: "start connect only after promote", action: "start", world: stopped(v9, 1),
			env:   []string{"OCF_RESKEY_connect_only_after_promote=true"},
			after: func(t *testing.T, w *drbdfake.World) { assert.False(t, w.Resources["r0"].Connected) }},
		{name: "start while Primary", action: "start", world: running(v9, "Primary")},
		{name: "stop Secondary", action: "stop", world: running(v9, "Secondary")},
		{name: "stop Primary", action: "stop", world: running(v9, "Primary")},
		{name: "stop stopped", action: "stop", world: stopped(v9, 1)},
		{name: "stop outdates a Secondary while another is promoted", action: "stop", world: running(v9, "Secondary"),
			env: []string{"OCF_RESKEY_stop_outdates_secondary=true", "OCF_RESKEY_CRM_meta_notify_master_uname=node2"}},
		{name: "promote", action: "promote", world: running(v9, "Secondary")},
		{name: "promote 8.4", action: "promote", world: running(v84, "Secondary")},
		{name: "promote Primary", action: "promote", world: running(v9, "Primary")},
		{name: "promote then connect", action: "promote", world: running(v9, "Secondary"),
			env: []string{"OCF_RESKEY_connect_only_after_promote=true"}},
		{name: "demote", action: "demote", world: running(v9, "Primary")},
		{name: "demote Secondary", action: "demote", world: running(v9, "Secondary")},
		{name: "notify post promote", action: "notify", world: running(v9, "Secondary"),
			env: []string{"OCF_RESKEY_CRM_meta_notify_type=post", "OCF_RESKEY_CRM_meta_notify_operation=promote"}},
		{name: "notify pre start 8.4", action: "notify", world: running(v84, "Secondary"),
			env: []string{"OCF_RESKEY_CRM_meta_notify_type=pre", "OCF_RESKEY_CRM_meta_notify_operation=start", "OCF_RESKEY_CRM_meta_notify_start_uname=node2"}},
		{name: "notify post stop, peer gone, outdate", action: "notify", world: func(dir string) *drbdfake.World {
			w := running(v9, "Secondary")(dir)
			w.Resources["r0"].Peers[0].Reachable = false
			return w
		}, env: []string{"OCF_RESKEY_CRM_meta_notify_type=post", "OCF_RESKEY_CRM_meta_notify_operation=stop",
			"OCF_RESKEY_stop_outdates_secondary=true", "OCF_RESKEY_CRM_meta_notify_master_uname=node2"}},
		{name: "reload", action: "reload", world: running(v9, "Secondary"), env: []string{"OCF_RESKEY_adjust_master_score=0 10 500 5000"}},
		{name: "unfence when all UpToDate", action: "monitor", world: running(v9, "Primary"),
			env: []string{"OCF_RESKEY_unfence_if_all_uptodate=true", "OCF_RESKEY_CRM_meta_interval=10000"}, code: 8},
	}
	for _, c := range cases {
		c := c
		dir := fakeDir(t, c.world)
		anchor := anchorCopy(t, filepath.Join(dir, "proc_drbd"))
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := runAgent(t, anchor, c.action, dir, c.env...)
			anchorWorld, anchorCalls := world(t, dir), changes(calls(t, dir))

			require.NoError(t, c.world(dir).Save(drbdfake.Path(dir)))
			os.Remove(filepath.Join(dir, "calls.log"))
			o := runAgent(t, ours, c.action, dir, c.env...)
			oursWorld, oursCalls := world(t, dir), changes(calls(t, dir))

			assert.Equal(t, c.code, a.Code, "anchor: %s", a.Stderr)
			assert.Equal(t, a.Code, o.Code, "ocfkit: %s", o.Stderr)
			assert.Equal(t, anchorCalls, oursCalls, "DRBD commands")
			t.Logf("commands: %q", oursCalls)
			assert.Equal(t, anchorWorld.Resources, oursWorld.Resources, "resulting DRBD state")
			assert.Equal(t, anchorWorld.Attrs["master-d"], oursWorld.Attrs["master-d"], "promotion score")
			if c.after != nil {
				c.after(t, oursWorld)
			}
		})
	}
}
