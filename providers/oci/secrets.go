package oci

import (
	"net/http"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// OnSecret, when set, receives every credential this package reads or
// derives, at the moment it has it and before any error could quote it:
// the API key (PEM), its pass phrase, security tokens (alone and as the
// keyId "ST$<token>"), session and instance keys, and of every signed
// request the Authorization value, its signature and x-content-sha256.
// A server may echo request headers in its error messages, which become
// exit reasons and log lines: an agent sets OnSecret to its redactor
// (ocf.RegisterSecret) before loading credentials.
var OnSecret func(secret string)

// secret hands s to OnSecret.
func secret(s string) {
	if OnSecret != nil && strings.TrimSpace(s) != "" {
		OnSecret(s)
	}
}

// token registers a security token in the forms a request carries it.
func token(t string) {
	secret(t)
	secret("ST$" + t)
}

// redacting wraps a signer so that what it derives for each request (the
// signature, the whole Authorization value, the body hash) is registered
// before the request leaves.
type redacting struct{ common.HTTPRequestSigner }

func (s redacting) Sign(r *http.Request) error {
	err := s.HTTPRequestSigner.Sign(r)
	auth := r.Header.Get("Authorization")
	secret(auth)
	for _, param := range []string{`signature="`, `keyId="`} {
		if _, rest, ok := strings.Cut(auth, param); ok {
			if v, _, ok := strings.Cut(rest, `"`); ok && (param == `signature="` || strings.HasPrefix(v, "ST$")) {
				secret(v)
			}
		}
	}
	secret(r.Header.Get("x-content-sha256"))
	return err
}
