package httpd

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadPid(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		text string
		pid  int
		ok   bool
	}{
		"plain":     {"1234\n", 1234, true},
		"spaces":    {"  42  \n", 42, true},
		"empty":     {"", 0, false},
		"garbage":   {"httpd\n", 0, false},
		"negative":  {"-5\n", 0, false},
		"two words": {"7 8\n", 7, true},
	} {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(tc.text), 0o644))
		pid, err := ReadPid(p)
		if tc.ok {
			require.NoError(t, err, name)
			assert.Equal(t, tc.pid, pid, name)
		} else {
			assert.Error(t, err, name)
		}
	}
	_, err := ReadPid(filepath.Join(dir, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestIsHTTPD(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	assert.True(t, IsHTTPD(os.Getpid(), self), "this test binary is itself")
	assert.False(t, IsHTTPD(os.Getpid(), "/usr/sbin/apache2"), "a live process of another program")
	assert.False(t, IsHTTPD(1<<22+1, self), "no such process")

	sleep := exec.Command("sleep", "30")
	require.NoError(t, sleep.Start())
	pid := sleep.Process.Pid
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	path, _ := exec.LookPath("sleep")
	assert.True(t, IsHTTPD(pid, path))
	assert.True(t, alive(pid))

	// A zombie has exited: not running, whatever its name.
	require.NoError(t, sleep.Process.Kill())
	for i := 0; i < 200; i++ {
		st, err := readStat(pid)
		require.NoError(t, err)
		if st.state == 'Z' {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	assert.False(t, alive(pid))
	assert.False(t, IsHTTPD(pid, path))
}

func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "httpd")
	require.NoError(t, os.WriteFile(bin, nil, 0o755))
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(bin, link))
	assert.True(t, sameFile(bin, link))
	assert.True(t, sameFile(bin+" (deleted)", bin))
	assert.False(t, sameFile("/usr/bin/sleep", bin))
}

func TestHasConfigArg(t *testing.T) {
	assert.True(t, hasConfigArg([]string{"apache2", "-DSTATUS", "-f", "/a.conf", ""}, "/a.conf"))
	assert.True(t, hasConfigArg([]string{"apache2", "-f/a.conf"}, "/a.conf"))
	assert.False(t, hasConfigArg([]string{"apache2", "-f", "/a.conf.bak"}, "/a.conf"))
	assert.False(t, hasConfigArg([]string{"apache2", "-k", "start"}, "/a.conf"))
	assert.False(t, hasConfigArg([]string{"/a.conf", "-f"}, "/a.conf"))
}

func TestStatParsesOddNames(t *testing.T) {
	st, err := readStat(os.Getpid())
	require.NoError(t, err)
	assert.Equal(t, os.Getppid(), st.ppid)
	assert.NotEmpty(t, st.comm)
}

// A process of the same binary with another configuration file is not the
// server, and is never signalled on its behalf.
func TestIsInstanceAndSignal(t *testing.T) {
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	sh, err = filepath.EvalSymlinks(sh)
	require.NoError(t, err)
	// "; :" keeps sh from exec'ing sleep: the process stays sh with its
	// arguments, like an httpd worker with its parent's command line.
	other := exec.Command(sh, "-c", "sleep 60; :", "-f", "/etc/other/httpd.conf")
	require.NoError(t, other.Start())
	t.Cleanup(func() { other.Process.Kill(); other.Wait() })
	pid := other.Process.Pid
	require.Eventually(t, func() bool { return IsHTTPD(pid, sh) }, time.Second, 5*time.Millisecond)

	assert.True(t, IsInstance(pid, sh, "/etc/other/httpd.conf"))
	assert.False(t, IsInstance(pid, sh, "/etc/mine/httpd.conf"), "same binary, another configuration")

	mine := &Server{Binary: sh, ConfigFile: "/etc/mine/httpd.conf"}
	assert.ErrorIs(t, mine.signal(pid, syscall.SIGTERM), errNotInstance)
	assert.Zero(t, mine.findMain())
	assert.True(t, alive(pid), "nothing was signalled")

	theirs := &Server{Binary: sh, ConfigFile: "/etc/other/httpd.conf"}
	require.NoError(t, theirs.signal(pid, syscall.SIGKILL))
	other.Wait()
	assert.Error(t, theirs.signal(pid, syscall.SIGKILL), "an exited process is not signalled again")
}
