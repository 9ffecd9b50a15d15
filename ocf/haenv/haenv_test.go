package haenv

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listen is a syslog daemon of the test's own.
func listen(t *testing.T) *net.UnixConn {
	sock := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	SetSocket(sock)
	t.Cleanup(func() { SetSocket("") })
	return conn
}

func read(conn *net.UnixConn, wait time.Duration) (string, error) {
	buf := make([]byte, 1024)
	conn.SetReadDeadline(time.Now().Add(wait))
	n, err := conn.Read(buf)
	return string(buf[:n]), err
}

func TestSyslogFacility(t *testing.T) {
	conn := listen(t)
	for facility, pri := range map[string]string{
		"local3": "<156>", // local3 (19) * 8 + warning (4)
		"LOCAL3": "<156>",
		"daemon": "<28>", // 3 * 8 + 4
		"bogus":  "<28>", // unknown: daemon
		"user":   "<12>",
	} {
		s := NewSyslog("fence_x", facility)
		s.Write("WARNING", "careful")
		s.Close()
		msg, err := read(conn, 5*time.Second)
		require.NoError(t, err, facility)
		assert.Regexp(t, `^`+pri+`.* fence_x\[\d+\]: careful`, msg, facility)
	}
}

func TestSyslogOff(t *testing.T) {
	conn := listen(t)
	for _, facility := range []string{"", "none", " None "} {
		s := NewSyslog("fence_x", facility)
		s.Write("ERROR", "not sent")
		s.Close()
		_, err := read(conn, 200*time.Millisecond)
		assert.Error(t, err, "facility %q must turn syslog off", facility)
	}
}

func TestFacilityFromEnvironment(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "")
	t.Setenv("HA_logfacility", "")
	assert.Equal(t, "daemon", Facility("daemon"))
	t.Setenv("HA_logfacility", "local5")
	assert.Equal(t, "local5", Facility("daemon"))
	t.Setenv("HA_LOGFACILITY", "none")
	assert.Equal(t, "none", Facility("daemon"))
}

func TestStateDir(t *testing.T) {
	t.Setenv("HA_RSCTMP", "")
	assert.Equal(t, "/run/resource-agents", StateDir())
	t.Setenv("HA_RSCTMP", "/tmp/x")
	assert.Equal(t, "/tmp/x", StateDir())
}
