package httpd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// debianEnvvars is the logic of Debian's /etc/apache2/envvars.
const debianEnvvars = `# envvars - default environment variables for apache2ctl
unset HOME

# for supporting multiple apache2 instances
if [ "${APACHE_CONFDIR##/etc/apache2-}" != "${APACHE_CONFDIR}" ] ; then
	SUFFIX="-${APACHE_CONFDIR##/etc/apache2-}"
else
	SUFFIX=
fi
export APACHE_RUN_USER=www-data
export APACHE_PID_FILE=/var/run/apache2$SUFFIX/apache2.pid
export APACHE_LOCK_DIR=/var/lock/apache2$SUFFIX
export LANG=C
export LANG
#export APACHE_ARGUMENTS=''
`

func TestEnvDebian(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		pid     string
	}{
		{"default instance", []string{"HOME=/root"}, "/var/run/apache2/apache2.pid"},
		{"second instance", []string{"APACHE_CONFDIR=/etc/apache2-web"}, "/var/run/apache2-web/apache2.pid"},
		{"plain confdir", []string{"APACHE_CONFDIR=/etc/apache2"}, "/var/run/apache2/apache2.pid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEnv(tc.environ)
			require.NoError(t, e.Source("envvars", debianEnvvars))
			exp := e.Exported()
			assert.Equal(t, tc.pid, exp["APACHE_PID_FILE"])
			assert.Equal(t, "www-data", exp["APACHE_RUN_USER"])
			assert.Equal(t, "C", exp["LANG"])
			assert.NotContains(t, exp, "HOME")
			assert.NotContains(t, exp, "SUFFIX", "SUFFIX is not exported")
			assert.Contains(t, e.Environ(), "LANG=C")
		})
	}
}

func TestEnvExpansions(t *testing.T) {
	e := NewEnv([]string{"A=/etc/apache2-x", "E="})
	require.NoError(t, e.Source("t", `
B=${A#*/}; C=${A##*/}; D=${A%-*}; F=${A%%/*}x
G=${E:-dflt} H=${E-dflt} I=${UNSET:-u} J=${E:+set} K=${A:+set}
L='$A literal' M="quoted $A" N=\$A O=${UNSET:=assigned}
export P="sp ace" Q
if [ -n "$E" ]; then R=one; elif [ "$A" = /etc/apache2-x ]; then R=two; else R=three; fi
if [ -z "$E" ]; then if [ ! -d /nonexistent ]; then S=nested; fi; fi
if test -f /nonexistent; then T=bad; else T=good; fi
`))
	want := map[string]string{
		"B": "etc/apache2-x", "C": "apache2-x", "D": "/etc/apache2", "F": "x",
		"G": "dflt", "H": "", "I": "u", "J": "", "K": "set",
		"L": "$A literal", "M": "quoted /etc/apache2-x", "N": "$A", "O": "assigned", "UNSET": "assigned",
		"P": "sp ace", "R": "two", "S": "nested", "T": "good",
	}
	for k, v := range want {
		got, ok := e.Get(k)
		assert.True(t, ok, k)
		assert.Equal(t, v, got, k)
	}
	exp := e.Exported()
	assert.Equal(t, "sp ace", exp["P"])
	assert.NotContains(t, exp, "Q", "exporting an unset name sets nothing")
	assert.NotContains(t, exp, "B")
}

func TestEnvRefused(t *testing.T) {
	for _, text := range []string{
		"A=$(id -u)",
		"A=`id -u`",
		"trap 'rm -f /tmp/x' EXIT",
		"A=1 && B=2",
		"if [ a = a ]; then A=1",
		"A='open",
		"export 1A=x",
		"A=${B/x/y}",
	} {
		t.Run(text, func(t *testing.T) {
			err := NewEnv(nil).Source("envvars", text)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "envvars")
		})
	}
}

func TestEnvSourceFiles(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	require.NoError(t, os.WriteFile(inc, []byte("export FROM_INC=yes\n"), 0o644))
	main := filepath.Join(dir, "main")
	require.NoError(t, os.WriteFile(main, []byte(". "+inc+"\nexport X=$FROM_INC\n"), 0o644))
	e := NewEnv(nil)
	require.NoError(t, e.SourceFiles([]string{filepath.Join(dir, "missing"), main}))
	assert.Equal(t, "yes", e.Exported()["X"])

	loop := filepath.Join(dir, "loop")
	require.NoError(t, os.WriteFile(loop, []byte(". "+loop+"\n"), 0o644))
	require.ErrorContains(t, NewEnv(nil).SourceFiles([]string{loop}), "too deeply")
}

func FuzzEnvSource(f *testing.F) {
	f.Add(debianEnvvars)
	f.Add("A=${B##*}${C%%[a-}\nif [ ! -x x ]; then\nif\nfi\nexport")
	f.Add("\"unterminated\n${\nif elif else fi then\n'x'\\\n")
	f.Fuzz(func(t *testing.T, text string) {
		e := NewEnv([]string{"APACHE_CONFDIR=/etc/apache2-x"})
		_ = e.Source("fuzz", text)
		_ = e.Environ()
	})
}

// Anything but a regular file is skipped, as the anchor's [ -f ] does,
// with a note (the agent logs it at debug level); the files around it are
// still read.
func TestSourceFilesSkipsNonRegular(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	require.NoError(t, os.WriteFile(a, []byte("export A=1\n"), 0o644))
	b := filepath.Join(dir, "b")
	require.NoError(t, os.WriteFile(b, []byte("export B=2\n"), 0o644))
	e := NewEnv(nil)
	require.NoError(t, e.SourceFiles([]string{a, os.DevNull, dir, b}))
	v, _ := e.Get("A")
	assert.Equal(t, "1", v)
	v, _ = e.Get("B")
	assert.Equal(t, "2", v)
	var notes []string
	for _, n := range e.Notes() {
		assert.False(t, n.Warn)
		notes = append(notes, n.Text)
	}
	assert.Equal(t, []string{os.DevNull + " is not a regular file: skipped", dir + " is not a regular file: skipped"}, notes)
}
