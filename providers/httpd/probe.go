package httpd

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// Probe is one HTTP check of a local server, done in-process.
type Probe struct {
	URL      string
	Match    *regexp.Regexp // the body must match (GET); nil: any 2xx answer
	Head     bool           // a HEAD request where any answer below 500 counts
	User     string         // basic authentication (testconffile)
	Password string
	IPv6     bool   // dial from ::1 when the host is a name (use_ipv6)
	Insecure bool   // skip certificate verification
	CAFile   string // PEM certificates to trust besides the system's
}

// maxBody bounds what is read of a page to match against.
const maxBody = 8 << 20

// CompileRegex compiles a heartbeat testregex: an extended regular
// expression matched case-insensitively, line by line, like grep -Ei.
func CompileRegex(expr string) (*regexp.Regexp, error) {
	return regexp.Compile("(?im)" + expr)
}

// ParseURL checks that u is an absolute http or https URL with a host.
func ParseURL(u string) (*url.URL, error) {
	p, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("malformed URL %q: %v", redactURL(u), errors.Unwrap(err))
	}
	if p.Scheme != "http" && p.Scheme != "https" {
		return nil, fmt.Errorf("URL %q: scheme must be http or https", p.Redacted())
	}
	if p.Hostname() == "" {
		return nil, fmt.Errorf("URL %q has no host", p.Redacted())
	}
	if port := p.Port(); port != "" && !validPort(port) {
		return nil, fmt.Errorf("URL %q: bad port %q", p.Redacted(), port)
	}
	return p, nil
}

func redactURL(u string) string {
	if p, err := url.Parse(u); err == nil {
		return p.Redacted()
	}
	if i := strings.LastIndexByte(u, '@'); i >= 0 {
		return "…@" + u[i+1:]
	}
	return u
}

// Check requests the URL once, bounded by ctx. The heartbeat agent always
// tests a local server from the loopback address (wget --bind-address,
// curl --interface lo) and never through a proxy; so does this.
func (p *Probe) Check(ctx context.Context) error {
	u, err := ParseURL(p.URL)
	if err != nil {
		return err
	}
	tr, err := p.transport(u)
	if err != nil {
		return err
	}
	defer tr.CloseIdleConnections()
	method := http.MethodGet
	if p.Head {
		method = http.MethodHead
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return fmt.Errorf("%s %s: %v", method, u.Redacted(), err)
	}
	if p.User != "" || p.Password != "" {
		req.SetBasicAuth(p.User, p.Password)
	}
	req.Header.Set("User-Agent", "ocfkit-apache")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		// net/http has already removed any password from the URL in err.
		return err
	}
	defer resp.Body.Close()
	if p.Head {
		if resp.StatusCode >= 500 {
			return fmt.Errorf("HEAD %s: %s", u.Redacted(), resp.Status)
		}
		return nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("GET %s: %s", u.Redacted(), resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("GET %s: reading the page: %v", u.Redacted(), err)
	}
	if p.Match != nil && !p.Match.Match(body) {
		return fmt.Errorf("GET %s: the page does not match %q", u.Redacted(), strings.TrimPrefix(p.Match.String(), "(?im)"))
	}
	return nil
}

func (p *Probe) transport(u *url.URL) (*http.Transport, error) {
	bind := net.IPv4(127, 0, 0, 1)
	if ip := net.ParseIP(u.Hostname()); ip != nil {
		if ip.To4() == nil {
			bind = net.IPv6loopback
		}
	} else if p.IPv6 {
		bind = net.IPv6loopback
	}
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: bind}}
	// localhost is the loopback address of the chosen family, whatever
	// /etc/hosts says (curl does the same); it also saves a lookup.
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && strings.EqualFold(host, "localhost") {
			addr = net.JoinHostPort(bind.String(), port)
		}
		return dialer.DialContext(ctx, network, addr)
	}
	tr := &http.Transport{
		Proxy:              nil,
		DialContext:        dial,
		DisableKeepAlives:  true,
		DisableCompression: true,
	}
	if u.Scheme == "https" || p.Insecure || p.CAFile != "" {
		tc := &tls.Config{InsecureSkipVerify: p.Insecure}
		if p.CAFile != "" {
			pool, err := LoadCAFile(p.CAFile)
			if err != nil {
				return nil, err
			}
			tc.RootCAs = pool
		}
		tr.TLSClientConfig = tc
	}
	return tr, nil
}

// LoadCAFile is the system's trusted certificates plus those in a PEM file.
func LoadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate in it", path)
	}
	return pool, nil
}
