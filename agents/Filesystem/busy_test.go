package main

import (
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStopSparesItsParent: the test process runs the agent, so it is the
// agent's parent; holding the mount itself, it must get no signal (were
// it signalled, this test binary would die), and the stop fails instead.
func TestStopSparesItsParent(t *testing.T) {
	testenv.NeedRoot(t)
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": "ocfkit-parent", "directory": dir, "fstype": "tmpfs", "OCF_RESKEY_CRM_meta_timeout": "3000"}
	expect(t, p, "start", ocf.Success)
	f, err := os.Create(filepath.Join(dir, "held by the test"))
	require.NoError(t, err)
	// A stray TERM is caught, so that it fails the test with a message
	// instead of ending the test binary.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	defer signal.Reset(syscall.SIGTERM)
	r := expect(t, p, "stop", ocf.ErrGeneric)
	select {
	case s := <-sigs:
		t.Fatalf("the agent signalled its parent: %v", s)
	default:
	}
	assert.Contains(t, r.Reason(), "protected")
	assert.Contains(t, r.Reason(), strconv.Itoa(os.Getpid()))
	assert.True(t, mounttest.Mounted(t, dir))
	f.Close()
	expect(t, p, "stop", ocf.Success)
}

func TestStopBusy(t *testing.T) {
	testenv.NeedRoot(t)
	for _, fstype := range []string{"ext4", "xfs"} {
		t.Run(fstype, func(t *testing.T) {
			dev := mounttest.Loop(t, 300)
			mounttest.Mkfs(t, fstype, dev, "busy"+fstype)
			dir := filepath.Join(mounttest.Dir(t, "m"), "busy dir")
			p := kvs{"device": dev, "directory": dir, "fstype": fstype, "OCF_RESKEY_CRM_meta_timeout": "8000"}
			expect(t, p, "start", ocf.Success)

			holders := map[string]*mounttest.Holder{
				"cwd":          mounttest.Hold(t, mounttest.HoldCwd, dir),
				"open file":    mounttest.Hold(t, mounttest.HoldOpen, filepath.Join(dir, "f")),
				"mapped file":  mounttest.Hold(t, mounttest.HoldMmap, filepath.Join(dir, "m")),
				"ignores TERM": mounttest.Hold(t, mounttest.HoldIgnoreTerm, dir),
				"root":         mounttest.Hold(t, mounttest.HoldRoot, dir),
				"exe":          mounttest.HoldExe(t, dir),
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
			r := expect(t, p.With("force_unmount", "false", "OCF_RESKEY_CRM_meta_timeout", "2000"), "stop", ocf.ErrGeneric)
			assert.Contains(t, r.Reason(), "held by")
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
