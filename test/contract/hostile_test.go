package contract

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestHostileInput runs validate-all, a probe, start and stop of every
// agent with every declared parameter set to each hostile value in turn,
// and in each malformed OCF environment, and holds every run to the
// contract. The agents run in a network and a mount
// namespace of their own (unshare): whatever a value makes them try, they
// reach no network (no cloud, no metadata service) and mount nothing the
// machine sees.
func TestHostileInput(t *testing.T) {
	testenv.NeedRoot(t)
	unshare := testenv.NeedCmd(t, "unshare")
	marker := filepath.Join(t.TempDir(), "marker")
	for _, name := range agentNames(t) {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			bin := testenv.BuildAgent(t, name)
			md := readMetaData(t, bin)
			b := newBase(t, name, md)
			var jobs []job
			for _, p := range md.Params {
				for _, v := range hostileValues(p.Name, marker) {
					jobs = append(jobs, job{
						name:    p.Name + "=" + v.name,
						env:     []string{"OCF_RESKEY_" + p.Name + "=" + v.value, "OCF_RESKEY_CRM_meta_timeout=10000"},
						actions: []string{"validate-all", "monitor", "start", "stop"},
					})
				}
			}
			for _, kv := range malformedEnvs {
				j := job{name: kv[0] + "=" + kv[1], env: []string{kv[0] + "=" + kv[1]}, actions: []string{"validate-all", "monitor", "stop"}}
				if kv[0] != "OCF_RESKEY_CRM_meta_interval" {
					j.recurring = true
				}
				jobs = append(jobs, j)
			}
			runs := runPool(t, bin, md, b, unshare, jobs)
			t.Logf("%s: %d parameters, %d cases, %d runs in %s", name, len(md.Params), len(jobs), runs, time.Since(start).Round(time.Millisecond))
		})
	}
	require.NoFileExists(t, marker, "a parameter value reached a shell")
}

// job is one case: an environment and the actions run in it, in order.
type job struct {
	name      string
	env       []string
	actions   []string
	recurring bool // also a recurring monitor (CRM_meta_interval=10000)
	running   bool // the resource runs: a monitor must say 0 or 8
	notSeven  bool // the resource runs: a monitor must not say 7
}

// base is a configuration of one agent that names a resource which does
// not exist here: each case changes one thing in it.
type base struct {
	env []string // OCF_RESKEY_* and the agent's other variables
	// path is put first in PATH (the fake DRBD tools).
	path string
	// state is the HA_RSCTMP every run shares ("" for a fresh one per
	// case): the probes of a started resource see what start recorded.
	state string
	// workers bounds the pool (0: 2 per CPU); 1 for a fake whose state
	// file does not take concurrent writers.
	workers int
}

// newBase is the test's configuration for the agents it knows; an agent
// it does not know gets its required parameters set to a placeholder, so
// a new agent is held to the contract without an edit here.
func newBase(t *testing.T, name string, md metaData) base {
	t.Helper()
	dir, err := os.MkdirTemp("", "ocfkit-contract-") // short: drbdconf allows few characters
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	b := base{}
	set := func(kv ...string) {
		for i := 0; i+1 < len(kv); i += 2 {
			b.env = append(b.env, "OCF_RESKEY_"+kv[i]+"="+kv[i+1])
		}
	}
	switch name {
	case "IPaddr2":
		set("ip", "198.51.100.77", "cidr_netmask", "24")
	case "Filesystem":
		set("device", "/dev/ocfkit-contract-none", "directory", filepath.Join(dir, "mnt"), "fstype", "ext4")
	case "apache":
		set("configfile", filepath.Join(dir, "httpd.conf"), "envfiles", "")
	case "drbd":
		bin := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")
		require.NoError(t, drbdfake.Install(bin, dir))
		require.NoError(t, drbdfake.NewWorld(dir, "9.2.7", 1, 1).Save(drbdfake.Path(dir)))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "drbd.conf"), nil, 0o644))
		set("drbd_resource", "r0", "drbdconf", filepath.Join(dir, "drbd.conf"), "proc_drbd", filepath.Join(dir, "proc_drbd"),
			"CRM_meta_clone_max", "2", "CRM_meta_notify", "true")
		b.env = append(b.env, "DRBDFAKE_STATE="+drbdfake.Path(dir))
		b.path = dir
	case "floatip":
		token := filepath.Join(dir, "token")
		require.NoError(t, os.WriteFile(token, []byte("dop_v1_contract\n"), 0o600))
		set("floating_ip", "203.0.113.10", "token_file", token,
			"api_url", "http://127.0.0.1:9/", "metadata_url", "http://127.0.0.1:9/metadata/v1")
	case "ocivip":
		set("secondary_private_ip", "10.0.0.200", "metadata_url", "http://127.0.0.1:9/opc/v2",
			"api_endpoint", "http://127.0.0.1:9", "auth_endpoint", "http://127.0.0.1:9")
	default:
		for _, p := range md.Params {
			if p.Required == "1" {
				set(p.Name, "contract")
			}
		}
	}
	return b
}

// runPool runs the jobs on a bounded pool of workers and returns how many
// agent runs it made. Failures are reported with t.Errorf, which is safe
// from the workers.
func runPool(t *testing.T, bin string, md metaData, b base, unshare string, jobs []job) int64 {
	var runs atomic.Int64
	ch := make(chan job)
	var wg sync.WaitGroup
	workers := b.workers
	if workers == 0 {
		workers = 2 * runtime.NumCPU()
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				state, fresh := b.state, b.state == ""
				if fresh {
					var err error
					if state, err = os.MkdirTemp("", "ocfkit-contract-state-"); err != nil {
						t.Errorf("%v", err)
						continue
					}
				}
				for _, action := range j.actions {
					runs.Add(1)
					check(t, md, j, action, runAgent(bin, action, b, state, unshare, j.env))
					if action == "monitor" && j.recurring {
						runs.Add(1)
						env := append(append([]string(nil), j.env...), "OCF_RESKEY_CRM_meta_interval=10000")
						check(t, md, job{name: j.name + " (recurring)", env: env, running: j.running, notSeven: j.notSeven}, action, runAgent(bin, action, b, state, unshare, env))
					}
				}
				if fresh {
					os.RemoveAll(state)
				}
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	return runs.Load()
}

// outcome is how one run ended.
type outcome struct {
	code           int
	stdout, stderr string
	elapsed        time.Duration
	err            error
}

// runAgent runs one action as Pacemaker would, in namespaces of its own
// (directly when unshare is ""). A run that outlives every timeout is
// killed, and reported.
func runAgent(bin, action string, b base, state, unshare string, env []string) outcome {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, action)
	if unshare != "" {
		cmd = exec.CommandContext(ctx, unshare, "--net", "--mount", "--propagation", "private", "--", bin, action)
	}
	path := os.Getenv("PATH")
	if b.path != "" {
		path = b.path + ":" + path
	}
	cmd.Env = []string{"PATH=" + path, "HOME=/root", "OCF_ROOT=/usr/lib/ocf", "OCF_RESOURCE_INSTANCE=contract",
		"HA_LOGFACILITY=none", "HA_RSCTMP=" + state}
	cmd.Env = append(cmd.Env, b.env...)
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	o := outcome{stdout: out.String(), stderr: errb.String(), elapsed: time.Since(start)}
	if ee, ok := err.(*exec.ExitError); ok {
		o.code = ee.ExitCode()
	} else if err != nil {
		o.err = err
	}
	return o
}

// check holds one run to the contract.
func check(t *testing.T, md metaData, j job, action string, o outcome) {
	what := fmt.Sprintf("%s %s", j.name, action)
	if o.err != nil {
		t.Errorf("%s: %v", what, o.err)
		return
	}
	all := o.stdout + o.stderr
	if strings.Contains(all, "panic:") || strings.Contains(all, "goroutine ") {
		t.Errorf("%s: a Go panic or stack (exit %d):\n%s", what, o.code, clip(o.stderr))
	}
	if j.notSeven && action == "monitor" && o.code == 7 {
		t.Errorf("%s: exit 7 on a resource that runs:\n%s", what, clip(o.stderr))
	}
	if j.running && action == "monitor" && o.code != 0 && o.code != 8 {
		t.Errorf("%s: exit %d on a resource that runs, want 0 or 8:\n%s", what, o.code, clip(o.stderr))
	}
	if action == "stop" && o.code != 0 {
		t.Errorf("%s: exit %d, a stop must succeed:\n%s", what, o.code, clip(o.stderr))
	}
	// 7 and 8 from a monitor are answers, not failures.
	answer := action == "monitor" && (o.code == 7 || o.code == 8)
	if o.code != 0 && !answer && !strings.Contains(o.stderr, "ocf-exit-reason:") {
		t.Errorf("%s: exit %d without an ocf-exit-reason line:\n%s", what, o.code, clip(o.stderr))
	}
	timeout := 10 * time.Second
	for _, kv := range j.env {
		if v, ok := strings.CutPrefix(kv, "OCF_RESKEY_CRM_meta_timeout="); ok && v != "10000" {
			timeout = md.timeout(action) // a malformed timeout: the declared one
		}
	}
	if o.elapsed >= timeout {
		t.Errorf("%s: took %s, beyond its timeout of %s", what, o.elapsed, timeout)
	}
}

// clip keeps failure messages readable when a value is 128 KiB long.
func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
