package cluster

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestRefuse(t *testing.T) {
	cib := t.TempDir()
	provider := filepath.Join(t.TempDir(), "ocfkit")
	none := map[string]bool{}
	assert.NoError(t, refuse(none, cib, provider))

	sleep := exec.Command("sleep", "60")
	require.NoError(t, sleep.Start())
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	err := refuse(map[string]bool{"sleep": true}, cib, provider)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sleep["+strconv.Itoa(sleep.Process.Pid)+"]")

	require.NoError(t, os.WriteFile(filepath.Join(cib, "cib.xml"), []byte("<cib/>"), 0o600))
	err = refuse(none, cib, provider)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cluster configuration")
	require.NoError(t, os.Remove(filepath.Join(cib, "cib.xml")))

	require.NoError(t, os.Symlink("/nowhere", provider))
	err = refuse(none, cib, provider)
	require.Error(t, err)
	assert.Contains(t, err.Error(), provider)
}

func TestParseFailcount(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want int
		bad  bool
	}{
		{out: "scope=status  name=fail-count-d1 value=0\n", want: 0},
		{out: "scope=status  name=fail-count-d1 value=2\n", want: 2},
		{out: "scope=status  name=fail-count-vip value=INFINITY\n", want: 1000000},
		{out: "scope=status  name=fail-count-vip value=(null)\n", want: 0},
		{out: "nothing here", bad: true},
		{out: "value=", bad: true},
		{out: "value=many", bad: true},
	} {
		n, err := parseFailcount(tc.out)
		if tc.bad {
			assert.Error(t, err, tc.out)
			continue
		}
		require.NoError(t, err, tc.out)
		assert.Equal(t, tc.want, n, tc.out)
	}
}

func TestResourceRole(t *testing.T) {
	b, err := os.ReadFile("testdata/crm_mon.xml")
	require.NoError(t, err)
	st, err := ParseMon(b)
	require.NoError(t, err)
	assert.True(t, st.dcReady("vm"))
	assert.False(t, st.dcReady("other"))
	for id, want := range map[string]string{
		"st-clone": "Promoted", // promotable clone, second instance Stopped
		"st":       "Promoted", // the primitive inside it
		"g":        "Started",
		"a":        "Started",
		"off":      "Stopped",
		"nothing":  "",
	} {
		assert.Equal(t, want, st.role(id), id)
	}

	b, err = os.ReadFile("testdata/crm_mon_disabled.xml")
	require.NoError(t, err)
	st, err = ParseMon(b)
	require.NoError(t, err)
	assert.Equal(t, "Stopped", st.role("b"))
	assert.Equal(t, "Stopped", st.role("g"), "a group is Started only when all of it is")
	assert.Equal(t, "Started", st.role("a"))

	_, err = ParseMon([]byte("not xml"))
	assert.Error(t, err)
}

func TestParseOperations(t *testing.T) {
	log := `Nov 22 00:21:59.565 vm pacemaker-controld  [15475] (execute_rsc_action) 	notice: Initiating start operation d1_start_0 locally on vm | action 2
Nov 22 00:21:59.589 vm pacemaker-controld  [15475] (log_executor_event) 	notice: Result of probe operation for d1 on vm: not running | CIB update 34, graph action confirmed; call=5 key=d1_monitor_0 rc=7
Nov 22 00:21:59.605 vm pacemaker-controld  [15475] (log_executor_event) 	notice: Result of start operation for d1 on vm: ok | CIB update 36, graph action confirmed; call=6 key=d1_start_0 rc=0
Nov 22 00:22:22.165 vm pacemaker-controld  [15475] (log_executor_event) 	info: Result of monitor operation for d1 on vm: Cancelled | graph action confirmed; call=7 key=d1_monitor_2000
Nov  2 03:04:05.006 vm pacemaker-controld  [15475] (log_executor_event) 	notice: Result of asyncmon operation for d1 on vm: error (Simulated failure) | CIB update 9; call=8 key=d1_asyncmon_0 rc=1
Nov 22 00:22:22.173 vm pacemaker-schedulerd[15474] (x) 	notice: Result of stop operation for d1 on vm: ok | rc=0
`
	now := time.Date(2026, 11, 22, 1, 0, 0, 0, time.Local)
	ops := parseOperations(bufio.NewScanner(strings.NewReader(log)), now)
	require.Len(t, ops, 3)
	assert.Equal(t, Op{Time: time.Date(2026, 11, 22, 0, 21, 59, 589e6, time.Local), Resource: "d1", Action: "probe", Result: "not running", RC: 7}, ops[0])
	assert.Equal(t, "start", ops[1].Action)
	assert.Equal(t, 0, ops[1].RC)
	assert.Equal(t, Op{Time: time.Date(2026, 11, 2, 3, 4, 5, 6e6, time.Local), Resource: "d1", Action: "asyncmon", Result: "error (Simulated failure)", RC: 1}, ops[2])
}

func TestRecoveredAfter(t *testing.T) {
	at := func(ms int) time.Time { return time.Date(2026, 11, 22, 1, 0, 0, ms*1e6, time.Local) }
	ops := []Op{
		{Time: at(0), Resource: "vip", Action: "start", RC: 0},
		{Time: at(100), Resource: "vip", Action: "monitor", RC: 7},
		{Time: at(150), Resource: "other", Action: "start", RC: 0},
		{Time: at(200), Resource: "vip", Action: "start", RC: 1},
		{Time: at(300), Resource: "vip", Action: "stop", RC: 0},
		{Time: at(400), Resource: "vip", Action: "start", RC: 0},
		{Time: at(500), Resource: "d", Action: "promote", RC: 0},
	}
	d, ok := recoveredAfter(ops, "vip", at(50))
	assert.True(t, ok)
	assert.Equal(t, 350*time.Millisecond, d, "the first successful start after the failure")
	d, ok = recoveredAfter(ops, "d", at(50).Add(400*time.Microsecond))
	assert.True(t, ok, "a promote counts; the log's milliseconds are not a gap")
	assert.Equal(t, 450*time.Millisecond, d)
	_, ok = recoveredAfter(ops, "vip", at(401))
	assert.False(t, ok)
}

func TestSnapshotRestore(t *testing.T) {
	root := filepath.Join(t.TempDir(), "pacemaker")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "cib"), 0o750))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "pengine"), 0o750))
	last := filepath.Join(root, "pengine", "pe-input.last")
	require.NoError(t, os.WriteFile(last, []byte("41"), 0o640))
	big := filepath.Join(root, "pengine", "pe-input-1.bz2")
	require.NoError(t, os.WriteFile(big, make([]byte, smallFile+1), 0o640))
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(root, "cib"), old, old))
	missing := filepath.Join(t.TempDir(), "crm") // like /run/crm before the cluster
	roots := []string{root, missing}

	s, err := takeSnapshot(roots)
	require.NoError(t, err)
	assert.Nil(t, s[big].Data, "large files are not saved")

	// What a cluster run does to these trees.
	require.NoError(t, os.WriteFile(filepath.Join(root, "cib", "cib.xml"), []byte("<cib/>"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "cib", "new"), 0o700))
	require.NoError(t, os.WriteFile(last, []byte("42"), 0o640))
	require.NoError(t, os.Chmod(root, 0o700))
	require.NoError(t, os.MkdirAll(missing, 0o750))

	require.NoError(t, s.restore(roots))
	assert.NoFileExists(t, filepath.Join(root, "cib", "cib.xml"))
	assert.NoDirExists(t, filepath.Join(root, "cib", "new"))
	assert.NoDirExists(t, missing)
	b, err := os.ReadFile(last)
	require.NoError(t, err)
	assert.Equal(t, "41", string(b))
	assert.FileExists(t, big)
	fi, err := os.Stat(root)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o750), fi.Mode().Perm())
	fi, err = os.Stat(filepath.Join(root, "cib"))
	require.NoError(t, err)
	assert.True(t, fi.ModTime().Equal(old), "directory time put back")

	// A small file that disappeared comes back; a large one cannot.
	require.NoError(t, os.Remove(last))
	require.NoError(t, s.restore(roots))
	assert.FileExists(t, last)
	require.NoError(t, os.Remove(big))
	assert.ErrorContains(t, s.restore(roots), "too large")
}

func TestShmLeftovers(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"qb-100-200-28-abc", "qb-300-100-9-x", "qb-corosync-100-blackbox-data",
		"qb-555-666-1-y", "qb-corosync-555-blackbox-header", "other-100-200", "qb-x"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), nil, 0o600))
	}
	got := shmLeftovers(dir, map[int]bool{100: true})
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	assert.ElementsMatch(t, []string{"qb-100-200-28-abc", "qb-300-100-9-x", "qb-corosync-100-blackbox-data"}, got)
}

// TestConfigs checks the generated configuration with the tools that will
// read it: corosync -t and crm_verify.
func TestConfigs(t *testing.T) {
	conf := corosyncConf("node1")
	for _, want := range []string{"cluster_name: ocfkit-test", "transport: knet", "ring0_addr: 127.0.0.1",
		"two_node: 0", "expected_votes: 1", "provider: corosync_votequorum", "name: node1"} {
		assert.Contains(t, conf, want)
	}
	cib := freshCIB()
	assert.Contains(t, cib, `name="stonith-enabled" value="false"`)

	testenv.NeedRoot(t)
	corosync := testenv.NeedCmd(t, "corosync")
	verify := testenv.NeedCmd(t, "crm_verify")
	dir := t.TempDir()
	p := filepath.Join(dir, "corosync.conf")
	require.NoError(t, os.WriteFile(p, []byte(conf), 0o644))
	out, err := exec.Command(corosync, "-t", "-c", p).CombinedOutput()
	require.NoError(t, err, "%s", out)
	p = filepath.Join(dir, "cib.xml")
	require.NoError(t, os.WriteFile(p, []byte(cib), 0o644))
	out, err = exec.Command(verify, "-V", "--xml-file", p).CombinedOutput()
	require.NoError(t, err, "%s", out)
}
