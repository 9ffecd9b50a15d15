package procs

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseStat(t *testing.T) {
	st, err := ParseStat("4242 (pacemaker-contr) S 4240 4240 1 0 -1 4194560 2196 0 0 0 3 1 0 0 20 0 1 0 98765 12345 678")
	require.NoError(t, err)
	assert.Equal(t, Stat{Comm: "pacemaker-contr", State: 'S', PPid: 4240, Start: 98765}, st)

	st, err = ParseStat("7 (a) b (c)) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0")
	require.NoError(t, err, "a name with spaces and parentheses")
	assert.Equal(t, "a) b (c)", st.Comm)
	assert.Equal(t, byte('Z'), st.State)
	assert.Equal(t, uint64(55), st.Start)

	for _, bad := range []string{"", "12 (x", "12 (x) S 1 2", "12 (x) S notanumber 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5"} {
		_, err := ParseStat(bad)
		assert.Error(t, err, bad)
	}
}

func TestIdentifyAndTerminate(t *testing.T) {
	cmd := exec.Command("sleep", "60")
	require.NoError(t, cmd.Start())
	go cmd.Wait()
	p, err := Identify(cmd.Process.Pid)
	require.NoError(t, err)
	assert.Equal(t, "sleep", p.Name)
	assert.True(t, p.Alive())
	assert.False(t, Proc{Pid: p.Pid, Start: p.Start + 1}.Alive(), "another start time is another process")
	assert.False(t, Terminate(p, 10*time.Second), "sleep stops on SIGTERM")
	assert.False(t, p.Alive())
}

func TestTerminateKillsAfterGrace(t *testing.T) {
	cmd := exec.Command("sh", "-c", `trap "" TERM; echo ready; while :; do sleep 0.1; done`)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	go func() { bufio.NewReader(out).ReadString('\n'); cmd.Wait() }()
	p, err := Identify(cmd.Process.Pid)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(Descendants(p)) > 0 }, 10*time.Second, 20*time.Millisecond)
	kids := Descendants(p)
	assert.True(t, Terminate(p, 300*time.Millisecond), "the shell ignores SIGTERM")
	KillAll(kids)
	assert.False(t, p.Alive())
}

func TestForeignDaemons(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	require.NoError(t, err)
	// Not called corosync: a cluster.Start in a parallel test process
	// would take it for someone's cluster.
	fake := filepath.Join(t.TempDir(), "ocfkit-fakecoro")
	b, err := os.ReadFile(sleep)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(fake, b, 0o755))
	cmd := exec.Command(fake, "60")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	names := map[string]bool{"ocfkit-fakecoro": true}
	want := "ocfkit-fakecoro[" + strconv.Itoa(cmd.Process.Pid) + "]"
	require.Eventually(t, func() bool { return len(Foreign(names, nil)) > 0 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, []string{want}, Foreign(names, nil))
	assert.Empty(t, Foreign(names, func(pid int) bool { return pid == cmd.Process.Pid }))
	assert.NotContains(t, Foreign(Daemons, nil), want)
}

func TestDescendsAndStartTime(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 60 & wait")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p, err := Identify(cmd.Process.Pid)
	require.NoError(t, err)
	var kids []Proc
	require.Eventually(t, func() bool { kids = Descendants(p); return len(kids) > 0 }, 10*time.Second, 20*time.Millisecond)
	assert.True(t, Descends(kids[0].Pid, map[int]bool{p.Pid: true}))
	assert.False(t, Descends(kids[0].Pid, map[int]bool{1 << 30: true}))
	assert.Equal(t, p.Start, StartTime(p.Pid))
	assert.Equal(t, "sleep", Comm(kids[0].Pid))
	KillAll(kids)
	assert.Zero(t, StartTime(kids[0].Pid), "a dead process has no start time")
}

func TestRecords(t *testing.T) {
	type rec struct{ Owner int }
	p := filepath.Join(t.TempDir(), "record.json")
	var r rec
	assert.ErrorIs(t, LoadRecord(p, &r), fs.ErrNotExist)
	require.NoError(t, SaveRecord(p, rec{Owner: 42}))
	require.NoError(t, LoadRecord(p, &r))
	assert.Equal(t, 42, r.Owner)
	fi, err := os.Stat(p)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	require.NoError(t, os.WriteFile(p, []byte("{"), 0o600))
	assert.ErrorContains(t, LoadRecord(p, &r), p)
	assert.NotEmpty(t, BootID())
}
