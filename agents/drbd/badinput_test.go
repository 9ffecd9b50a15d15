package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestBadInput(t *testing.T) {
	agent := testenv.BuildAgent(t, "drbd")
	healthy := func(dir string) *drbdfake.World { return drbdfake.NewWorld(dir, v9, 1, 1) }
	tests := []struct {
		name   string
		action string
		world  func(dir string) *drbdfake.World
		vars   func(dir string) []string // see reskeys
		code   int
		reason string
	}{
		{"drbd_resource missing", "start", healthy,
			func(string) []string { return []string{"OCF_RESKEY_drbd_resource="} },
			6, "required parameter drbd_resource is not set"},
		{"resource absent from the configuration", "start", healthy,
			func(string) []string { return []string{"OCF_RESKEY_drbd_resource=r9"} },
			5, "DRBD resource r9 not found in configuration file"},
		{"clone-node-max 2", "start", healthy,
			func(string) []string { return []string{"OCF_RESKEY_CRM_meta_clone_node_max=2"} },
			6, "meta parameter misconfigured, expected clone-node-max = 1, but found 2."},
		{"promoted-max 3", "promote", healthy,
			func(string) []string { return []string{"OCF_RESKEY_CRM_meta_master_max=3"} },
			6, "expected master-max -le 2, but found 3"},
		{"two promoted without allow-two-primaries", "start", healthy,
			func(string) []string { return []string{"OCF_RESKEY_CRM_meta_master_max=2"} },
			6, "master-max > 1, but DRBD resource r0 does not allow-two-primaries."},
		{"DRBD 8.4 outside a clone", "start", func(dir string) *drbdfake.World { return drbdfake.NewWorld(dir, v84, 1, 1) },
			func(string) []string {
				return []string{"OCF_RESKEY_CRM_meta_clone_max="}
			},
			6, "expected clone-max -le 2, but found unset"},
		{"notify not enabled", "start", healthy,
			func(string) []string { return []string{"OCF_RESKEY_CRM_meta_notify="} },
			6, "you really should enable notify when using this RA (or set ignore_missing_notifications=true)"},
		{"drbdconf with shell characters", "validate-all", healthy,
			func(string) []string { return []string{"OCF_RESKEY_drbdconf=/etc/drbd.conf;reboot"} },
			6, "drbdconf name must only contain"},
		{"drbdconf missing", "validate-all", healthy,
			func(dir string) []string {
				return []string{"OCF_RESKEY_drbdconf=" + filepath.Join(dir, "nope.conf")}
			},
			5, "does not exist or is not readable"},
		{"resource name with shell characters", "validate-all", healthy,
			func(string) []string { return []string{"OCF_RESKEY_drbd_resource=r0$(id)"} },
			6, "Resource name must only contain"},
		{"module version too old", "validate-all", healthy,
			func(string) []string {
				return []string{"OCF_RESKEY_require_drbd_module_version_ge=9.3.0"}
			},
			5, "required DRBD kernel (module) version -ge 9.3.0, but found: 0x090207"},
		{"module version bound malformed", "validate-all", healthy,
			func(string) []string {
				return []string{"OCF_RESKEY_require_drbd_module_version_lt=9.x"}
			},
			6, "require_drbd_module_version_lt: invalid version format"},
		{"module not loaded", "monitor", func(dir string) *drbdfake.World {
			w := drbdfake.NewWorld(dir, "", 1, 1)
			return w
		}, func(string) []string { return []string{"OCF_RESKEY_CRM_meta_interval=20000"} },
			7, "DRBD kernel (module) not available?"},
		{"drbdadm not installed", "validate-all", healthy,
			func(dir string) []string {
				return []string{"OCF_RESKEY_drbdadm=" + filepath.Join(dir, "no-drbdadm")}
			},
			5, "couldn't find command"},
		{"events2 failing (needs the device node: root)", "monitor", func(dir string) *drbdfake.World {
			w := drbdfake.NewWorld(dir, v9, 1, 1)
			w.Fail = map[string]int{"events2": 20}
			return w
		}, func(string) []string { return []string{"OCF_RESKEY_CRM_meta_interval=20000"} },
			1, "cannot read the state of DRBD resource r0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.name, "root") {
				testenv.NeedRoot(t)
			}
			dir := fakeDir(t, tt.world)
			r := expectAgent(t, tt.code, agent, tt.action, dir, tt.vars(dir)...)
			assert.Contains(t, r.Stderr, "ocf-exit-reason:")
			assert.Contains(t, r.Stderr, tt.reason)
			assert.NotContains(t, r.Stderr, "panic")
		})
	}
}

// TestHungDrbdsetup: a drbdsetup that never answers ends the monitor with
// a reason before the action's timeout, not a kill by Pacemaker.
func TestHungDrbdsetup(t *testing.T) {
	testenv.NeedRoot(t) // the device node, without which events2 is not asked
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, func(dir string) *drbdfake.World {
		w := drbdfake.NewWorld(dir, v9, 1, 1)
		w.Hang = map[string]float64{"events2": 30}
		return w
	})
	r := expectAgent(t, 1, agent, "monitor", dir, "OCF_RESKEY_CRM_meta_interval=20000", "OCF_RESKEY_CRM_meta_timeout=2000")
	assert.Contains(t, r.Stderr, "ocf-exit-reason:")
	assert.Contains(t, r.Stderr, "timeout")
	assert.Less(t, r.Elapsed, 2*time.Second)
}

// TestProbeOfUnknownResource: a probe where the resource is not in the
// configuration is "not running", not an error.
func TestProbeOfUnknownResource(t *testing.T) {
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, func(dir string) *drbdfake.World { return drbdfake.NewWorld(dir, v9, 1, 1) })
	expectAgent(t, 7, agent, "monitor", dir, "OCF_RESKEY_drbd_resource=r9", "OCF_RESKEY_CRM_meta_interval=0")
}

// TestStopDespiteBadConfig: stop goes ahead with `drbdsetup down` when
// validation fails, rather than failing and getting the node fenced.
func TestStopDespiteBadConfig(t *testing.T) {
	agent := testenv.BuildAgent(t, "drbd")
	dir := fakeDir(t, func(dir string) *drbdfake.World { return drbdfake.NewWorld(dir, v9, 1, 1) })
	expectAgent(t, 0, agent, "stop", dir, "OCF_RESKEY_require_drbd_module_version_ge=9.3.0")
	assert.True(t, called(calls(t, dir), "down", "r0"))
	assert.False(t, world(t, dir).Resources["r0"].Up)
}
