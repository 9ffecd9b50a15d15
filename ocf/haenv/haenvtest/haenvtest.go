// Package haenvtest is a syslog daemon of the test's own, for the tests of
// what logs through ocf/haenv's Syslog (ocf's and fence's loggers).
package haenvtest

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/ocf/haenv"
)

// Syslog listens on a unixgram socket in a temporary directory and makes
// the Syslog writers created until the test ends send there.
func Syslog(t testing.TB) *net.UnixConn {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "log")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatalf("syslog socket: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	haenv.SetSocket(sock)
	t.Cleanup(func() { haenv.SetSocket("") })
	return conn
}

// Read is the next line the socket received within wait.
func Read(conn *net.UnixConn, wait time.Duration) (string, error) {
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(wait))
	n, err := conn.Read(buf)
	return string(buf[:n]), err
}
