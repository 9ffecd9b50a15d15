package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// DefaultMetadataURL is the droplet metadata service.
const DefaultMetadataURL = "http://169.254.169.254"

// Metadata reads the metadata service of the droplet it runs on. It costs
// no API quota and needs no token.
type Metadata struct {
	base string
	hc   *http.Client
}

// MetadataError is a metadata request without a usable answer.
type MetadataError struct {
	Path   string
	Status int // 0 when there was no answer
	Detail string
}

func (e *MetadataError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("metadata %s: HTTP %d %s", e.Path, e.Status, e.Detail)
	}
	return fmt.Sprintf("metadata %s: %s", e.Path, e.Detail)
}

// NewMetadata returns a client for the metadata service at baseURL
// (DefaultMetadataURL when empty). Each request is bounded by timeout
// (2 s when zero) and by its context.
func NewMetadata(baseURL string, timeout time.Duration) (*Metadata, error) {
	if baseURL == "" {
		baseURL = DefaultMetadataURL
	}
	u, err := CheckURL(baseURL, false)
	if err != nil {
		return nil, err
	}
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a link-local service is never behind a proxy
	return &Metadata{base: strings.TrimRight(u.String(), "/"), hc: &http.Client{Transport: tr, Timeout: timeout}}, nil
}

// get returns the body of a metadata path; a 404 is reported with Status.
func (m *Metadata) get(ctx context.Context, path string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.base+path, nil)
	if err != nil {
		return "", &MetadataError{Path: path, Detail: err.Error()}
	}
	resp, err := m.hc.Do(req)
	if err != nil {
		detail := rootCause(err).Error()
		if errors.Is(err, context.DeadlineExceeded) {
			detail = "no answer in time"
		}
		return "", &MetadataError{Path: path, Detail: detail}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", &MetadataError{Path: path, Detail: "reading the answer: " + rootCause(err).Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return "", &MetadataError{Path: path, Status: resp.StatusCode, Detail: http.StatusText(resp.StatusCode)}
	}
	return string(b), nil
}

// DropletID is the id of this droplet.
func (m *Metadata) DropletID(ctx context.Context) (int, error) {
	const path = "/metadata/v1/id"
	body, err := m.get(ctx, path)
	if err != nil {
		return 0, err
	}
	id, err := ParseDropletID(body)
	if err != nil {
		return 0, &MetadataError{Path: path, Detail: err.Error()}
	}
	return id, nil
}

// ReservedIPv4 says whether a reserved IPv4 is active on this droplet and
// which. It reads /metadata/v1/reserved_ip/ipv4/, falling back to the
// floating_ip twins on metadata services that predate the rename.
func (m *Metadata) ReservedIPv4(ctx context.Context) (active bool, ip netip.Addr, err error) {
	active, ip, err = m.ipv4(ctx, "reserved_ip")
	var me *MetadataError
	if errors.As(err, &me) && me.Status == http.StatusNotFound && strings.HasSuffix(me.Path, "/active") {
		return m.ipv4(ctx, "floating_ip")
	}
	return active, ip, err
}

func (m *Metadata) ipv4(ctx context.Context, kind string) (bool, netip.Addr, error) {
	path := "/metadata/v1/" + kind + "/ipv4/active"
	body, err := m.get(ctx, path)
	if err != nil {
		return false, netip.Addr{}, err
	}
	active, err := ParseActive(body)
	if err != nil {
		return false, netip.Addr{}, &MetadataError{Path: path, Detail: err.Error()}
	}
	if !active {
		return false, netip.Addr{}, nil
	}
	path = "/metadata/v1/" + kind + "/ipv4/ip_address"
	if body, err = m.get(ctx, path); err != nil {
		return false, netip.Addr{}, err
	}
	ip, err := ParseIPv4(body)
	if err != nil {
		return false, netip.Addr{}, &MetadataError{Path: path, Detail: err.Error()}
	}
	return true, ip, nil
}

// ParseDropletID reads the body of /metadata/v1/id.
func ParseDropletID(s string) (int, error) {
	t := strings.TrimSpace(s)
	id, err := strconv.Atoi(t)
	if err != nil || id <= 0 || t[0] == '+' {
		return 0, fmt.Errorf("%q is not a droplet id", clip(t))
	}
	return id, nil
}

// ParseActive reads the body of .../ipv4/active: "true" or "false".
func ParseActive(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%q is neither true nor false", clip(strings.TrimSpace(s)))
}

// ParseIPv4 reads an IPv4 address (no zone, no IPv4-in-IPv6 form).
func ParseIPv4(s string) (netip.Addr, error) {
	t := strings.TrimSpace(s)
	ip, err := netip.ParseAddr(t)
	if err != nil || !ip.Is4() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address", clip(t))
	}
	return ip, nil
}

// clip keeps error texts short when a service answers with a page of HTML.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
