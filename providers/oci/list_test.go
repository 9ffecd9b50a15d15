package oci_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/oci"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// A service that always says another page follows is given up on after
// 1000 pages, for both lists, well before the action's deadline.
func TestListsStopAfter1000Pages(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("opc-next-page", "more")
		w.Write([]byte("[]"))
	}))
	t.Cleanup(srv.Close)
	f := ocifake.New(ocifake.Options{})
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	k, err := oci.LoadAPIKey(cfg, "")
	require.NoError(t, err)
	c := &oci.Client{Endpoint: srv.URL, Creds: k}

	_, err = c.ListInstances(ctxFor(t, time.Minute), "ocid1.tenancy.oc1..x", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ListInstances: more than 1000 pages")
	assert.EqualValues(t, 1000, calls.Swap(0))

	_, err = c.ListPrivateIPs(ctxFor(t, time.Minute), "", "ocid1.subnet.oc1..x", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ListPrivateIps: more than 1000 pages")
	assert.EqualValues(t, 1000, calls.Load())
}
