package fence

import (
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf/haenv"
)

// The fencer runs fence agents with Pacemaker's HA_LOGFACILITY: their
// lines go where the cluster's other lines go, daemon when it is unset.
func TestLoggerSyslogFacility(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	require.NoError(t, err)
	defer conn.Close()
	haenv.SetSocket(sock)
	defer haenv.SetSocket("")

	for facility, pri := range map[string]string{"local3": "<156>", "": "<28>"} {
		t.Setenv("HA_LOGFACILITY", facility)
		t.Setenv("HA_logfacility", "")
		red := &redactor{}
		red.add("s3cr3t-token")
		l := newLogger("fence_x", io.Discard, red)
		l.Warnf("token s3cr3t-token refused")
		l.close()
		buf := make([]byte, 1024)
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := conn.Read(buf)
		require.NoError(t, err, facility)
		msg := string(buf[:n])
		assert.Regexp(t, `^`+pri+`.* fence_x\[\d+\]: token \*\*\* refused`, msg, facility)
		assert.NotContains(t, msg, "s3cr3t")
	}

	t.Setenv("HA_LOGFACILITY", "none")
	l := newLogger("fence_x", io.Discard, &redactor{})
	l.Errorf("not sent")
	l.close()
	conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	_, err = conn.Read(make([]byte, 1024))
	assert.Error(t, err, "facility none turns syslog off")
}
