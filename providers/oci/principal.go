package oci

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
)

// InstancePrincipal authenticates as the instance: it fetches the
// instance's certificate, key and intermediate certificate from IMDS,
// federates them with the auth service for a security token bound to a
// fresh session key, and signs with that key and token.
//
// The SDK's auth.InstancePrincipalConfigurationProvider does the same, but
// without a context (its metadata retries sleep for up to minutes and its
// federation uses context.Background), with a circuit breaker, and with the
// token only in memory. An agent is a new process for every monitor, so
// this one keeps the token and its session key in CacheFile (mode 0600)
// until shortly before the token expires.
type InstancePrincipal struct {
	Metadata     *Metadata
	AuthEndpoint string // "" derives https://auth.<region>.<realm domain> from the metadata
	CacheFile    string // "" disables the cache
	HTTP         *http.Client
	Federations  int // federation calls made, for logs and tests

	tok *cachedToken
}

type cachedToken struct {
	Token      string    `json:"token"`
	SessionKey string    `json:"sessionKey"` // PKCS#1 PEM
	Endpoint   string    `json:"endpoint"`
	Metadata   string    `json:"metadata"`
	Issued     time.Time `json:"issued"`
	Expires    time.Time `json:"expires"`

	key *rsa.PrivateKey
}

// fresh says whether the token can still be used: it is refreshed a fifth
// of its lifetime (at most 5 minutes) before it expires.
func (t *cachedToken) fresh(now time.Time) bool {
	if t == nil || t.key == nil {
		return false
	}
	margin := min(5*time.Minute, t.Expires.Sub(t.Issued)/5)
	return now.Add(margin).Before(t.Expires)
}

// Signer returns a signer with a valid security token, federating if the
// cached one is missing or about to expire.
func (p *InstancePrincipal) Signer(ctx context.Context) (common.HTTPRequestSigner, error) {
	if p.tok == nil && p.CacheFile != "" {
		if t, err := loadToken(p.CacheFile); err == nil && t.Metadata == p.Metadata.base() &&
			(p.AuthEndpoint == "" || t.Endpoint == p.AuthEndpoint) {
			p.tok = t
		}
	}
	if !p.tok.fresh(time.Now()) {
		t, err := p.federate(ctx)
		if err != nil {
			return nil, err
		}
		p.tok = t
		if p.CacheFile != "" {
			if err := saveToken(p.CacheFile, t); err != nil {
				// The token still works for this process; the next one federates again.
				return tokenSigner(t), nil
			}
		}
	}
	return tokenSigner(p.tok), nil
}

// Invalidate drops the token (memory and cache) after the API refused it.
func (p *InstancePrincipal) Invalidate() {
	p.tok = nil
	if p.CacheFile != "" {
		removeToken(p.CacheFile)
	}
}

// Fresh says whether a usable token is cached, without federating.
func (p *InstancePrincipal) Fresh() bool {
	if p.tok == nil && p.CacheFile != "" {
		p.tok, _ = loadToken(p.CacheFile)
	}
	return p.tok.fresh(time.Now())
}

type keyProvider struct {
	id  string
	key *rsa.PrivateKey
}

func (k keyProvider) KeyID() (string, error)                  { return k.id, nil }
func (k keyProvider) PrivateRSAKey() (*rsa.PrivateKey, error) { return k.key, nil }

func tokenSigner(t *cachedToken) common.HTTPRequestSigner {
	token(t.Token)
	return redacting{common.DefaultRequestSigner(keyProvider{id: "ST$" + t.Token, key: t.key})}
}

// federationSigner signs like the SDK's x509 federation client: date and
// (request-target) but not host, plus the body headers.
func federationSigner(keyID string, key *rsa.PrivateKey) common.HTTPRequestSigner {
	return redacting{common.RequestSigner(keyProvider{id: keyID, key: key},
		[]string{"date", "(request-target)"}, common.DefaultBodyHeaders())}
}

type x509FederationRequest struct {
	X509FederationDetails `contributesTo:"body"`
}

// X509FederationDetails is the body of POST /v1/x509.
type X509FederationDetails struct {
	Certificate              string   `mandatory:"true" json:"certificate,omitempty"`
	PublicKey                string   `mandatory:"true" json:"publicKey,omitempty"`
	IntermediateCertificates []string `mandatory:"false" json:"intermediateCertificates,omitempty"`
	FingerprintAlgorithm     string   `mandatory:"false" json:"fingerprintAlgorithm,omitempty"`
}

type tokenBody struct {
	Token string `json:"token"`
}

func (p *InstancePrincipal) federate(ctx context.Context) (*cachedToken, error) {
	certPEM, err := p.Metadata.Get(ctx, "/identity/cert.pem")
	if err != nil {
		return nil, err
	}
	keyPEM, err := p.Metadata.Get(ctx, "/identity/key.pem")
	if err != nil {
		return nil, err
	}
	secret(string(keyPEM))
	interPEM, err := p.Metadata.Get(ctx, "/identity/intermediate.pem")
	if err != nil {
		return nil, err
	}
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, fmt.Errorf("instance certificate: %w", err)
	}
	leafKey, err := common.PrivateKeyFromBytes(keyPEM, nil)
	if err != nil {
		return nil, errors.New("instance certificate key: not a readable RSA key")
	}
	tenancy := ""
	for _, n := range cert.Subject.Names {
		if s, ok := n.Value.(string); ok && strings.HasPrefix(s, "opc-tenant:") {
			tenancy = strings.TrimPrefix(s, "opc-tenant:")
		}
	}
	if tenancy == "" {
		return nil, errors.New("instance certificate names no tenancy (opc-tenant:)")
	}
	endpoint := p.AuthEndpoint
	if endpoint == "" {
		in, err := p.Metadata.Instance(ctx)
		if err != nil {
			return nil, err
		}
		endpoint = in.Endpoint("auth")
	}
	session, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	secret(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(session)})))
	pubDER, err := x509.MarshalPKIXPublicKey(&session.PublicKey)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(cert.Raw)
	keyID := tenancy + "/fed-x509-sha256/" + colonHex(sum[:])
	req := x509FederationRequest{X509FederationDetails{
		Certificate:              bare(certPEM),
		PublicKey:                base64.StdEncoding.EncodeToString(pubDER),
		IntermediateCertificates: []string{bare(interPEM)},
		FingerprintAlgorithm:     "SHA256",
	}}
	hreq, err := common.MakeDefaultHTTPRequestWithTaggedStruct(http.MethodPost, "", req)
	if err != nil {
		return nil, err
	}
	httpClient := p.HTTP
	if httpClient == nil {
		httpClient = &http.Client{Transport: apiTransport}
	}
	base := common.BaseClient{HTTPClient: httpClient, Host: endpoint, BasePath: "v1/x509", UserAgent: "ocfkit-ocivip"}
	p.Federations++
	res, err := base.CallWithDetails(ctx, &hreq, common.ClientCallDetails{Signer: federationSigner(keyID, leafKey)})
	defer common.CloseBodyIfValid(res)
	if err != nil {
		if se, ok := common.IsServiceError(err); ok {
			return nil, &APIError{Op: "Federation", Status: se.GetHTTPStatusCode(), Code: se.GetCode(), Message: se.GetMessage(), RequestID: se.GetOpcRequestID()}
		}
		return nil, fmt.Errorf("federation: %w", err)
	}
	var body tokenBody
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.Token == "" {
		return nil, errors.New("federation: no token in the answer")
	}
	token(body.Token)
	iat, exp, err := tokenTimes(body.Token)
	if err != nil {
		return nil, err
	}
	return &cachedToken{Token: body.Token, key: session, Endpoint: endpoint, Metadata: p.Metadata.base(),
		Issued: iat, Expires: exp}, nil
}

// tokenTimes reads iat and exp from the JWT payload (unverified: the
// service verifies it; the client only needs to know when to renew).
func tokenTimes(tok string) (iat, exp time.Time, err error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return iat, exp, errors.New("federation: the token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return iat, exp, errors.New("federation: the token payload is not base64url")
	}
	var c struct {
		Iat float64 `json:"iat"`
		Exp float64 `json:"exp"`
	}
	if err := json.Unmarshal(raw, &c); err != nil || c.Exp == 0 {
		return iat, exp, errors.New("federation: the token has no expiry")
	}
	exp = time.Unix(int64(c.Exp), 0)
	iat = time.Unix(int64(c.Iat), 0)
	if c.Iat == 0 || iat.After(exp) {
		iat = time.Now()
	}
	return iat, exp, nil
}

func parseCert(b []byte) (*x509.Certificate, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// bare strips the PEM armour and newlines, as the federation body wants.
func bare(pemBytes []byte) string {
	s := string(pemBytes)
	for _, cut := range []string{"-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "\n", "\r"} {
		s = strings.ReplaceAll(s, cut, "")
	}
	return s
}

func colonHex(b []byte) string {
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, len(b)*3)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hexdigits[c>>4], hexdigits[c&15])
	}
	return string(out)
}
