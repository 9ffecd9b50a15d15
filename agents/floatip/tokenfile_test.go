package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
)

// A FIFO as token_file is not a token file: validate-all and start answer
// ERR_INSTALLED with a reason at once, instead of blocking in open(2)
// until the watchdog ends the action.
func TestTokenFileFIFO(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	fifo := filepath.Join(t.TempDir(), "token.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	for _, action := range []string{"validate-all", "start"} {
		r := a.expect(ocf.ErrInstalled, action, "token_file", fifo, "OCF_RESKEY_CRM_meta_timeout", "3000")
		assert.Contains(t, r.Reason(), "not a regular file", "%s: %s", action, r)
	}
	a.expect(ocf.Success, "stop", "token_file", fifo)
}

// A stop that unassigns uses a token file that became too open, with a
// warning, rather than failing (ERR_PERM is not excused at stop) and
// getting the node fenced; start and validate-all still refuse it.
func TestStopUnassignsWithTooOpenTokenFile(t *testing.T) {
	c := newCloud(t)
	a := c.node(t, dropA)
	logs := filepath.Join(t.TempDir(), "ha.log")
	a.expect(ocf.Success, "start")
	require.Equal(t, dropA, c.Fake.Holder(fip))
	require.NoError(t, os.Chmod(c.tokenFile, 0o644))
	a.expect(ocf.ErrPerm, "validate-all", "unassign_on_stop", "true")
	a.expect(ocf.Success, "stop", "unassign_on_stop", "true", "HA_LOGFILE", logs)
	assert.Equal(t, 0, c.Fake.Holder(fip), "stop unassigned the IP")
	b, err := os.ReadFile(logs)
	require.NoError(t, err)
	assert.Contains(t, string(b), "chmod 600 "+c.tokenFile)
}
