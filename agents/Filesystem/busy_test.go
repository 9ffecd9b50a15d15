package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
)

func TestStopBusy(t *testing.T) {
	testenv.NeedRoot(t)
	for _, fstype := range []string{"ext4", "xfs"} {
		t.Run(fstype, func(t *testing.T) {
			dev := mounttest.Loop(t, 300)
			mounttest.Mkfs(t, fstype, dev, "busy"+fstype)
			dir := filepath.Join(mounttest.Dir(t, "m"), "busy dir")
			p := params{"device": dev, "directory": dir, "fstype": fstype, "OCF_RESKEY_CRM_meta_timeout": "8000"}
			expect(t, p, "start", ocf.Success)

			holders := map[string]*mounttest.Holder{
				"cwd":          mounttest.Hold(t, mounttest.HoldCwd, dir),
				"open file":    mounttest.Hold(t, mounttest.HoldOpen, filepath.Join(dir, "f")),
				"mapped file":  mounttest.Hold(t, mounttest.HoldMmap, filepath.Join(dir, "m")),
				"ignores TERM": mounttest.Hold(t, mounttest.HoldIgnoreTerm, dir),
			}
			outside := mounttest.Dir(t, "outside")
			bystanders := map[string]*mounttest.Holder{
				"cwd":          mounttest.Hold(t, mounttest.HoldCwd, outside),
				"open file":    mounttest.Hold(t, mounttest.HoldOpen, filepath.Join(outside, "f")),
				"mapped file":  mounttest.Hold(t, mounttest.HoldMmap, filepath.Join(outside, "m")),
				"ignores TERM": mounttest.Hold(t, mounttest.HoldIgnoreTerm, outside),
				"at /":         mounttest.Hold(t, mounttest.HoldCwd, "/"),
			}

			// force_unmount=false: the stop fails, names a holder, kills nobody.
			r := expect(t, p.with("force_unmount", "false", "OCF_RESKEY_CRM_meta_timeout", "2000"), "stop", ocf.ErrGeneric)
			assert.Contains(t, r.reason(), "held by")
			for what, h := range holders {
				assert.True(t, h.Alive(), "holder (%s) alive with force_unmount=false", what)
			}
			assert.True(t, mounttest.Mounted(t, dir))

			start := time.Now()
			expect(t, p, "stop", ocf.Success)
			t.Logf("busy stop took %s", time.Since(start))
			assert.False(t, mounttest.Mounted(t, dir))
			for what, h := range holders {
				assert.True(t, h.Wait(5*time.Second), "holder (%s) was stopped", what)
			}
			for what, h := range bystanders {
				assert.False(t, h.Wait(300*time.Millisecond), "process outside the mount (%s) is alive", what)
			}
			expect(t, p, "monitor", ocf.NotRunning)
		})
	}
}
