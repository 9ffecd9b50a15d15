package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// These tests keep their own small helpers (rv*), so that they do not
// depend on the shared ones being moved to test/agenttest.

func rvServer(t *testing.T, o httpdtest.Options) (*httpdtest.Server, agenttest.Params) {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "apache2")
	ts := httpdtest.New(t, o)
	return ts, agenttest.Params{"configfile": ts.ConfigFile, "httpd": httpdtest.Binary, "envfiles": "",
		"OCF_RESKEY_CRM_meta_timeout": "20000", "HA_LOGFILE": filepath.Join(t.TempDir(), "log")}
}

// rvLog is what the agent logged since the last call, and empties the log.
func rvLog(t *testing.T, p agenttest.Params) string {
	t.Helper()
	data, _ := os.ReadFile(p["HA_LOGFILE"])
	require.NoError(t, os.WriteFile(p["HA_LOGFILE"], nil, 0o644))
	return string(data)
}

func rvExpect(t *testing.T, p agenttest.Params, action string, code int) agenttest.Result {
	t.Helper()
	return agenttest.Expect(t, code, testenv.BuildAgent(t, "apache"), action, p, "OCF_RESOURCE_INSTANCE=apache-review")
}

func rvAlive(pid int) bool {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(st), ") Z ")
}

// procField is a line of /proc/<pid>/status or limits, blanks squeezed.
func procField(t *testing.T, pid int, file, prefix string) string {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/" + file)
	require.NoError(t, err)
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, prefix) {
			return strings.Join(strings.Fields(strings.TrimPrefix(l, prefix)), " ")
		}
	}
	t.Fatalf("no %q in /proc/%d/%s", prefix, pid, file)
	return ""
}

// An admin adds umask and ulimit to envvars while apache runs: the
// monitor still passes, stop still stops, and the next start gives httpd
// what the shell would have.
func TestEnvvarsBuiltins(t *testing.T) {
	ts, p := rvServer(t, httpdtest.Options{})
	env := filepath.Join(t.TempDir(), "envvars")
	require.NoError(t, os.WriteFile(env, []byte("export LANG=C\n"), 0o644))
	p = p.With("envfiles", env)
	rvExpect(t, p, "start", ocf.Success)
	t.Cleanup(func() { agenttest.Run(t, testenv.BuildAgent(t, "apache"), "stop", p) })

	require.NoError(t, os.WriteFile(env, []byte("export LANG=C\numask 002\nulimit -n 4096\nulimit -s 16384\n"), 0o644))
	rvExpect(t, p.With(recurring, "10000"), "monitor", ocf.Success)
	rvExpect(t, p, "validate-all", ocf.Success)
	rvExpect(t, p, "stop", ocf.Success)
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile))

	rvLog(t, p)
	rvExpect(t, p, "start", ocf.Success)
	assert.Contains(t, rvLog(t, p), "ulimit -s 16384 not applied", "what is not applied is said at start")
	pid := ts.MainPid()
	require.NotZero(t, pid)
	assert.Equal(t, "0002", procField(t, pid, "status", "Umask:"))
	assert.Equal(t, "4096 4096 files", procField(t, pid, "limits", "Max open files"))
	rvExpect(t, p, "stop", ocf.Success)
}

// Whatever makes the configuration unreadable while apache runs, stop
// stops this instance (gracefully, through its main process) and succeeds:
// a failed stop gets the node fenced.
func TestStopDespiteConfigProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		brk   func(t *testing.T, ts *httpdtest.Server, env string)
		param []string
	}{
		{name: "unknown command in envvars", brk: func(t *testing.T, ts *httpdtest.Server, env string) {
			require.NoError(t, os.WriteFile(env, []byte("trap 'rm -f /tmp/x' EXIT\n"), 0o644))
		}},
		{name: "unreadable configuration", brk: func(t *testing.T, ts *httpdtest.Server, env string) {
			f, err := os.OpenFile(ts.ConfigFile, os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			f.WriteString("Include " + ts.ConfigFile + "\n") // a loop
			f.Close()
		}},
		{name: "configuration and pid file gone", brk: func(t *testing.T, ts *httpdtest.Server, env string) {
			require.NoError(t, os.Rename(ts.ConfigFile, ts.ConfigFile+".moved"))
			require.NoError(t, os.Remove(ts.PidFile))
			t.Cleanup(func() { os.Rename(ts.ConfigFile+".moved", ts.ConfigFile) })
		}},
		{name: "invalid parameter value", param: []string{"use_ipv6", "perhaps", "statusurl", "nonsense"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, p := rvServer(t, httpdtest.Options{})
			env := filepath.Join(t.TempDir(), "envvars")
			require.NoError(t, os.WriteFile(env, []byte("export LANG=C\n"), 0o644))
			p = p.With("envfiles", env)
			rvExpect(t, p, "start", ocf.Success)
			pid := ts.MainPid()
			require.NotZero(t, pid)
			if tc.brk != nil {
				tc.brk(t, ts, env)
				// Still running, and a monitor says so (finding it by its
				// command line), with the problem as a warning.
				rvExpect(t, p.With(recurring, "10000"), "monitor", ocf.Success)
				rvExpect(t, p, "monitor", ocf.Success)
			}
			p = p.With(tc.param...)

			rvLog(t, p)
			rvExpect(t, p, "stop", ocf.Success)
			assert.Contains(t, rvLog(t, p), "WINCH", "a graceful stop through the main process")
			assert.False(t, rvAlive(pid), "the main process is gone")
			assert.Eventually(t, func() bool { return len(httpd.InstancePids(httpdtest.Binary, ts.ConfigFile)) == 0 },
				time.Second, 10*time.Millisecond, "nothing of the instance runs")
			rvExpect(t, p, "stop", ocf.Success)
			assert.Contains(t, rvLog(t, p), "not running")
		})
	}
}

// Two resources share /usr/sbin/apache2. The stale pid file of the stopped
// one names a pid now used by a worker of the other: it is not "running",
// its stop signals nothing of the other, and its start really starts it.
func TestSharedBinaryRecycledPid(t *testing.T) {
	a, pa := rvServer(t, httpdtest.Options{})
	b, pb := rvServer(t, httpdtest.Options{})
	rvExpect(t, pb, "start", ocf.Success)
	t.Cleanup(func() { agenttest.Run(t, testenv.BuildAgent(t, "apache"), "stop", pb) })
	bMain := b.MainPid()
	var worker int
	for _, p := range httpd.InstancePids(httpdtest.Binary, b.ConfigFile) {
		if p != bMain {
			worker = p
		}
	}
	require.NotZero(t, worker, "b has a worker")
	require.NoError(t, os.WriteFile(a.PidFile, []byte(strconv.Itoa(worker)+"\n"), 0o644))

	r := rvExpect(t, pa, "monitor", ocf.NotRunning)
	assert.Contains(t, r.Reason(), "-f "+a.ConfigFile)
	rvExpect(t, pa.With(recurring, "10000"), "monitor", ocf.NotRunning)
	rvExpect(t, pa, "stop", ocf.Success)
	assert.True(t, rvAlive(worker), "b's worker was not signalled")
	assert.True(t, rvAlive(bMain))

	require.NoError(t, os.WriteFile(a.PidFile, []byte(strconv.Itoa(worker)+"\n"), 0o644))
	rvExpect(t, pa, "start", ocf.Success)
	require.NotEqual(t, worker, a.MainPid(), "a was really started")
	assert.NotEmpty(t, httpd.InstancePids(httpdtest.Binary, a.ConfigFile))
	rvExpect(t, pa, "monitor", ocf.Success)
	rvExpect(t, pa, "stop", ocf.Success)
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, a.ConfigFile))
	assert.True(t, rvAlive(worker), "stopping a leaves b alone")
	rvExpect(t, pb, "monitor", ocf.Success)
}

// Nothing of a testconffile reaches an exit reason or a log unredacted,
// whether the file is malformed or its test fails.
func TestTestConfFileNeverQuoted(t *testing.T) {
	const secret = "hunter22"
	_, p := rvServer(t, httpdtest.Options{})
	p = p.With("HA_debug", "1")
	rvExpect(t, p, "start", ocf.Success)
	t.Cleanup(func() { agenttest.Run(t, testenv.BuildAgent(t, "apache"), "stop", p) })
	dir := t.TempDir()
	for i, tc := range []struct {
		file string
		code int // ERR_CONFIGURED: validate-all refuses the file
	}{
		{"test a\nurl /\nmatch x\nuser admin\npassword=" + secret + "\nend\n", ocf.ErrConfigured},
		{"test a\nurl /\nmatch x\nuser admin\npassword\n" + secret + "\nend\n", ocf.ErrConfigured},
		{"test a\nurl /\nmatch x\nclient_opts --user=admin:" + secret + "\nend\n", ocf.ErrConfigured},
		{"test a\nurl /\nmatch x\nclient " + secret + "\nend\n", ocf.ErrConfigured},
		{"test a\nurl /\nmatch (" + secret + "\nend\n", ocf.ErrConfigured},
		{"test a\nurl http://127.0.0.1/%zz" + secret + "\nmatch x\nend\n", ocf.ErrConfigured},
		{"test a\nurl /\nmatch not-on-the-page-" + secret + "\nend\n", ocf.ErrGeneric},
		{"test a\nurl /nowhere?token=" + secret + "\nmatch x\nend\n", ocf.ErrGeneric},
		{"test a\nurl /\nmatch nope\nuser admin\npassword " + secret + "\nend\n", ocf.ErrGeneric},
	} {
		tests := filepath.Join(dir, "tests"+strconv.Itoa(i))
		require.NoError(t, os.WriteFile(tests, []byte(tc.file), 0o600))
		deep := p.With("OCF_CHECK_LEVEL", "10", "testconffile", tests)
		rvLog(t, p)
		var out []string
		if tc.code == ocf.ErrConfigured {
			r := rvExpect(t, deep, "validate-all", ocf.ErrConfigured)
			out = append(out, r.Stdout, r.Stderr)
		}
		// A recurring monitor: a test file that does not load leaves the
		// server found by its command line (running, the problem logged);
		// a test that runs and fails is a failure.
		want := ocf.ErrGeneric
		if tc.code == ocf.ErrConfigured {
			want = ocf.Success
		}
		r := rvExpect(t, deep.With(recurring, "10000"), "monitor", want)
		log := rvLog(t, p)
		out = append(out, r.Stdout, r.Stderr, log)
		if tc.code == ocf.ErrConfigured {
			assert.Contains(t, log, tests, "the warning names the file")
		}
		for _, o := range out {
			assert.NotContains(t, o, secret, "file %d: %s", i, tc.file)
		}
	}
}
