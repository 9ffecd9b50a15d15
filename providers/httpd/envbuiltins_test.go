package httpd

import (
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The builtins admins add to envvars must not make the file unreadable:
// the monitor would fail and a stop that needs the file would fence the
// node.
func TestEnvBuiltins(t *testing.T) {
	e := NewEnv(nil)
	require.NoError(t, e.Source("envvars", `
umask 002
ulimit -n 65536
ulimit -Hc unlimited
ulimit -S -u 4096
ulimit -n
ulimit -s 8192
ulimit -c 1000
umask u=rwx,g=rx
echo "starting $APACHE_RUN_USER"
printf '%s\n' x
set -e
set -a
AUTO=yes
set +a
NOT=no
set -- a b
export APACHE_PID_FILE=/run/apache2/apache2.pid
`))
	m, ok := e.Umask()
	require.True(t, ok)
	assert.Equal(t, 0o002, m)
	assert.Equal(t, []Limit{
		{Name: "-n", Resource: syscall.RLIMIT_NOFILE, Value: 65536, Soft: true, Hard: true},
		{Name: "-c", Resource: syscall.RLIMIT_CORE, Value: rlimInfinity, Hard: true},
		{Name: "-u", Resource: rlimitNproc, Value: 4096, Soft: true},
	}, e.Limits())
	exp := e.Exported()
	assert.Equal(t, "/run/apache2/apache2.pid", exp["APACHE_PID_FILE"])
	assert.Equal(t, "yes", exp["AUTO"], "set -a exports")
	assert.NotContains(t, exp, "NOT", "set +a stops exporting")

	var warned []string
	for _, n := range e.Notes() {
		if n.Warn {
			warned = append(warned, n.Text)
		}
	}
	assert.Len(t, warned, 4, "ulimit -s, ulimit -c 1000, symbolic umask and set -- are not applied: %q", warned)
	assert.Contains(t, warned[0], "envvars:7: ulimit -s 8192 not applied")

	_, ok = NewEnv(nil).Umask()
	assert.False(t, ok, "no umask unless a file sets one")
	require.Error(t, NewEnv(nil).Source("envvars", "umask $(cat /x)"), "a command substitution is still refused")
	require.Error(t, NewEnv(nil).Source("envvars", "cd /tmp"), "other commands are still refused")
}

func TestEnvApplyProcess(t *testing.T) {
	var before syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &before))
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &before) })
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })

	e := NewEnv(nil)
	require.NoError(t, e.Source("envvars", "umask 0027\nulimit -S -n 512\nulimit -H -n 18446744073709551615\n"))
	errs := e.ApplyProcess()
	require.Len(t, errs, 1, "a hard limit above the current one is refused (EPERM, or above nr_open as root), the rest applies")
	var now syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &now))
	assert.Equal(t, uint64(512), now.Cur)
	assert.Equal(t, 0o027, syscall.Umask(0o022))
}

func TestEnvSetAllexport(t *testing.T) {
	for _, tc := range []struct {
		text     string
		exported bool
	}{
		{"set -a\nA=1", true},
		{"set -ea\nA=1", true},
		{"set -o allexport\nA=1", true},
		{"set -a\nset +o allexport\nA=1", false},
		{"set -a\nset +ea\nA=1", false},
		{"set -e -u\nA=1", false},
		{"set -o pipefail\nA=1", false},
	} {
		e := NewEnv(nil)
		require.NoError(t, e.Source("envvars", tc.text), tc.text)
		_, ok := e.Exported()["A"]
		assert.Equal(t, tc.exported, ok, tc.text)
		for _, n := range e.Notes() {
			assert.False(t, n.Warn, "%s: %s", tc.text, n.Text)
		}
	}
}

func FuzzEnvBuiltins(f *testing.F) {
	f.Add("umask 002\nulimit -n 65536\nulimit -Hc unlimited\nset -a\nA=1\necho $A")
	f.Add("E=\nulimit -n \"$E\"\nulimit \"\" -S\numask \"\"\nset \"\" -- +a -ea")
	f.Add("ulimit -S -H -n 1 2\nulimit -Sx\nulimit -\numask 08 777")
	f.Fuzz(func(t *testing.T, text string) {
		e := NewEnv(nil)
		_ = e.Source("fuzz", text)
		_, _ = e.Umask()
		_ = e.Limits()
		_ = e.Notes()
	})
}
