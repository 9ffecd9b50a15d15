package bench_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

const linbitDrbd = "/usr/lib/ocf/resource.d/linbit/drbd"

// TestBenchDrbd times meta-data, probe and monitor of ocfkit's drbd and
// ocf:linbit:drbd against the same fake DRBD (a Secondary with one UpToDate
// peer: each monitor reads the state and writes the promotion score).
func TestBenchDrbd(t *testing.T) {
	bench.Need(t)
	testenv.NeedRoot(t) // the fake's device nodes
	testenv.NeedFile(t, linbitDrbd)
	testenv.NeedCmd(t, "crm_master")
	ours := testenv.BuildAgent(t, "drbd")
	fake := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")

	dir := t.TempDir()
	if err := drbdfake.Install(fake, dir); err != nil {
		t.Fatal(err)
	}
	w := drbdfake.NewWorld(dir, "9.2.7", 1, 1)
	w.Log = "" // no call log: measure the agents, not the fake's bookkeeping
	if err := w.Save(drbdfake.Path(dir)); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "drbd.conf")
	if err := os.WriteFile(conf, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	proc := filepath.Join(dir, "proc_drbd")
	anchor := anchorWithProc(t, proc)

	p := agenttest.Params{"OCF_RESOURCE_INSTANCE": "d", "drbd_resource": "r0", "drbdconf": conf, "proc_drbd": proc,
		"CRM_meta_clone_max": "2", "CRM_meta_notify": "true"}
	state := t.TempDir()
	env := func(p agenttest.Params) []string {
		return append(agenttest.Environ(p), "PATH="+dir+":"+os.Getenv("PATH"), "DRBDFAKE_STATE="+drbdfake.Path(dir),
			"HA_RSCTMP="+state)
	}
	common := env(p)
	monitor := env(p.With("CRM_meta_interval", "20000"))
	probe := env(p.With("CRM_meta_interval", "0", "drbd_resource", "r9"))

	n := bench.Runs()
	bench.Compare(t, "drbd meta-data", n, side("ocfkit", ours, common, "meta-data", 0), side("linbit", anchor, common, "meta-data", 0))
	bench.Compare(t, "drbd probe (not configured here)", n, side("ocfkit", ours, probe, "monitor", 7), side("linbit", anchor, probe, "monitor", 7))
	// As in a cluster, the monitors follow a start (which finds the
	// resource up and records its devices).
	if r, err := bench.Run(ours, common, "start"); err != nil || r.Code != 0 {
		t.Fatalf("start: %v %s", err, r.Output)
	}
	bench.Compare(t, "drbd monitor (Secondary, score)", n, side("ocfkit", ours, monitor, "monitor", 0), side("linbit", anchor, monitor, "monitor", 0))

	monitorRSS(t, "drbd monitor peak RSS", monitor, ours, "linbit", anchor, "its shell alone, not its children")
	bench.FileSize(t, "drbd binary (static, stripped)", ours)
}

// anchorWithProc copies ocf:linbit:drbd and its shell functions with the
// module test pointed at the fake's proc file.
func anchorWithProc(t *testing.T, proc string) string {
	t.Helper()
	b, err := os.ReadFile(linbitDrbd)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("test -f /proc/drbd"), []byte("test -f "+proc), 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "drbd")
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
	funcs, err := os.ReadFile(filepath.Join(filepath.Dir(linbitDrbd), "drbd.shellfuncs.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "drbd.shellfuncs.sh"), funcs, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
