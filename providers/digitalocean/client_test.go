package digitalocean

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/dofake"
)

const (
	fip   = "203.0.113.10"
	dropA = 1001
	dropB = 1002
)

func fake(t *testing.T) *dofake.Env {
	t.Helper()
	f := dofake.New(secret)
	f.AddDroplet(dropA, "primary")
	f.AddDroplet(dropB, "secondary")
	require.NoError(t, f.AddReservedIP(fip, dropA))
	env, err := dofake.Start(f)
	require.NoError(t, err)
	t.Cleanup(env.Close)
	return env
}

func newClient(t *testing.T, env *dofake.Env, cfg Config) *Client {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = env.APIURL
	}
	if cfg.Token.Empty() {
		cfg.Token = NewToken(secret)
	}
	cfg.Logf = t.Logf
	c, err := NewClient(cfg)
	require.NoError(t, err)
	return c
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestGet(t *testing.T) {
	env := fake(t)
	c := newClient(t, env, Config{})
	ip, err := c.Get(ctxFor(t, 5*time.Second), fip)
	require.NoError(t, err)
	assert.Equal(t, ReservedIP{IP: fip, DropletID: dropA, Region: "nyc3"}, ip)

	_, err = c.Get(ctxFor(t, 5*time.Second), "198.51.100.9")
	assert.Equal(t, NotFound, KindOf(err), "%v", err)
	assert.False(t, CannotTell(err), "a 404 is an answer")

	bad := newClient(t, env, Config{Token: NewToken("dop_v1_wrong_wrong_wrong")})
	_, err = bad.Get(ctxFor(t, 5*time.Second), fip)
	assert.Equal(t, Auth, KindOf(err), "%v", err)
	assert.True(t, CannotTell(err))
	assert.NotContains(t, err.Error(), "wrong_wrong")
	assert.Equal(t, 3, c.Calls()+bad.Calls())
}

func TestAssign(t *testing.T) {
	t.Run("already ours: one call", func(t *testing.T) {
		env := fake(t)
		c := newClient(t, env, Config{})
		already, err := c.Assign(ctxFor(t, 5*time.Second), fip, dropA)
		require.NoError(t, err)
		assert.True(t, already)
		assert.Equal(t, 1, env.Fake.APICalls(), env.Fake.CallSummary())
	})
	t.Run("elsewhere: GET, POST, polls", func(t *testing.T) {
		env := fake(t)
		env.Fake.SetFaults(dofake.Faults{ActionDelay: 400 * time.Millisecond})
		c := newClient(t, env, Config{})
		already, err := c.Assign(ctxFor(t, 10*time.Second), fip, dropB)
		require.NoError(t, err)
		assert.False(t, already)
		assert.Equal(t, dropB, env.Fake.Holder(fip))
		assert.Equal(t, 1, env.Fake.Calls("GET /v2/reserved_ips/{ip}"))
		assert.Equal(t, 1, env.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"))
		polls := env.Fake.Calls("GET /v2/reserved_ips/{ip}/actions/{id}")
		assert.GreaterOrEqual(t, polls, 2, "a 400 ms action is polled until it completes")
		assert.Equal(t, 2+polls, env.Fake.APICalls(), env.Fake.CallSummary())
		assert.Equal(t, env.Fake.APICalls(), c.Calls())
	})
}

func TestAssignFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults dofake.Faults
		lock   time.Duration
		posts  int
	}{
		{"429 storm honours Retry-After", dofake.Faults{RateLimited: 3, RetryAfter: time.Second}, 0, 1},
		{"5xx backs off", dofake.Faults{ServerErrors: 3}, 0, 1},
		{"pending event waits", dofake.Faults{PendingEvent: 2}, 0, 3},
		{"errored action is retried", dofake.Faults{ErrorActions: 1}, 0, 2},
		{"undocumented status is polled on", dofake.Faults{UnknownStatus: 4, ActionDelay: 200 * time.Millisecond}, 0, 1},
		{"locked IP waits", dofake.Faults{}, 800 * time.Millisecond, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := fake(t)
			env.Fake.SetFaults(tc.faults)
			if tc.lock > 0 {
				env.Fake.Lock(fip, tc.lock)
			}
			c := newClient(t, env, Config{})
			_, err := c.Assign(ctxFor(t, 15*time.Second), fip, dropB)
			require.NoError(t, err, env.Fake.CallSummary())
			assert.Equal(t, dropB, env.Fake.Holder(fip))
			assert.Equal(t, tc.posts, env.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"), env.Fake.CallSummary())
		})
	}
}

func TestAssignGivesUpAtTheDeadline(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults dofake.Faults
	}{
		{"Retry-After past the deadline", dofake.Faults{RateLimited: 100, RetryAfter: 30 * time.Second}},
		{"hang", dofake.Faults{Hang: true}},
		{"API down", dofake.Faults{APIDown: true}},
		{"every action errors", dofake.Faults{ErrorActions: 1000}},
		{"always a pending event", dofake.Faults{PendingEvent: 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := fake(t)
			env.Fake.SetFaults(tc.faults)
			c := newClient(t, env, Config{AttemptTimeout: 300 * time.Millisecond})
			start := time.Now()
			_, err := c.Assign(ctxFor(t, 2*time.Second), fip, dropB)
			require.Error(t, err)
			assert.Less(t, time.Since(start), 4*time.Second, "returns by the deadline (generous bound for a loaded machine)")
			assert.Equal(t, dropA, env.Fake.Holder(fip))
			assert.NotContains(t, err.Error(), secret)
			t.Log(err)
		})
	}
}

func TestRelease(t *testing.T) {
	env := fake(t)
	c := newClient(t, env, Config{})
	released, err := c.Release(ctxFor(t, 5*time.Second), fip, dropB)
	require.NoError(t, err)
	assert.False(t, released, "not ours: left alone")
	assert.Equal(t, 0, env.Fake.Calls("POST /v2/reserved_ips/{ip}/actions"))
	assert.Equal(t, dropA, env.Fake.Holder(fip))

	released, err = c.Release(ctxFor(t, 5*time.Second), fip, dropA)
	require.NoError(t, err)
	assert.True(t, released)
	assert.Equal(t, 0, env.Fake.Holder(fip))
}

func TestMaxAttempts(t *testing.T) {
	env := fake(t)
	env.Fake.SetFaults(dofake.Faults{ServerErrors: 10})
	c := newClient(t, env, Config{MaxAttempts: 2})
	_, err := c.Get(ctxFor(t, 10*time.Second), fip)
	assert.Equal(t, Unreachable, KindOf(err))
	assert.Equal(t, 2, env.Fake.APICalls())
}

func TestTLSAlwaysVerified(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("request reached a server with an untrusted certificate")
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL, Token: NewToken(secret)})
	require.NoError(t, err)
	_, err = c.Get(ctxFor(t, 5*time.Second), fip)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "TLS verification failed")
	assert.Equal(t, 1, c.Calls(), "a certificate failure is not retried")
}

func TestServerEchoingTheTokenIsScrubbed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"id":"bad_request","message":"bad header ` + r.Header.Get("Authorization") + `"}`))
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL, Token: NewToken(secret)})
	require.NoError(t, err)
	_, err = c.Get(ctxFor(t, 5*time.Second), fip)
	require.Error(t, err)
	assert.Equal(t, Rejected, KindOf(err))
	assert.NotContains(t, err.Error(), secret)
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url    string
		secret bool
		ok     bool
	}{
		{"https://api.digitalocean.com", true, true},
		{"http://127.0.0.1:8080", true, true},
		{"http://[::1]:8080/", true, true},
		{"http://localhost:1", true, true},
		{"http://api.digitalocean.com", true, false},
		{"http://169.254.169.254", false, true},
		{"ftp://x", false, false},
		{"https://user:pw@host", true, false},
		{"https://host/?q=1", true, false},
		{"127.0.0.1:80", true, false},
		{"", false, false},
	} {
		_, err := CheckURL(tc.url, tc.secret)
		assert.Equal(t, tc.ok, err == nil, "%q: %v", tc.url, err)
	}
	_, err := NewClient(Config{BaseURL: "http://127.0.0.1:1"})
	assert.Error(t, err, "no token")
}

func TestRetryAfter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	h := func(kv ...string) http.Header {
		x := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			x.Set(kv[i], kv[i+1])
		}
		return x
	}
	assert.Equal(t, 3*time.Second, retryAfter(h("Retry-After", "3"), now))
	assert.Equal(t, 10*time.Second, retryAfter(h("Retry-After", now.Add(10*time.Second).UTC().Format(http.TimeFormat)), now))
	assert.Equal(t, 7*time.Second, retryAfter(h("ratelimit-remaining", "0", "ratelimit-reset", "1700000007"), now))
	assert.Equal(t, time.Duration(0), retryAfter(h("ratelimit-remaining", "10", "ratelimit-reset", "1700000007"), now))
	assert.Equal(t, time.Duration(0), retryAfter(h("Retry-After", "soon"), now))
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	assert.Less(t, backoff(1), 400*time.Millisecond)
	for n := 1; n < 50; n++ {
		assert.LessOrEqual(t, backoff(n), 5*time.Second)
	}
	assert.Greater(t, backoff(5), 2*time.Second)
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("a redirect was followed; Authorization %q", r.Header.Get("Authorization"))
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	c, err := NewClient(Config{BaseURL: srv.URL, Token: NewToken(secret)})
	require.NoError(t, err)
	_, err = c.Get(ctxFor(t, 5*time.Second), fip)
	require.Error(t, err)
	assert.Equal(t, Rejected, KindOf(err), "%v", err)
}
