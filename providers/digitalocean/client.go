package digitalocean

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/digitalocean/godo"

	"github.com/ocfkit/ocfkit/internal/clock"
)

// DefaultAPIURL is the real API.
const DefaultAPIURL = "https://api.digitalocean.com"

// Config configures a Client.
type Config struct {
	BaseURL string // DefaultAPIURL when empty
	Token   Token
	// AttemptTimeout bounds one HTTP request (10 s when zero); the
	// context bounds the whole operation, retries included.
	AttemptTimeout time.Duration
	// MaxAttempts bounds the attempts of one request (0: as many as the
	// context's deadline allows).
	MaxAttempts int
	UserAgent   string
	// Logf, when set, is told about retries. It never sees the token.
	Logf func(format string, args ...any)
}

// Client talks to the reserved IP API.
type Client struct {
	godo  *godo.Client
	cfg   Config
	calls atomic.Int64
}

// NewClient checks cfg and returns a client. It refuses a plain-http base
// URL unless its host is a loopback address.
func NewClient(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultAPIURL
	}
	if cfg.Token.Empty() {
		return nil, errors.New("no API token")
	}
	u, err := CheckURL(cfg.BaseURL, true)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 10 * time.Second
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "ocfkit"
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	hc := &http.Client{
		Transport: &bearer{token: cfg.Token, base: tr},
		// The API does not redirect; following one would hand the
		// Authorization header to wherever it points.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	g, err := godo.New(hc, godo.SetBaseURL(u.String()), godo.SetUserAgent(cfg.UserAgent))
	if err != nil {
		return nil, err
	}
	return &Client{godo: g, cfg: cfg}, nil
}

// CheckURL parses an endpoint URL: http or https, a host, no user
// information, no query. With secret set (the URL will carry a token),
// http is accepted only for loopback hosts.
func CheckURL(raw string, secret bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL", raw)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%q: the scheme must be http or https", raw)
	case u.Host == "":
		return nil, fmt.Errorf("%q has no host", raw)
	case u.User != nil:
		return nil, fmt.Errorf("%q must not carry user information", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q must not have a query or fragment", raw)
	}
	if secret && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%q: the token is only sent over https (plain http is for loopback test endpoints)", raw)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Calls is the number of HTTP requests this client has sent.
func (c *Client) Calls() int { return int(c.calls.Load()) }

type bearer struct {
	token Token
	base  http.RoundTripper
}

func (b *bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token.Reveal())
	return b.base.RoundTrip(r)
}

func (c *Client) logf(format string, args ...any) {
	if c.cfg.Logf != nil {
		c.cfg.Logf(format, args...)
	}
}

// do runs one API request with retries: 429 waits for Retry-After or the
// rate-limit reset, 5xx and transport errors back off exponentially, all
// within ctx. Other failures return at once.
func (c *Client) do(ctx context.Context, op string, f func(ctx context.Context) (*godo.Response, error)) error {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, c.cfg.AttemptTimeout)
		c.calls.Add(1)
		resp, err := f(actx)
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil {
			return nil
		}
		e, wait, retry := c.classify(op, resp, err, timedOut)
		e.Attempts = attempt
		if !retry || ctx.Err() != nil {
			return e
		}
		if c.cfg.MaxAttempts > 0 && attempt >= c.cfg.MaxAttempts {
			return e
		}
		if wait <= 0 {
			wait = backoff(attempt)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			e.Message += fmt.Sprintf("; not retried: the next try (in %s) would be past the deadline", wait.Round(time.Millisecond))
			return e
		}
		c.logf("%v; retrying in %s", e, wait.Round(time.Millisecond))
		if clock.Sleep(ctx, wait) != nil {
			return e
		}
	}
}

// classify turns a godo result into an *Error, the wait the server asked
// for (0 for none), and whether a retry may help.
func (c *Client) classify(op string, resp *godo.Response, err error, timedOut bool) (*Error, time.Duration, bool) {
	e := &Error{Op: op, Err: err}
	var er *godo.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		e.Status = er.Response.StatusCode
		e.Message = c.scrub(er.Message)
		if e.Message == "" {
			e.Message = http.StatusText(e.Status)
		}
		e.RequestID = er.RequestID
		e.Err = nil // its text repeats the URL; Status and Message say it all
		switch s := e.Status; {
		case s == http.StatusTooManyRequests:
			e.Kind = Unreachable
			e.Message = "rate limited: " + e.Message
			return e, retryAfter(er.Response.Header, time.Now()), true
		case s >= 500:
			e.Kind = Unreachable
			return e, 0, true
		case s == http.StatusUnauthorized || s == http.StatusForbidden:
			e.Kind = Auth
		case s == http.StatusNotFound:
			e.Kind = NotFound
		case s == http.StatusUnprocessableEntity && isBusy(e.Message):
			e.Kind = Busy
		default:
			e.Kind = Rejected
		}
		return e, 0, false
	}
	e.Kind = Unreachable
	var ue *url.Error
	var ce *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	switch {
	case errors.As(err, &ce) || errors.As(err, &ua) || errors.As(err, &he):
		e.Message = "TLS verification failed: " + c.scrub(rootCause(err).Error())
		return e, 0, false
	case timedOut:
		e.Message = fmt.Sprintf("no answer within %s", c.cfg.AttemptTimeout)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		e.Message = "no answer before the action's deadline"
	case errors.As(err, &ue):
		e.Message = c.scrub(rootCause(ue.Err).Error())
	default:
		var se *json.SyntaxError
		if errors.As(err, &se) {
			e.Message = "the answer is not JSON"
		} else {
			e.Message = c.scrub(err.Error())
		}
	}
	return e, 0, true
}

// scrub removes the token from text that came from elsewhere (a server may
// echo a header).
func (c *Client) scrub(s string) string {
	if t := c.cfg.Token.Reveal(); t != "" {
		s = strings.ReplaceAll(s, t, "[redacted]")
	}
	return s
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		var ue *url.Error
		if errors.As(u, &ue) {
			err = ue.Err
			continue
		}
		err = u
	}
}

func isBusy(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "pending event") || strings.Contains(m, "locked") || strings.Contains(m, "in progress")
}

// retryAfter is the wait a 429 asks for: Retry-After (seconds or an HTTP
// date), else ratelimit-reset when nothing remains, else 0.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(s) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	if strings.TrimSpace(h.Get("ratelimit-remaining")) == "0" {
		if s, err := strconv.ParseInt(strings.TrimSpace(h.Get("ratelimit-reset")), 10, 64); err == nil {
			return max(time.Unix(s, 0).Sub(now), 0)
		}
	}
	return 0
}

// backoff is the wait before attempt n+1: 250 ms doubling to 4 s, ±20 %.
func backoff(n int) time.Duration {
	d := 250 * time.Millisecond << min(n-1, 4)
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}
