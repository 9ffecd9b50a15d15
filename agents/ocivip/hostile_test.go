package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/ocifake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// recorder keeps every credential-bearing header the fake receives.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	seen []string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	for _, name := range []string{"Authorization", "X-Content-Sha256"} {
		if v := r.Header.Get(name); v != "" && !strings.HasPrefix(v, "Bearer Oracle") {
			rec.seen = append(rec.seen, v)
		}
	}
	rec.mu.Unlock()
	rec.h.ServeHTTP(w, r)
}

// secrets are the header values seen so far and the parts of them that
// are credentials on their own: the signature, and a security token
// (ST$<JWT>, the JWT, and its signature part).
func (rec *recorder) secrets() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []string
	for _, v := range rec.seen {
		out = append(out, v)
		for _, param := range []string{`signature="`, `keyId="ST$`} {
			if _, rest, ok := strings.Cut(v, param); ok {
				val, _, _ := strings.Cut(rest, `"`)
				out = append(out, val)
				if param == `keyId="ST$` {
					out = append(out, "ST$"+val, val[strings.LastIndexByte(val, '.')+1:])
				}
			}
		}
	}
	return out
}

// newHostileCloud is newCloud with the fake behind a recorder.
func newHostileCloud(t *testing.T) (*cloud, *recorder) {
	t.Helper()
	testenv.NeedRoot(t)
	f := ocifake.New(ocifake.Options{})
	rec := &recorder{h: f}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	t.Cleanup(f.Close)
	c := &cloud{t: t, Region: ocifake.RegionOn(f, srv.URL), f: f, url: srv.URL}
	cfg, err := ocifake.WriteConfig(t.TempDir(), f.AddAPIKey(), f.Region(), "")
	require.NoError(t, err)
	c.config = cfg
	return c, rec
}

// everything is what an action shows: stdout, stderr (the exit reason),
// HA_LOGFILE and HA_DEBUGLOG (with debug on).
func everything(t *testing.T, n *node, action string, kv ...string) (agenttest.Result, string) {
	t.Helper()
	logs, debug := filepath.Join(n.stateDir, "ha.log"), filepath.Join(n.stateDir, "ha-debug.log")
	r := ocivip(t, n.stateDir).Run(t, action, n.p.With(kv...).With("OCF_RESOURCE_INSTANCE", "vip"),
		"HA_LOGFILE="+logs, "HA_DEBUGLOG="+debug, "HA_debug=1")
	l, _ := os.ReadFile(logs)
	d, _ := os.ReadFile(debug)
	return r, r.Stdout + r.Stderr + string(l) + string(d)
}

// cached are the security token and session key in the node's cache.
func cached(t *testing.T, n *node) []string {
	b, err := os.ReadFile(filepath.Join(n.stateDir, "ocivip-instance-principal.token"))
	if err != nil {
		return nil
	}
	var c struct{ Token, SessionKey string }
	require.NoError(t, json.Unmarshal(b, &c))
	return []string{c.Token, "ST$" + c.Token, c.SessionKey}
}

// A server that quotes the request headers in its errors, at every status
// code, on the auth endpoint and on the API, with instance principals and
// with an API key: no credential the agent holds or derives (security
// token, session key, signatures, Authorization and x-content-sha256
// values, API key) reaches the exit reason, the log files or stderr.
func TestHostileServerEchoesNoCredential(t *testing.T) {
	c, rec := newHostileCloud(t)
	keyPEM, err := os.ReadFile(keyFileOf(t, c.config))
	require.NoError(t, err)
	short := []string{"OCF_RESKEY_CRM_meta_timeout", "1500", "api_delay", "0"}
	apiKey := []string{"auth", "api_key", "auth_endpoint", "", "config_file", c.config}

	check := func(t *testing.T, n *node, what string, status int, r agenttest.Result, out string) {
		t.Helper()
		assert.NotZero(t, r.Code, "%s: %s", what, r)
		// A 3xx without Location is read as an answer, not an error; a
		// retried status (409 IncorrectState, 429, 5xx) may end on the
		// deadline instead of its last answer. The others show the echo.
		if status >= 400 && status != 409 && status != 429 && status < 500 {
			assert.Contains(t, r.Reason(), "request headers", "%s: the echo reached the exit reason: %s", what, r)
		}
		for _, s := range append(append(rec.secrets(), cached(t, n)...), string(keyPEM), strings.Split(string(keyPEM), "\n")[2]) {
			if len(s) >= 8 && strings.Contains(out, s) {
				t.Errorf("%s: a credential shows in the output: %.60s...\n%s", what, s, r)
				return
			}
		}
	}

	statuses := []int{301, 400, 401, 403, 404, 409, 412, 429, 500, 502, 503}
	t.Run("auth endpoint", func(t *testing.T) {
		a := c.node("auth", false)
		for _, status := range statuses {
			c.f.SetFault(ocifake.OpFederation, ocifake.Fault{Status: status, Echo: true})
			r, out := everything(t, a, "start", short...)
			check(t, a, fmt.Sprintf("federation %d", status), status, r, out)
		}
		c.f.ClearFaults()
	})
	t.Run("API with instance principal", func(t *testing.T) {
		a := c.node("ip", false)
		ocivip(t, a.stateDir).Expect(t, ocf.Success, "start", a.p.With("OCF_RESOURCE_INSTANCE", "vip"))
		for _, status := range statuses {
			c.f.SetFault(ocifake.OpListPrivateIps, ocifake.Fault{Status: status, Echo: true})
			r, out := everything(t, a, "monitor", append(short, "OCF_RESKEY_CRM_meta_interval", "20000")...)
			check(t, a, fmt.Sprintf("monitor, API %d", status), status, r, out)
			c.f.SetFault(ocifake.OpGetVnic, ocifake.Fault{Status: status, Echo: true})
			r, out = everything(t, a, "stop", append(short, "unassign_on_stop", "true")...)
			check(t, a, fmt.Sprintf("stop, API %d", status), status, r, out)
			c.f.ClearFaults()
			ocivip(t, a.stateDir).Expect(t, ocf.Success, "start", a.p.With("OCF_RESOURCE_INSTANCE", "vip"))
		}
	})
	t.Run("API with API key", func(t *testing.T) {
		a := c.node("key", false)
		for _, status := range statuses {
			c.f.SetFault(ocifake.OpGetVnic, ocifake.Fault{Status: status, Echo: true})
			r, out := everything(t, a, "start", append(short, apiKey...)...)
			check(t, a, fmt.Sprintf("start, API %d", status), status, r, out)
			c.f.ClearFaults()
		}
	})
}
