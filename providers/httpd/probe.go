package httpd

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Probe is one HTTP check of a local server, done in-process.
type Probe struct {
	URL      string
	Match    *Matcher // a line of the body must match (GET); nil: any 2xx answer
	Head     bool     // a HEAD request where any answer below 500 counts
	User     string   // basic authentication (testconffile)
	Password string
	IPv6     bool   // dial from ::1 when the host is a name (use_ipv6)
	Insecure bool   // skip certificate verification
	CAFile   string // PEM certificates to trust besides the system's
	// QuietMatch keeps Match out of errors: it comes from a testconffile,
	// whose values are not to be repeated.
	QuietMatch bool
}

// maxBody bounds what is read of a page to match against.
const maxBody = 8 << 20

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
	method := "GET"
	if p.Head {
		method = "HEAD"
	}
	resp, err := p.fetch(ctx, method, u)
	if err != nil {
		return err
	}
	if p.Head {
		if resp.code >= 500 {
			return fmt.Errorf("HEAD %s: %s", u.Redacted(), resp.status)
		}
		return nil
	}
	if resp.code < 200 || resp.code > 299 {
		return &StatusError{Text: fmt.Sprintf("GET %s: %s", u.Redacted(), resp.status), Code: resp.code}
	}
	if p.Match != nil && !p.Match.Match(resp.body) {
		if p.QuietMatch {
			return fmt.Errorf("GET %s: the page does not match the test's match expression", u.Redacted())
		}
		return fmt.Errorf("GET %s: the page does not match %q", u.Redacted(), p.Match.String())
	}
	return nil
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

// StatusError is an answer outside 2xx to a GET.
type StatusError struct {
	Text string
	Code int
}

func (e *StatusError) Error() string { return e.Text }
