package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fakeDir installs the fake DRBD (drbdadm, drbdsetup, crm_attribute,
// crm_resource) with world w in a new directory, plus an empty drbd.conf.
func fakeDir(t *testing.T, w func(dir string) *drbdfake.World) string {
	t.Helper()
	bin := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")
	// Not t.TempDir: test names carry characters drbdconf may not contain.
	dir, err := os.MkdirTemp("", "drbd-fake-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, drbdfake.Install(bin, dir))
	require.NoError(t, w(dir).Save(drbdfake.Path(dir)))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "drbd.conf"), nil, 0o644))
	return dir
}

// reskeys are what Pacemaker would pass for instance d of r0 with the fake
// in dir; vars ("OCF_RESKEY_x=v") add to or replace them, and one with an
// empty value removes its variable.
func reskeys(dir string, vars ...string) agenttest.Params {
	p := agenttest.Params{
		"drbd_resource":      "r0",
		"drbdconf":           filepath.Join(dir, "drbd.conf"),
		"proc_drbd":          filepath.Join(dir, "proc_drbd"),
		"CRM_meta_clone_max": "2",
		"CRM_meta_notify":    "true",
		"HA_logfacility":     "none", // the anchor's spelling
	}
	for _, kv := range vars {
		k, v, _ := strings.Cut(kv, "=")
		p = p.With(k, v)
	}
	return p
}

// fakeEnv puts the fake in dir first in PATH and names the instance d.
func fakeEnv(dir string) []string {
	return []string{"PATH=" + dir + ":" + os.Getenv("PATH"), "DRBDFAKE_STATE=" + drbdfake.Path(dir), "OCF_RESOURCE_INSTANCE=d"}
}

// drbdAgent is path (ocfkit's drbd or the anchor's copy) as Pacemaker
// runs it, on the fake in dir.
func drbdAgent(path, dir string) agenttest.Agent {
	return agenttest.Agent{Bin: path, Env: fakeEnv(dir)}
}

// runAgent runs action of path on the fake in dir, with
// reskeys(dir, vars...).
func runAgent(t *testing.T, path, action, dir string, vars ...string) agenttest.Result {
	t.Helper()
	return drbdAgent(path, dir).Run(t, action, reskeys(dir, vars...))
}

// expectAgent runs action as runAgent does and fails the test unless it
// exits with code.
func expectAgent(t *testing.T, code int, path, action, dir string, vars ...string) agenttest.Result {
	t.Helper()
	return drbdAgent(path, dir).Expect(t, code, action, reskeys(dir, vars...))
}

func world(t *testing.T, dir string) *drbdfake.World {
	t.Helper()
	w, err := drbdfake.Load(drbdfake.Path(dir))
	require.NoError(t, err)
	return w
}

// score is the promotion score of d in the fake's attributes ("" for none).
func score(t *testing.T, dir string) string {
	t.Helper()
	return world(t, dir).Attrs["master-d"]
}

func calls(t *testing.T, dir string) [][]string {
	t.Helper()
	c, err := drbdfake.Calls(filepath.Join(dir, "calls.log"))
	require.NoError(t, err)
	return c
}

func called(cs [][]string, words ...string) bool {
	for _, c := range cs {
		if strings.Contains(" "+strings.Join(c, " ")+" ", " "+strings.Join(words, " ")+" ") {
			return true
		}
	}
	return false
}

// anchorCopy copies the installed ocf:linbit:drbd and its shell functions
// into a temp dir, with its kernel-module test pointed at proc.
func anchorCopy(t *testing.T, proc string) string {
	t.Helper()
	const src = "/usr/lib/ocf/resource.d/linbit/drbd"
	testenv.NeedFile(t, src)
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	const probe = "test -f /proc/drbd"
	require.Equal(t, 1, bytes.Count(b, []byte(probe)), "the anchor's module test changed")
	b = bytes.Replace(b, []byte(probe), []byte("test -f "+proc), 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "drbd")
	require.NoError(t, os.WriteFile(path, b, 0o755))
	funcs, err := os.ReadFile(filepath.Join(filepath.Dir(src), "drbd.shellfuncs.sh"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "drbd.shellfuncs.sh"), funcs, 0o644))
	return path
}
