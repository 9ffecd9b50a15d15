package httpd

import (
	"context"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func page(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/server-status":
		w.Write([]byte("<html><body>\nApache Server Status\nTotal Accesses: 3\n</BODY></HTML>\n"))
	case "/redirect":
		http.Redirect(w, r, "/server-status", http.StatusFound)
	case "/missing":
		http.NotFound(w, r)
	case "/broken":
		http.Error(w, "</html>", http.StatusInternalServerError)
	case "/auth":
		if u, p, ok := r.BasicAuth(); !ok || u != "admin" || p != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte("welcome admin</html>"))
	case "/hang":
		<-r.Context().Done()
	default:
		w.Write([]byte("plain"))
	}
}

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(page))
	t.Cleanup(srv.Close)
	re := func(s string) *Matcher {
		r, err := CompileRegex(s)
		require.NoError(t, err)
		return r
	}
	tests := []struct {
		name    string
		probe   Probe
		wantErr string
	}{
		{"status page matches the default regex", Probe{URL: srv.URL + "/server-status", Match: re(`</ *html *>`)}, ""},
		{"regex is case-insensitive and per line", Probe{URL: srv.URL + "/server-status", Match: re(`^total accesses: [0-9]+$`)}, ""},
		{"no match", Probe{URL: srv.URL + "/server-status", Match: re(`Idle workers`)}, "does not match"},
		{"redirect followed", Probe{URL: srv.URL + "/redirect", Match: re(`Apache`)}, ""},
		{"404 fails GET", Probe{URL: srv.URL + "/missing"}, "404"},
		{"500 fails even when the body matches", Probe{URL: srv.URL + "/broken", Match: re(`</html>`)}, "500"},
		{"HEAD fallback accepts 404", Probe{URL: srv.URL + "/missing", Head: true}, ""},
		{"HEAD fallback refuses 500", Probe{URL: srv.URL + "/broken", Head: true}, "500"},
		{"basic auth", Probe{URL: srv.URL + "/auth", User: "admin", Password: "s3cret", Match: re("welcome")}, ""},
		{"wrong password is not shown", Probe{URL: srv.URL + "/auth", User: "admin", Password: "wrong-pw"}, "401"},
		{"nothing listening", Probe{URL: "http://127.0.0.1:1/"}, "refused"},
		{"malformed", Probe{URL: "127.0.0.1/x"}, "scheme"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := tc.probe.Check(ctx)
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.NotContains(t, err.Error(), "wrong-pw")
		})
	}
}

func listen6() (net.Listener, error) { return net.Listen("tcp", "[::1]:0") }

func TestProbeDeadline(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(page))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := (&Probe{URL: srv.URL + "/hang"}).Check(ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second, "the check outlived its deadline")
}

func TestProbeTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(page))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644))
	url := srv.URL + "/server-status"
	ctx := context.Background()

	err := (&Probe{URL: url}).Check(ctx)
	require.Error(t, err, "an unknown certificate must fail by default")
	assert.Contains(t, err.Error(), "certificate")

	require.NoError(t, (&Probe{URL: url, CAFile: ca}).Check(ctx))
	require.NoError(t, (&Probe{URL: url, Insecure: true}).Check(ctx))

	bad := filepath.Join(t.TempDir(), "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not pem"), 0o644))
	require.ErrorContains(t, (&Probe{URL: url, CAFile: bad}).Check(ctx), "no PEM certificate")
}

func TestProbeIPv6(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(page))
	l, err := listen6()
	if err != nil {
		t.Skip("no IPv6 loopback: " + err.Error())
	}
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	require.True(t, strings.HasPrefix(srv.URL, "http://[::1]:"))
	require.NoError(t, (&Probe{URL: srv.URL + "/server-status"}).Check(context.Background()))
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	require.NoError(t, (&Probe{URL: "http://localhost:" + port + "/", IPv6: true}).Check(context.Background()))
}
