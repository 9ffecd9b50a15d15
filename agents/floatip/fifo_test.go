package main

import (
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
		r := a.do(action, "token_file", fifo, "OCF_RESKEY_CRM_meta_timeout", "3000")
		assert.Equal(t, ocf.ErrInstalled, r.Code, "%s: %s", action, r)
		assert.Contains(t, r.Reason(), "not a regular file", "%s: %s", action, r)
	}
	a.expect(ocf.Success, "stop", "token_file", fifo)
}
