package httpd

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Nothing of the server runs: a pid file that cannot be removed (here a
// directory that is not empty) does not fail the stop.
func TestStopUnremovablePidFile(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "httpd.pid")
	require.NoError(t, os.MkdirAll(filepath.Join(pidFile, "x"), 0o755))
	s := &Server{Binary: "/usr/sbin/apache2", ConfigFile: filepath.Join(t.TempDir(), "none.conf"), PidFile: pidFile}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rep, err := s.Stop(ctx)
	require.NoError(t, err)
	assert.Zero(t, rep.Pid)
	assert.Error(t, rep.PidFileErr, "reported, for a warning")
}
