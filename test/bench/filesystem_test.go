package bench_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/testenv"
)

const anchorFilesystem = "/usr/lib/ocf/resource.d/heartbeat/Filesystem"

func TestBenchFilesystem(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t)
	testenv.NeedFile(t, anchorFilesystem)
	ours := testenv.BuildAgent(t, "Filesystem")
	bench.FileSize(t, "Filesystem binary (static, stripped)", ours)

	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "benchfs")
	dir := filepath.Join(mounttest.Dir(t, "bench"), "web")
	p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "benchfs", "device": dev, "directory": dir, "fstype": "ext4", "CRM_meta_timeout": "20000"}
	env := agenttest.Environ(p)
	monitorEnv := agenttest.Environ(p.With("CRM_meta_interval", "20000"))
	runs := bench.Runs()

	if err := act(ours, env, "start", 0); err != nil {
		t.Fatal(err)
	}
	bench.Compare(t, "Filesystem monitor depth 0", runs,
		side("ocfkit", ours, monitorEnv, "monitor", 0), side("heartbeat", anchorFilesystem, monitorEnv, "monitor", 0))
	monitorRSS(t, "Filesystem monitor peak RSS", monitorEnv, ours, "heartbeat", anchorFilesystem, "its shell alone, not its children")
	if err := act(ours, env, "stop", 0); err != nil {
		t.Fatal(err)
	}

	// A busy stop: one process has its cwd in the mount and exits on TERM.
	// Only the stop is timed; the mount and the holder are set up untimed.
	busyStop := func(agent string) (time.Duration, error) {
		if err := act(ours, env, "start", 0); err != nil {
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
		err := act(agent, env, "stop", 0)
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
