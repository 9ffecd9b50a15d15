package digitalocean

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadata(t *testing.T) {
	env := fake(t)
	a, err := NewMetadata(env.Metadata[dropA], time.Second)
	require.NoError(t, err)
	b, err := NewMetadata(env.Metadata[dropB], time.Second)
	require.NoError(t, err)
	ctx := ctxFor(t, 5*time.Second)

	id, err := a.DropletID(ctx)
	require.NoError(t, err)
	assert.Equal(t, dropA, id)

	active, ip, err := a.ReservedIPv4(ctx)
	require.NoError(t, err)
	assert.True(t, active)
	assert.Equal(t, netip.MustParseAddr(fip), ip)

	active, _, err = b.ReservedIPv4(ctx)
	require.NoError(t, err)
	assert.False(t, active)
	assert.Equal(t, 1, env.Fake.MetadataCalls(dropB), "inactive: the address is not asked for")
	assert.Zero(t, env.Fake.APICalls())

	env.Fake.SetMetadataDown(dropA, true)
	_, _, err = a.ReservedIPv4(ctx)
	var me *MetadataError
	require.ErrorAs(t, err, &me)
	_, err = a.DropletID(ctx)
	require.ErrorAs(t, err, &me)
}

func TestMetadataFallsBackToFloatingIP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metadata/v1/floating_ip/ipv4/active":
			w.Write([]byte("true"))
		case "/metadata/v1/floating_ip/ipv4/ip_address":
			w.Write([]byte(fip + "\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	m, err := NewMetadata(srv.URL, time.Second)
	require.NoError(t, err)
	active, ip, err := m.ReservedIPv4(ctxFor(t, 5*time.Second))
	require.NoError(t, err)
	assert.True(t, active)
	assert.Equal(t, fip, ip.String())
}

func TestMetadataGarbage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html>captive portal</html>"))
	}))
	defer srv.Close()
	m, err := NewMetadata(srv.URL, time.Second)
	require.NoError(t, err)
	_, err = m.DropletID(ctxFor(t, 5*time.Second))
	assert.ErrorContains(t, err, "not a droplet id")
	_, _, err = m.ReservedIPv4(ctxFor(t, 5*time.Second))
	assert.ErrorContains(t, err, "neither true nor false")
}

func TestMetadataTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	m, err := NewMetadata(srv.URL, 200*time.Millisecond)
	require.NoError(t, err)
	start := time.Now()
	_, err = m.DropletID(ctxFor(t, 5*time.Second))
	require.Error(t, err)
	assert.Less(t, time.Since(start), 3*time.Second)
}

func TestParsers(t *testing.T) {
	for in, want := range map[string]int{"1001": 1001, " 42\n": 42, "0": 0, "-3": 0, "+7": 0, "x": 0, "": 0, "99999999999999999999": 0} {
		got, err := ParseDropletID(in)
		assert.Equal(t, want, got, "%q", in)
		assert.Equal(t, want == 0, err != nil, "%q", in)
	}
	for in, want := range map[string]int{"true": 1, "false\n": 0, "True": -1, "1": -1, "": -1} {
		got, err := ParseActive(in)
		if want < 0 {
			assert.Error(t, err, "%q", in)
		} else {
			assert.NoError(t, err)
			assert.Equal(t, want == 1, got)
		}
	}
	for in, ok := range map[string]bool{"203.0.113.10": true, "203.0.113.10\n": true, "::1": false, "::ffff:1.2.3.4": false, "1.2.3": false, "": false} {
		_, err := ParseIPv4(in)
		assert.Equal(t, ok, err == nil, "%q", in)
	}
}

func FuzzParseDropletID(f *testing.F) {
	for _, s := range []string{"1001", " 42\n", "-1", "+1", "0x10", "", "١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseDropletID(s)
		if (err == nil) != (id > 0) {
			t.Fatalf("%q: id %d err %v", s, id, err)
		}
	})
}

func FuzzParseActive(f *testing.F) {
	for _, s := range []string{"true", "false", "TRUE", " true\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseActive(s); err != nil && len(err.Error()) > 320 {
			t.Fatalf("error text not bounded: %d", len(err.Error()))
		}
	})
}

func FuzzParseIPv4(f *testing.F) {
	for _, s := range []string{"203.0.113.10", "::1", "1.2.3.4%eth0", "01.2.3.4", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ip, err := ParseIPv4(s)
		if err == nil && !ip.Is4() {
			t.Fatalf("%q accepted as %v", s, ip)
		}
	})
}
