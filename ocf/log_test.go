package ocf

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf/haenv/haenvtest"
)

func TestLoggerFiles(t *testing.T) {
	dir := t.TempDir()
	logf, dbg := filepath.Join(dir, "ha.log"), filepath.Join(dir, "debug.log")
	t.Setenv("HA_LOGFACILITY", "none")
	t.Setenv("HA_LOGFILE", logf)
	t.Setenv("HA_DEBUGLOG", dbg)
	t.Setenv("HA_debug", "0")
	RegisterSecret("hunter2-password")

	var stderr bytes.Buffer
	l := NewLogger("IPaddr2", "vip", &stderr)
	l.Infof("added %s", "10.0.0.1/24")
	l.Errorf("auth with hunter2-password failed")
	l.Debugf("not logged without HA_debug")
	l.Close()

	b, err := os.ReadFile(logf)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 2)
	assert.Regexp(t, `^IPaddr2\(vip\)\[\d+\]:\t\d{4}/\d\d/\d\d_\d\d:\d\d:\d\d INFO: added 10.0.0.1/24$`, lines[0])
	assert.Contains(t, lines[1], "ERROR: auth with *** failed")
	d, err := os.ReadFile(dbg)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(d), "HA_DEBUGLOG also gets ordinary lines")
	assert.Empty(t, stderr.String(), "not a terminal and files are configured: stderr stays clean")

	t.Setenv("HA_debug", "1")
	l = NewLogger("IPaddr2", "vip", &stderr)
	l.Debugf("now logged")
	d, _ = os.ReadFile(dbg)
	assert.Contains(t, string(d), "DEBUG: now logged")
	b, _ = os.ReadFile(logf)
	assert.NotContains(t, string(b), "DEBUG", "debug lines go only to HA_DEBUGLOG")
}

func TestLoggerStderrByHand(t *testing.T) {
	for _, k := range []string{"HA_LOGFACILITY", "HA_logfacility", "HA_LOGFILE", "HA_logfile", "HA_DEBUGLOG", "HA_debugfile"} {
		t.Setenv(k, "")
	}
	var stderr bytes.Buffer
	l := NewLogger("Dummy", "d1", &stderr)
	l.Warnf("careful")
	assert.Equal(t, "Dummy(d1) WARNING: careful\n", stderr.String())
}

func TestRedact(t *testing.T) {
	RegisterSecret("abc") // too short: ignored rather than mangling text
	assert.Equal(t, "abcdef", Redact("abcdef"))
	RegisterSecret("  dop_v1_0123456789  ")
	RegisterSecret("dop_v1_0123456789")
	assert.Equal(t, "token=***;", Redact("token=dop_v1_0123456789;"))
}

func TestLoggerSyslog(t *testing.T) {
	conn := haenvtest.Syslog(t)

	t.Setenv("HA_LOGFILE", "")
	t.Setenv("HA_DEBUGLOG", "")
	t.Setenv("HA_LOGFACILITY", "")
	t.Setenv("HA_logfacility", "local3")
	l := NewLogger("IPaddr2", "vip", io.Discard)
	l.Warnf("address gone")
	l.Close()

	msg, err := haenvtest.Read(conn, 5*time.Second)
	require.NoError(t, err)
	// <pri> = local3 (19) * 8 + warning (4) = 156
	assert.Regexp(t, `^<156>.* IPaddr2\(vip\)\[\d+\]: WARNING: address gone`, msg)

	t.Setenv("HA_logfacility", "none")
	l = NewLogger("IPaddr2", "vip", io.Discard)
	l.Errorf("not sent")
	l.Close()
	_, err = haenvtest.Read(conn, 200*time.Millisecond)
	assert.Error(t, err, "facility none turns syslog off")
}
