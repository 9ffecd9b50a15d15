package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/diff"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestDifferential runs the installed ocf:heartbeat:Filesystem (4.12) and
// ocfkit's on the same situations (loop devices and mounts the test
// makes) and compares their exit codes and what stays mounted. The cases
// where ocfkit differs on purpose are the rows of docs/Filesystem.md's
// "what changes" table.
func TestDifferential(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "modprobe") // the anchor refuses to run without them
	testenv.NeedCmd(t, "fuser")
	testenv.LockSystem(t)
	anchor := diff.Installed(t, "heartbeat", "Filesystem")
	ours := testenv.BuildAgent(t, "Filesystem")

	devA := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", devA, "diffa")
	devB := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", devB, "diffb")
	dir := filepath.Join(mounttest.Dir(t, "m"), "data")
	cwd := mounttest.Dir(t, "cwd")

	p := kvs{"device": devA, "directory": dir, "fstype": "ext4"}
	recurring := p.With("OCF_RESKEY_CRM_meta_interval", "10000")
	// What is mounted on the directory (and the relative one), by source.
	mounted := func(d string) func(testing.TB) string {
		return func(t testing.TB) string {
			b, err := os.ReadFile("/proc/self/mountinfo")
			if err != nil {
				t.Fatal(err)
			}
			var on []string
			for _, l := range strings.Split(string(b), "\n") {
				f := strings.Fields(l)
				if len(f) > 9 && f[4] == d {
					on = append(on, f[len(f)-2])
				}
			}
			return strings.Join(on, " ")
		}
	}
	clean := func(d string) func(testing.TB) { return func(t testing.TB) { mounttest.UnmountAll(t, d) } }
	mountOn := func(dev, d string) func(testing.TB, diff.Agent) {
		return func(t testing.TB, _ diff.Agent) {
			os.MkdirAll(d, 0o755)
			mounttest.Mount(t, dev, d)
		}
	}
	holder := func(force string) diff.Case {
		var h *mounttest.Holder
		return diff.Case{
			Params:  p.With("force_unmount", force, "fast_stop", "yes", "OCF_RESKEY_CRM_meta_timeout", "8000"),
			Actions: []string{"stop"},
			Setup: func(t testing.TB, a diff.Agent) {
				mountOn(devA, dir)(t, a)
				h = mounttest.Hold(t, mounttest.HoldCwd, dir)
			},
			State: func(t testing.TB) string {
				alive := "holder gone"
				if h.Alive() {
					alive = "holder alive"
				}
				return mounted(dir)(t) + "; " + alive
			},
			Teardown: func(t testing.TB) {
				h.Cmd.Process.Kill()
				h.Wait(5e9)
				mounttest.UnmountAll(t, dir)
			},
		}
	}
	named := func(name string, c diff.Case) diff.Case { c.Name = name; return c }
	rel := "rel/data"
	relDir := filepath.Join(cwd, rel)

	cases := []diff.Case{
		{Name: "probe, nothing mounted", Params: p, Actions: []string{"monitor"}, Want: []int{ocf.NotRunning}},
		{Name: "stop, nothing mounted", Params: p, Actions: []string{"stop"}, Want: []int{ocf.Success}},
		{Name: "lifecycle", Params: p, Steps: []diff.Step{
			{Action: "start"}, {Action: "start"}, {Action: "monitor", Params: recurring},
			{Action: "monitor", Params: recurring, Env: []string{"OCF_CHECK_LEVEL=10"}},
			{Action: "monitor", Params: recurring, Env: []string{"OCF_CHECK_LEVEL=20"}},
			{Action: "stop"}, {Action: "monitor", Params: recurring}, {Action: "stop"},
		}, Env: []string{instance}, State: mounted(dir), Teardown: clean(dir), Want: []int{0, 0, 0, 0, 0, 0, 7, 0}},
		{Name: "started, left mounted", Params: p, Actions: []string{"start", "monitor"}, State: mounted(dir), Teardown: clean(dir), Want: []int{0, 0}},
		{Name: "trailing slash", Params: p.With("directory", dir+"//"), Actions: []string{"start", "monitor", "stop"}, State: mounted(dir), Teardown: clean(dir)},
		{Name: "probe, mounted elsewhere by hand", Params: p, Actions: []string{"monitor"}, Setup: mountOn(devA, dir+"-elsewhere"), Teardown: clean(dir + "-elsewhere"), Want: []int{ocf.NotRunning}},
		{Name: "validate-all", Params: p, Actions: []string{"validate-all"}, Want: []int{0}},
		{Name: "unsupported depth", Params: recurring.With("OCF_CHECK_LEVEL", "30"), Actions: []string{"start", "monitor"}, Teardown: clean(dir)},

		// Another device already mounted on the directory.
		{Name: "another device: probe", Params: p, Actions: []string{"monitor"}, Setup: mountOn(devB, dir), Teardown: clean(dir),
			Want: []int{ocf.NotRunning}, Differs: "the anchor reports any mount on the directory as its own (0); ocfkit says not running"},
		{Name: "another device: recurring monitor", Params: recurring, Actions: []string{"monitor"}, Setup: mountOn(devB, dir), Teardown: clean(dir),
			Want: []int{ocf.ErrGeneric}, Differs: "the anchor says 0; ocfkit says 1 with the reason, as the newest upstream"},
		{Name: "another device: start", Params: p, Actions: []string{"start"}, Setup: mountOn(devB, dir), State: mounted(dir), Teardown: clean(dir),
			Want: []int{ocf.ErrGeneric}, Differs: "the anchor takes the other mount for its own (0); ocfkit refuses to hide or adopt it"},
		{Name: "another device: stop", Params: p, Actions: []string{"stop"}, Setup: mountOn(devB, dir), State: mounted(dir), Teardown: clean(dir),
			Want: []int{ocf.Success}, Differs: "the anchor unmounts the other filesystem; ocfkit leaves it, as the newest upstream"},

		{Name: "another tmpfs on the directory: probe", Params: kvs{"device": "ocfkit-ours", "directory": dir, "fstype": "tmpfs"}, Actions: []string{"monitor"},
			Setup: func(t testing.TB, _ diff.Agent) {
				os.MkdirAll(dir, 0o755)
				mounttest.Mount(t, "-t", "tmpfs", "ocfkit-theirs", dir)
			},
			Teardown: clean(dir), Want: []int{ocf.NotRunning},
			Differs: "for a filesystem without a block device the anchor takes any mount on the directory for its own (0); ocfkit compares the source"},
		{Name: "bind mount lifecycle", Params: kvs{"device": cwd, "directory": dir, "fstype": "none", "options": "bind"},
			Actions: []string{"start", "monitor", "stop", "monitor"}, State: mounted(dir), Teardown: clean(dir), Want: []int{0, 0, 0, 7}},
		{Name: "tmpfs lifecycle", Params: kvs{"device": "ocfkit-tmp", "directory": dir, "fstype": "tmpfs", "options": "size=1m"},
			Actions: []string{"start", "monitor", "stop", "monitor"}, State: mounted(dir), Teardown: clean(dir), Want: []int{0, 0, 0, 7}},

		// Busy mounts and force_unmount spellings.
		named("busy, force_unmount=true", holder("true")),
		named("busy, force_unmount=safe", holder("safe")),
		named("busy, force_unmount=false", holder("false")),
		named("busy, force_unmount=Yes (not an ocf_is_true spelling)", holder("Yes")),
		named("busy, force_unmount=ja", holder("ja")),

		// A relative directory.
		{Name: "relative directory: probe, nothing there", Params: p.With("directory", rel), Dir: cwd, Actions: []string{"monitor"}, Want: []int{ocf.NotRunning}},
		{Name: "relative directory: stop, nothing there", Params: p.With("directory", rel), Dir: cwd, Actions: []string{"stop"}, Want: []int{ocf.Success}},
		{Name: "relative directory: probe and stop, mounted there", Params: p.With("directory", rel), Dir: cwd, Actions: []string{"monitor", "stop"},
			Setup: mountOn(devA, relDir), State: mounted(relDir), Teardown: clean(relDir), Want: []int{0, 0}},
		{Name: "relative directory: start", Params: p.With("directory", rel), Dir: cwd, Actions: []string{"start"},
			State: mounted(relDir), Teardown: clean(relDir), Want: []int{ocf.ErrConfigured},
			Differs: "the anchor mounts relative to its working directory; ocfkit refuses a relative directory at start"},
		{Name: "relative directory: stop, the device mounted elsewhere", Params: p.With("directory", "absent/data"), Dir: cwd, Actions: []string{"stop"},
			Setup: mountOn(devA, dir), State: mounted(dir), Teardown: clean(dir), Want: []int{ocf.Success},
			Differs: "the anchor matches nothing and leaves the device mounted; ocfkit unmounts the device's one mount point"},
	}
	diff.Runner{Agent: "Filesystem", Anchor: diff.Agent{Name: "anchor", Path: anchor}, Ocfkit: diff.Agent{Name: "ocfkit", Path: ours}}.Run(t, cases)
}
