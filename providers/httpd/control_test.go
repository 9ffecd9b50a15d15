package httpd_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// server writes a test configuration and the Server that drives it, with
// the pid file and status URL found by parsing, as the agent finds them.
func server(t *testing.T, o httpdtest.Options) (*httpdtest.Server, *httpd.Server, *httpd.Config) {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "apache2")
	ts := httpdtest.New(t, o)
	cfg, err := httpd.ParseConfig(ts.ConfigFile, httpd.ParseOptions{ServerRoot: "/etc/apache2", Defines: []string{"STATUS"}})
	require.NoError(t, err)
	s := &httpd.Server{Binary: httpdtest.Binary, ConfigFile: ts.ConfigFile, PidFile: cfg.PidFile, Env: os.Environ()}
	return ts, s, cfg
}

func ctx(t *testing.T, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return c
}

// waitUp polls the status page until it answers (start does the same).
func waitUp(t *testing.T, p *httpd.Probe) {
	t.Helper()
	var err error
	for i := 0; i < 200; i++ {
		if err = p.Check(ctx(t, time.Second)); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server never answered: %v", err)
}

func statusProbe(t *testing.T, cfg *httpd.Config) *httpd.Probe {
	re, err := httpd.CompileRegex(`</ *html *>`)
	require.NoError(t, err)
	return &httpd.Probe{URL: httpd.StatusURL(cfg, ""), Match: re}
}

func TestStartStop(t *testing.T) {
	for _, mpm := range []string{"event", "prefork", "worker"} {
		t.Run(mpm, func(t *testing.T) { startStop(t, mpm) })
	}
}

func startStop(t *testing.T, mpm string) {
	ts, s, cfg := server(t, httpdtest.Options{RelativePid: true, IncludeStatus: true, MPM: mpm})
	assert.Equal(t, ts.PidFile, cfg.PidFile)
	assert.Equal(t, "http://"+ts.Addr+"/server-status", httpd.StatusURL(cfg, ""))

	require.NoError(t, s.ConfigTest(ctx(t, 10*time.Second)))
	require.NoError(t, s.Start(ctx(t, 10*time.Second)))
	waitUp(t, statusProbe(t, cfg))
	pid, running, err := s.Pid()
	require.NoError(t, err)
	require.True(t, running)

	rep, err := s.Stop(ctx(t, 20*time.Second))
	require.NoError(t, err)
	t.Logf("stop: %+v", rep)
	assert.Equal(t, pid, rep.Pid)
	assert.Equal(t, "WINCH", rep.Signals[0], "graceful first")
	assert.NotContains(t, rep.Signals, "KILL")
	assert.Zero(t, rep.Leftovers)
	_, running, _ = s.Pid()
	assert.False(t, running)
	assert.NoFileExists(t, ts.PidFile)
	assert.Empty(t, httpd.InstancePids(s.Binary, s.ConfigFile))

	rep, err = s.Stop(ctx(t, 5*time.Second))
	require.NoError(t, err, "stop on stopped")
	assert.Zero(t, rep.Pid)
}

func TestStopAfterParentKilled(t *testing.T) {
	ts, s, cfg := server(t, httpdtest.Options{})
	require.NoError(t, s.Start(ctx(t, 10*time.Second)))
	waitUp(t, statusProbe(t, cfg))
	pid := ts.MainPid()
	require.NotZero(t, pid)
	// Workers notice their parent's death and may leave on their own
	// before the stop looks (on a busy machine, or not): frozen, they
	// are the leftovers a hung worker would be, and only a KILL ends them.
	for _, w := range httpd.InstancePids(s.Binary, s.ConfigFile) {
		if w != pid {
			require.NoError(t, syscall.Kill(w, syscall.SIGSTOP))
		}
	}
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	require.Eventually(t, func() bool { _, r, _ := s.Pid(); return !r }, 5*time.Second, 10*time.Millisecond)
	assert.FileExists(t, ts.PidFile, "a killed httpd leaves its pid file")
	assert.NotEmpty(t, httpd.InstancePids(s.Binary, s.ConfigFile), "its workers live on")

	rep, err := s.Stop(ctx(t, 20*time.Second))
	require.NoError(t, err)
	assert.Zero(t, rep.Pid)
	assert.NotZero(t, rep.Leftovers)
	assert.Empty(t, httpd.InstancePids(s.Binary, s.ConfigFile))
	assert.NoFileExists(t, ts.PidFile, "stale pid file removed")

	// and the port is free again: it starts
	require.NoError(t, s.Start(ctx(t, 10*time.Second)))
	waitUp(t, statusProbe(t, cfg))
	_, err = s.Stop(ctx(t, 20*time.Second))
	require.NoError(t, err)
}

func TestStopStalePidOfAnotherProgram(t *testing.T) {
	ts, s, _ := server(t, httpdtest.Options{})
	sleep := exec.Command("sleep", "60")
	require.NoError(t, sleep.Start())
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	require.NoError(t, os.WriteFile(ts.PidFile, []byte(strconv.Itoa(sleep.Process.Pid)+"\n"), 0o644))

	_, running, err := s.Pid()
	require.NoError(t, err)
	assert.False(t, running, "a pid reused by another program is not httpd")
	_, err = s.Stop(ctx(t, 5*time.Second))
	require.NoError(t, err)
	assert.NoError(t, sleep.Process.Signal(syscall.Signal(0)), "the other program was not signalled")
	st, _ := os.ReadFile("/proc/" + strconv.Itoa(sleep.Process.Pid) + "/stat")
	assert.NotContains(t, string(st), ") Z ", "the other program was not killed")
	assert.NoFileExists(t, ts.PidFile)
}

func TestStartRefusedConfig(t *testing.T) {
	ts, s, _ := server(t, httpdtest.Options{Extra: "NoSuchDirective on\n"})
	err := s.Start(ctx(t, 10*time.Second))
	var ee *httpd.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Contains(t, ee.Output, "NoSuchDirective")
	assert.Contains(t, ee.Output, ts.ConfigFile)
	require.ErrorAs(t, s.ConfigTest(ctx(t, 10*time.Second)), &ee)
	assert.Empty(t, httpd.InstancePids(s.Binary, s.ConfigFile))
}

func TestHTTPSStatus(t *testing.T) {
	ts, s, cfg := server(t, httpdtest.Options{TLS: true})
	u := httpd.StatusURL(cfg, "")
	assert.Equal(t, ts.URL("/server-status"), u, "Listen ... https gives an https URL")
	require.NoError(t, s.Start(ctx(t, 10*time.Second)))
	t.Cleanup(func() { s.Stop(context.Background()) })
	p := statusProbe(t, cfg)
	p.CAFile = ts.CertFile
	waitUp(t, p)
	err := (&httpd.Probe{URL: u}).Check(ctx(t, 5*time.Second))
	require.Error(t, err, "a self-signed certificate fails the default check")
	assert.Contains(t, err.Error(), "certificate")
	require.NoError(t, (&httpd.Probe{URL: u, Insecure: true}).Check(ctx(t, 5*time.Second)))
}

// A graceful stop lets a response in flight finish: a client reads a large
// file slowly while the server is stopped, and still gets all of it.
func TestStopLetsRequestsFinish(t *testing.T) {
	ts, s, cfg := server(t, httpdtest.Options{})
	const size = 32 << 20
	big := make([]byte, size)
	require.NoError(t, os.WriteFile(ts.Dir+"/htdocs/big.bin", big, 0o644))
	require.NoError(t, s.Start(ctx(t, 10*time.Second)))
	waitUp(t, statusProbe(t, cfg))

	conn, err := net.Dial("tcp", ts.Addr)
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReaderSize(conn, 128<<10)
	head, err := br.Peek(64 << 10) // the response has begun
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(head, []byte("HTTP/1.1 200")), "%.40q", head)

	stopped := make(chan httpd.StopReport, 1)
	go func() {
		rep, err := s.Stop(ctx(t, 30*time.Second))
		assert.NoError(t, err)
		stopped <- rep
	}()
	time.Sleep(300 * time.Millisecond) // the stop has begun; the client is slow
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, resp.Body)
	require.NoError(t, err, "the response was cut off")
	assert.Equal(t, int64(size), n)
	rep := <-stopped
	t.Logf("stop: %+v", rep)
	assert.Equal(t, "WINCH", rep.Signals[0])
	assert.NotContains(t, rep.Signals, "KILL")
}

// A client that never reads keeps a worker busy for ever: the graceful stop
// cannot finish, so TERM (and KILL if need be) end the server inside the
// stop's time.
func TestStopBoundedByDeadline(t *testing.T) {
	ts, s, cfg := server(t, httpdtest.Options{})
	require.NoError(t, os.WriteFile(ts.Dir+"/htdocs/big.bin", make([]byte, 64<<20), 0o644))
	require.NoError(t, s.Start(ctx(t, 10*time.Second)))
	waitUp(t, statusProbe(t, cfg))
	conn, err := net.Dial("tcp", ts.Addr)
	require.NoError(t, err)
	defer conn.Close()
	conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	_, err = io.WriteString(conn, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // the worker is now blocked writing

	start := time.Now()
	rep, err := s.Stop(ctx(t, 2*time.Second))
	require.NoError(t, err)
	t.Logf("stop: %+v", rep)
	assert.Contains(t, rep.Signals, "TERM", "graceful stop could not finish")
	assert.Less(t, time.Since(start), 5*time.Second, "stop hung past its deadline")
	assert.Empty(t, httpd.InstancePids(s.Binary, s.ConfigFile))
}
