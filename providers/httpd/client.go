package httpd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The status check is net/http with the behaviour of the shell agent's
// wget/curl call: from the loopback address, never through a proxy, one
// connection per check, redirects followed (credentials only to the same
// host and port), the page read up to maxBody.

// response is what the check needs of an answer.
type response struct {
	code   int
	status string // "404 Not Found"
	body   []byte
}

// maxRedirects is what curl -L and net/http allow.
const maxRedirects = 10

// fetch requests u (following redirects) within ctx.
func (p *Probe) fetch(ctx context.Context, method string, u *url.URL) (*response, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %v", method, u.Redacted(), err)
	}
	req.Header.Set("User-Agent", "ocfkit-apache")
	req.Close = true
	if p.User != "" || p.Password != "" {
		req.SetBasicAuth(p.User, p.Password)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), context.DeadlineExceeded)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, unredacted
		}
		return nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), err)
	}
	defer resp.Body.Close()
	r := &response{code: resp.StatusCode, status: strings.TrimSpace(resp.Status)}
	if method != http.MethodHead {
		if r.body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody)); err != nil {
			if ctx.Err() != nil {
				err = context.DeadlineExceeded
			}
			return nil, fmt.Errorf("%s %s: reading the page: %w", method, u.Redacted(), err)
		}
	}
	return r, nil
}

func (p *Probe) client() (*http.Client, error) {
	tc := &tls.Config{InsecureSkipVerify: p.Insecure}
	if p.CAFile != "" {
		pool, err := LoadCAFile(p.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	tr := &http.Transport{
		Proxy:             nil, // a local check never goes through a proxy
		DialContext:       p.dial,
		TLSClientConfig:   tc,
		DisableKeepAlives: true,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("bad redirect to %q", req.URL.Redacted())
			}
			// net/http keeps credentials for the same host name on another
			// port; they go to exactly the server they were meant for.
			if req.URL.Host != via[0].URL.Host {
				req.Header.Del("Authorization")
			}
			return nil
		},
	}, nil
}

// dial connects from the loopback address of the target's family (use_ipv6
// picks ::1 for names), as wget --bind-address / curl --interface lo do.
// localhost is the loopback address of that family whatever /etc/hosts
// says, which also saves a lookup.
func (p *Probe) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	bind := net.IPv4(127, 0, 0, 1)
	if ip := net.ParseIP(host); ip != nil {
		if ip.To4() == nil {
			bind = net.IPv6loopback
		}
	} else if p.IPv6 {
		bind = net.IPv6loopback
	}
	if strings.EqualFold(host, "localhost") {
		host = bind.String()
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: bind}}
	return d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
}
