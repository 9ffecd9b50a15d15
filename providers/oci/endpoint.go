package oci

import (
	"errors"
	"net/netip"
	"net/url"
)

// ErrPlainEndpoint is CheckEndpoint's answer for plain http to a host that
// is not a loopback address.
var ErrPlainEndpoint = errors.New("plain http is accepted for a loopback address only: use https")

// CheckEndpoint accepts an API or auth endpoint: https://host[:port]
// without a path, a query or user info, or http to a loopback address (a
// test fake). It keeps signed requests off plain-text networks: a security
// token in the keyId is a credential.
func CheckEndpoint(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.User != nil {
		return errors.New("must be a URL like https://host[:port] without a path")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopbackHost(u.Hostname()) {
			return nil
		}
		return ErrPlainEndpoint
	}
	return errors.New("must be an https URL")
}

// IsLoopbackHost says whether h (a URL's host name) is "localhost" or a
// loopback address.
func IsLoopbackHost(h string) bool {
	a, err := netip.ParseAddr(h)
	return h == "localhost" || err == nil && a.IsLoopback()
}

// CheckMetadataURL accepts the instance metadata service's base URL:
// https, or http to a loopback address (a test fake) or to the link-local
// metadata service, which speaks only http. The service hands out the
// instance principal's private key, so it is not fetched in plain text
// from anywhere else.
func CheckMetadataURL(v string) error {
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Host == "" || u.User != nil || u.RawQuery != "":
		return errors.New("must be an http(s) URL")
	case u.Scheme == "https",
		u.Scheme == "http" && (IsLoopbackHost(u.Hostname()) || u.Hostname() == "169.254.169.254"):
		return nil
	}
	return errors.New("use https (plain http only to a loopback test endpoint or 169.254.169.254)")
}
