package bench_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/testenv"
)

const anchorFilesystem = "/usr/lib/ocf/resource.d/heartbeat/Filesystem"

func fsEnv(dev, dir string, extra ...string) []string {
	return append([]string{
		"OCF_ROOT=/usr/lib/ocf", "OCF_RESOURCE_INSTANCE=benchfs", "HA_LOGFACILITY=none",
		"OCF_RESKEY_device=" + dev, "OCF_RESKEY_directory=" + dir, "OCF_RESKEY_fstype=ext4",
		"OCF_RESKEY_CRM_meta_timeout=20000",
	}, extra...)
}

// fsRun runs one action and fails unless it exits with want.
func fsRun(path string, env []string, action string, want int) (bench.Exec, error) {
	r, err := bench.Run(path, env, action)
	if err == nil && r.Code != want {
		err = fmt.Errorf("%s %s: exit %d, want %d: %s", filepath.Base(path), action, r.Code, want, strings.TrimSpace(string(r.Output)))
	}
	return r, err
}

func TestBenchFilesystem(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t)
	testenv.NeedFile(t, anchorFilesystem)
	ours := testenv.BuildAgent(t, "Filesystem")
	bench.FileSize(t, "Filesystem binary (static, stripped)", ours)

	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "benchfs")
	dir := filepath.Join(mounttest.Dir(t, "bench"), "web")
	env := fsEnv(dev, dir)
	monitorEnv := append(env, "OCF_RESKEY_CRM_meta_interval=20000")
	runs := bench.Runs()

	if _, err := fsRun(ours, env, "start", 0); err != nil {
		t.Fatal(err)
	}
	bench.Compare(t, "Filesystem monitor depth 0", runs,
		bench.Side{Name: "ocfkit", Run: func() error {
			_, err := fsRun(ours, monitorEnv, "monitor", 0)
			return err
		}},
		bench.Side{Name: "heartbeat", Run: func() error {
			_, err := fsRun(anchorFilesystem, monitorEnv, "monitor", 0)
			return err
		}})
	mine, err := bench.PeakRSS(ours, monitorEnv, "monitor")
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := bench.PeakRSS(anchorFilesystem, monitorEnv, "monitor")
	bench.Printf("%-34s ocfkit %d KB   heartbeat %d KB (its shell alone, not its children)", "Filesystem monitor peak RSS", mine, theirs)
	if _, err := fsRun(ours, env, "stop", 0); err != nil {
		t.Fatal(err)
	}

	// A busy stop: one process has its cwd in the mount and exits on TERM.
	// Only the stop is timed; the mount and the holder are set up untimed.
	busyStop := func(agent string) (time.Duration, error) {
		if _, err := fsRun(ours, env, "start", 0); err != nil {
			return 0, err
		}
		holder := exec.Command("sleep", "120")
		holder.Dir = dir
		if err := holder.Start(); err != nil {
			return 0, err
		}
		done := make(chan struct{})
		go func() { holder.Wait(); close(done) }()
		defer func() {
			holder.Process.Kill()
			<-done
		}()
		start := time.Now()
		_, err := fsRun(agent, env, "stop", 0)
		d := time.Since(start)
		if err == nil && mounttest.Mounted(t, dir) {
			err = fmt.Errorf("%s stop left %s mounted", filepath.Base(agent), dir)
		}
		return d, err
	}
	var a, b []time.Duration
	busyRuns := max(runs/3, 3) // the anchor needs over a second per sample
	for i := 0; i < busyRuns; i++ {
		for _, s := range []struct {
			agent string
			into  *[]time.Duration
		}{{ours, &a}, {anchorFilesystem, &b}} {
			d, err := busyStop(s.agent)
			if err != nil {
				t.Fatalf("busy stop run %d: %v", i, err)
			}
			*s.into = append(*s.into, d)
		}
	}
	ma, mb := bench.Median(a), bench.Median(b)
	bench.Printf("%-34s %-10s %9s   %-10s %9s   ratio %6.1fx  (n=%d)",
		"Filesystem busy stop (TERM holder)", "ocfkit", ma.Round(time.Microsecond), "heartbeat", mb.Round(time.Microsecond),
		float64(mb)/float64(ma), busyRuns)
}
