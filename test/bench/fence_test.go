package bench_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/fencetest"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// fence runs a fence agent as the fencer does (options on stdin) and fails
// unless it exits with want.
func fence(path, stdin string, want int) error {
	cmd := exec.Command(path)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "HA_LOGFACILITY=none")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code, err = ee.ExitCode(), nil
	}
	if err == nil && code != want {
		err = fmt.Errorf("%s: exit %d, want %d: %s", filepath.Base(path), code, want, strings.TrimSpace(out.String()))
	}
	return err
}

// TestBenchFenceDigitalOcean times fence_digitalocean from the request to
// the confirmed off, with 50 ms added to every API answer: with the
// power_off completing at once (what the agent itself costs) and after
// 2 s (how close to the cloud's own time the polling lands). API requests
// per run, status, list and monitor, and the binary's size.
func TestBenchFenceDigitalOcean(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t) // the token file must be owned by root
	ours := testenv.BuildAgent(t, "fence_digitalocean")
	const token = "dop_v1_bench_token_fence_0123456789abcdef"
	f := dofake.New(token)
	f.AddDroplet(1001, "node1")
	f.AddDroplet(1002, "node2")
	env, tokenFile := dofake.Serve(t, f)
	stdin := func(lines ...string) string {
		return fencetest.Stdin(append([]string{"token_file=" + tokenFile, "api_url=" + env.APIURL}, lines...)...)
	}
	n := bench.Runs()
	calls := func(what string, runs int) {
		bench.Printf("%-40s %.1f API requests per run", what, float64(f.APICalls())/float64(runs))
		f.ResetCalls()
	}
	for _, delay := range []time.Duration{0, 2 * time.Second} {
		f.SetFaults(dofake.Faults{Latency: 50 * time.Millisecond, ActionDelay: delay})
		runs := n
		if delay > 0 {
			runs = max(n/4, 3)
		}
		what := fmt.Sprintf("fence_digitalocean off (action %s)", delay)
		f.ResetCalls()
		bench.Sample(t, what, runs, func() error {
			f.SetDropletStatus(1001, "active")
			if err := fence(ours, stdin("action=off", "port=node1"), 0); err != nil {
				return err
			}
			if s := f.DropletStatus(1001); s != "off" {
				return fmt.Errorf("droplet is %s after a successful off", s)
			}
			return nil
		})
		calls(what, runs)
	}
	f.SetFaults(dofake.Faults{Latency: 50 * time.Millisecond})
	f.SetDropletStatus(1001, "active")
	bench.Sample(t, "fence_digitalocean reboot (action 0s)", n, func() error {
		return fence(ours, stdin("action=reboot", "port=node1"), 0)
	})
	calls("fence_digitalocean reboot (action 0s)", n)
	bench.Sample(t, "fence_digitalocean status", n, func() error { return fence(ours, stdin("action=status", "port=node1"), 0) })
	calls("fence_digitalocean status", n)
	bench.Sample(t, "fence_digitalocean monitor", n, func() error { return fence(ours, stdin("action=monitor"), 0) })
	calls("fence_digitalocean monitor", n)
	bench.Sample(t, "fence_digitalocean list", n, func() error { return fence(ours, stdin("action=list"), 0) })
	calls("fence_digitalocean list", n)
	bench.FileSize(t, "fence_digitalocean binary (static, stripped)", ours)
}

// TestBenchFenceOCI is the same for fence_oci with an API key.
func TestBenchFenceOCI(t *testing.T) {
	bench.Need(t)
	ours := testenv.BuildAgent(t, "fence_oci")
	f := ocifake.New(ocifake.Options{})
	f.AddInstance("node1")
	f.AddInstance("node2")
	url := ocifake.Serve(t, f)
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	if err != nil {
		t.Fatal(err)
	}
	stdin := func(lines ...string) string {
		return fencetest.Stdin(append([]string{"auth=api_key", "config_file=" + cfg, "api_endpoint=" + url}, lines...)...)
	}
	n := bench.Runs()
	calls := func(what string, runs int) {
		bench.Printf("%-40s %.1f API requests per run", what, float64(f.ComputeCount())/float64(runs))
		f.ResetCounts()
	}
	f.SetLatency(50 * time.Millisecond)
	for _, delay := range []time.Duration{0, 2 * time.Second} {
		f.SetComputeFaults(ocifake.ComputeFaults{ActionDelay: delay})
		runs := n
		if delay > 0 {
			runs = max(n/4, 3)
		}
		what := fmt.Sprintf("fence_oci off (action %s)", delay)
		f.ResetCounts()
		bench.Sample(t, what, runs, func() error {
			f.SetLifecycleState("node1", "RUNNING")
			if err := fence(ours, stdin("action=off", "port=node1"), 0); err != nil {
				return err
			}
			if s := f.LifecycleState("node1"); s != "STOPPED" {
				return fmt.Errorf("instance is %s after a successful off", s)
			}
			return nil
		})
		calls(what, runs)
	}
	f.SetComputeFaults(ocifake.ComputeFaults{})
	f.SetLifecycleState("node1", "RUNNING")
	bench.Sample(t, "fence_oci reboot (action 0s)", n, func() error {
		return fence(ours, stdin("action=reboot", "port=node1"), 0)
	})
	calls("fence_oci reboot (action 0s)", n)
	bench.Sample(t, "fence_oci status", n, func() error { return fence(ours, stdin("action=status", "port=node1"), 0) })
	calls("fence_oci status", n)
	bench.Sample(t, "fence_oci monitor", n, func() error { return fence(ours, stdin("action=monitor"), 0) })
	calls("fence_oci monitor", n)
	bench.Sample(t, "fence_oci list", n, func() error { return fence(ours, stdin("action=list"), 0) })
	calls("fence_oci list", n)
	bench.FileSize(t, "fence_oci binary (static, stripped)", ours)
}
