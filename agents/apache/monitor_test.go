package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
)

// TestCheckTimeoutIsKnown: a status check cut short by its deadline must
// be recognisable as such, or start's last attempt (often one the
// deadline interrupts) replaces the reason that says why the page fails,
// e.g. the 404 of a missing mod_status, with "context deadline exceeded".
func TestCheckTimeoutIsKnown(t *testing.T) {
	// Never accepted: the kernel completes the handshake and the request
	// waits in the backlog, unanswered.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	in := &resource{statusURL: "http://" + l.Addr().String() + "/server-status"}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = in.check(ctx, &ocf.Env{Action: "start"})
	require.Error(t, err)
	assert.True(t, isTimeout(err), "%v", err)

	// A page that answers is not a timeout.
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	in.statusURL = srv.URL + "/server-status"
	err = in.check(context.Background(), &ocf.Env{Action: "start"})
	require.Error(t, err)
	assert.False(t, isTimeout(err), "%v", err)
	var oe *ocf.Error
	assert.True(t, errors.As(err, &oe) && oe.Code == ocf.ErrGeneric, "%v", err)
}
