package main

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
)

const recurring = "OCF_RESKEY_CRM_meta_interval"

func TestLifecycle(t *testing.T) {
	ts, p := server(t, httpdtest.Options{RelativePid: true, IncludeStatus: true})
	expect(t, p, "validate-all", ocf.Success)
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p.With(recurring, "10000"), "monitor", ocf.NotRunning)
	expect(t, p, "start", ocf.Success)
	pid := ts.MainPid()
	require.NotZero(t, pid)
	expect(t, p, "monitor", ocf.Success)
	expect(t, p.With(recurring, "10000"), "monitor", ocf.Success)
	expect(t, p, "status", ocf.Success)

	expect(t, p, "start", ocf.Success)
	assert.Equal(t, pid, ts.MainPid(), "start on started changes nothing")

	expect(t, p, "stop", ocf.Success)
	assert.NoFileExists(t, ts.PidFile)
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile))
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)

	expect(t, p, "start", ocf.Success)
	expect(t, p, "monitor", ocf.Success)
	expect(t, p, "stop", ocf.Success)
}

func TestKilledParent(t *testing.T) {
	ts, p := server(t, httpdtest.Options{})
	expect(t, p, "start", ocf.Success)
	pid := ts.MainPid()
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	waitDead(t, pid)
	require.NotEmpty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile), "workers outlive their parent")

	r := expect(t, p.With(recurring, "10000"), "monitor", ocf.NotRunning)
	assert.Contains(t, r.Reason(), strconv.Itoa(pid))
	expect(t, p, "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile), "stop kills the orphans that hold the port")
	assert.NoFileExists(t, ts.PidFile, "stale pid file removed")
	expect(t, p, "start", ocf.Success)
	expect(t, p, "monitor", ocf.Success)
	expect(t, p, "stop", ocf.Success)
}

func TestStalePidOfAnotherProgram(t *testing.T) {
	ts, p := server(t, httpdtest.Options{})
	sleep := exec.Command("sleep", "120")
	require.NoError(t, sleep.Start())
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	require.NoError(t, os.WriteFile(ts.PidFile, []byte(strconv.Itoa(sleep.Process.Pid)+"\n"), 0o644))

	r := expect(t, p, "monitor", ocf.NotRunning)
	assert.Contains(t, r.Reason(), "not a running /usr/sbin/apache2")
	expect(t, p.With(recurring, "10000"), "monitor", ocf.NotRunning)
	expect(t, p, "stop", ocf.Success)
	assert.NoFileExists(t, ts.PidFile)
	assert.True(t, alive(sleep.Process.Pid), "nothing signalled: the other program still runs")

	// httpd overwrites a stale pid file when it starts
	require.NoError(t, os.WriteFile(ts.PidFile, []byte(strconv.Itoa(sleep.Process.Pid)+"\n"), 0o644))
	expect(t, p, "start", ocf.Success)
	assert.NotEqual(t, sleep.Process.Pid, ts.MainPid())
	expect(t, p, "stop", ocf.Success)
	assert.True(t, alive(sleep.Process.Pid))
}

func TestNoStatusPageFallback(t *testing.T) {
	t.Run("index page is HTML", func(t *testing.T) {
		_, p := server(t, httpdtest.Options{NoStatus: true})
		expect(t, p, "start", ocf.Success)
		expect(t, p, "monitor", ocf.Success)
		expect(t, p, "stop", ocf.Success)
	})
	t.Run("index page is not HTML: a HEAD request", func(t *testing.T) {
		ts, p := server(t, httpdtest.Options{NoStatus: true, Index: "plain text\n"})
		expect(t, p, "start", ocf.Success)
		expect(t, p, "monitor", ocf.Success)
		// with a monitoring parameter set there is no fallback
		r := expect(t, p.With("testregex", "Apache Server Status"), "monitor", ocf.ErrGeneric)
		assert.Contains(t, r.Reason(), "Failed to access httpd status page")
		assert.Contains(t, r.Reason(), ts.Addr)
		expect(t, p, "stop", ocf.Success)
	})
}

func TestStatusPageChecks(t *testing.T) {
	ts, p := server(t, httpdtest.Options{StatusPath: "/ha-status"})
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })
	expect(t, p.With("testregex", "Apache Server Status for"), "monitor", ocf.Success)
	expect(t, p.With("client", "curl"), "monitor", ocf.Success) // accepted, the check is in-process
	expect(t, p.With("statusurl", ts.URL("/ha-status")), "monitor", ocf.Success)
	r := expect(t, p.With("statusurl", ts.URL("/nowhere")), "monitor", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "404")
	r = expect(t, p.With("testregex", "no such text"), "monitor", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), `does not match "no such text"`)

	// depth 10
	deep := p.With("OCF_CHECK_LEVEL", "10")
	r = expect(t, deep, "monitor", ocf.ErrConfigured)
	assert.Contains(t, r.Reason(), "testurl")
	expect(t, deep.With("testurl", "/ha-status", "testregex10", "uptime"), "monitor", ocf.Success)
	expect(t, deep.With("testurl", ts.URL("/"), "testregex10", "ocfkit test page"), "monitor", ocf.Success)
	expect(t, deep.With("testurl", "/", "testregex10", "no such text"), "monitor", ocf.ErrGeneric)
}

func TestTestConfFile(t *testing.T) {
	dir := worldReadableDir(t) // httpd's workers run as nobody
	users := filepath.Join(dir, "users")
	sum := sha1.Sum([]byte("s3cret-pw"))
	require.NoError(t, os.WriteFile(users, []byte("admin:{SHA}"+base64.StdEncoding.EncodeToString(sum[:])+"\n"), 0o644))
	extra := fmt.Sprintf(`LoadModule alias_module %[1]s/mod_alias.so
LoadModule auth_basic_module %[1]s/mod_auth_basic.so
LoadModule authn_core_module %[1]s/mod_authn_core.so
LoadModule authn_file_module %[1]s/mod_authn_file.so
LoadModule authz_user_module %[1]s/mod_authz_user.so
Alias /private %[2]s
<Location /private>
  AuthType Basic
  AuthName private
  AuthUserFile %[3]s
  Require valid-user
</Location>
`, httpdtest.ModuleDir, dir, users)
	_, p := server(t, httpdtest.Options{Extra: extra})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "page"), []byte("private page of admin\n"), 0o644))
	tests := filepath.Join(t.TempDir(), "tests")
	require.NoError(t, os.WriteFile(tests, []byte(`
test public
url /
match ocfkit test page
end
test private
url /private/page
match private page
user admin
password s3cret-pw
client wget
end
test wrong
url /private/page
match private page
user admin
password not-the-pw
end
`), 0o600))
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })
	deep := p.With("OCF_CHECK_LEVEL", "10", "testconffile", tests)
	expect(t, deep, "monitor", ocf.Success)
	expect(t, deep.With("testname", "private"), "monitor", ocf.Success)
	r := expect(t, deep.With("testname", "wrong"), "monitor", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "401")
	for _, out := range []string{r.Stderr, r.Stdout} {
		assert.NotContains(t, out, "not-the-pw")
	}
	r = expect(t, deep.With("testname", "absent"), "validate-all", ocf.ErrConfigured)
	assert.Contains(t, r.Reason(), "absent")
}

func TestHTTPS(t *testing.T) {
	ts, p := server(t, httpdtest.Options{TLS: true})
	// the derived status URL is https (Listen ... https); the certificate
	// is self-signed, so the default check refuses it and start fails
	r := expect(t, p.With("OCF_RESKEY_CRM_meta_timeout", "6000"), "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "certificate")
	// the last of them may have had SIGKILL just before the deadline
	assert.Eventually(t, func() bool { return len(httpd.InstancePids(httpdtest.Binary, ts.ConfigFile)) == 0 },
		10*time.Second, 20*time.Millisecond, "a failed start stops what it started")

	expect(t, p.With("tls_cafile", ts.CertFile), "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })
	expect(t, p.With("tls_cafile", ts.CertFile), "monitor", ocf.Success)
	expect(t, p.With("tls_verify", "false"), "monitor", ocf.Success)
	r = expect(t, p, "monitor", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "certificate")
	expect(t, p.With("statusurl", "https://localhost:"+strconv.Itoa(ts.Port)+"/server-status", "tls_cafile", ts.CertFile), "monitor", ocf.Success)
}

// The envvars file and the options reach both httpd and the configuration
// reader: the pid file is named by a variable and a -D define.
func TestEnvfilesAndOptions(t *testing.T) {
	ts, p := server(t, httpdtest.Options{NoPidFile: true, Extra: "<IfDefine OCFKIT>\nPidFile ${OCFKIT_RUN}/custom.pid\n</IfDefine>\n"})
	env := filepath.Join(t.TempDir(), "envvars")
	runDir := filepath.Join(ts.Dir, "run")
	require.NoError(t, os.WriteFile(env, []byte("unset HOME\nif [ -d "+runDir+" ]; then\n  export OCFKIT_RUN="+runDir+"\nfi\n"), 0o644))
	p = p.With("envfiles", env, "options", "-D OCFKIT")
	expect(t, p, "start", ocf.Success)
	pidFile := filepath.Join(runDir, "custom.pid")
	require.FileExists(t, pidFile)
	expect(t, p, "monitor", ocf.Success)
	expect(t, p, "stop", ocf.Success)
	assert.NoFileExists(t, pidFile)
}

// Without any PidFile, the agent names one and passes it with -c.
func TestDefaultPidFile(t *testing.T) {
	ts, p := server(t, httpdtest.Options{NoPidFile: true})
	varrun := t.TempDir()
	p = p.With("HA_VARRUN", varrun)
	expect(t, p, "start", ocf.Success)
	pidFile := filepath.Join(varrun, "apache2-apache-test.pid")
	require.FileExists(t, pidFile)
	expect(t, p, "monitor", ocf.Success)
	expect(t, p, "stop", ocf.Success)
	assert.NoFileExists(t, pidFile)
	assert.Empty(t, httpd.InstancePids(httpdtest.Binary, ts.ConfigFile))
}

func alive(pid int) bool {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(st), ") Z ")
}

func waitDead(t *testing.T, pid int) {
	t.Helper()
	for i := 0; i < 500 && alive(pid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	require.False(t, alive(pid), "pid %d did not die", pid)
}

func worldReadableDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "ocfkit-apache-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	return dir
}

func TestIPv6(t *testing.T) {
	ts, p := server(t, httpdtest.Options{IPv6: true})
	expect(t, p, "start", ocf.Success) // derived: http://[::1]:<port>/server-status
	t.Cleanup(func() { run(t, p, "stop") })
	expect(t, p, "monitor", ocf.Success)
	local := p.With("statusurl", "http://localhost:"+strconv.Itoa(ts.Port)+"/server-status")
	expect(t, local.With("use_ipv6", "true"), "monitor", ocf.Success)
	r := expect(t, local, "monitor", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "refused", "localhost is 127.0.0.1 unless use_ipv6")
}

// A port taken by someone else is this node's problem, not a wrong
// configuration: ERR_GENERIC (try elsewhere), with httpd's own words.
func TestStartPortInUse(t *testing.T) {
	ts, p := server(t, httpdtest.Options{})
	l, err := net.Listen("tcp", ts.Addr)
	require.NoError(t, err)
	defer l.Close()
	r := expect(t, p, "start", ocf.ErrGeneric)
	assert.Contains(t, r.Reason(), "Address already in use")
	expect(t, p, "validate-all", ocf.Success)
	expect(t, p, "monitor", ocf.NotRunning)
}
