package ocifake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The request signature is draft-cavage HTTP signatures as OCI uses it:
//
//	Authorization: Signature version="1",headers="date (request-target) host ...",
//	    keyId="...",algorithm="rsa-sha256",signature="<base64 RSA-SHA256>"
//
// API requests sign date, (request-target) and host, plus content-length,
// content-type and x-content-sha256 for POST, PUT and PATCH. The federation
// endpoint signs the same without host.

const maxClockSkew = 5 * time.Minute

type sigParams struct {
	version, keyID, algorithm string
	headers                   []string
	signature                 []byte
}

func parseSignature(h string) (*sigParams, error) {
	rest, ok := strings.CutPrefix(h, "Signature ")
	if !ok {
		return nil, errors.New("no Signature authorization")
	}
	p := &sigParams{}
	for rest != "" {
		rest = strings.TrimLeft(rest, " ,")
		k, v, ok := strings.Cut(rest, "=\"")
		if !ok {
			return nil, errors.New("malformed Signature parameters")
		}
		end := strings.IndexByte(v, '"')
		if end < 0 {
			return nil, errors.New("unterminated Signature parameter")
		}
		val := v[:end]
		rest = v[end+1:]
		switch k {
		case "version":
			p.version = val
		case "keyId":
			p.keyID = val
		case "algorithm":
			p.algorithm = val
		case "headers":
			p.headers = strings.Fields(strings.ToLower(val))
		case "signature":
			sig, err := base64.StdEncoding.DecodeString(val)
			if err != nil {
				return nil, errors.New("signature is not base64")
			}
			p.signature = sig
		}
	}
	if p.version != "1" || p.algorithm != "rsa-sha256" || p.keyID == "" || len(p.signature) == 0 {
		return nil, errors.New("incomplete Signature parameters")
	}
	return p, nil
}

// verify checks the signature of r (whose body has been read into body)
// against pub, requiring the headers in need to be signed.
func verifySignature(r *http.Request, body []byte, p *sigParams, pub *rsa.PublicKey, need []string) error {
	signed := map[string]bool{}
	for _, h := range p.headers {
		signed[h] = true
	}
	for _, h := range need {
		if !signed[h] {
			return fmt.Errorf("header %q is not signed", h)
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		date, err = http.ParseTime(r.Header.Get("x-date"))
	}
	if err != nil {
		return errors.New("no valid Date header")
	}
	if d := time.Since(date); d > maxClockSkew || d < -maxClockSkew {
		return errors.New("date is outside the allowed clock skew")
	}
	if signed["x-content-sha256"] {
		sum := sha256.Sum256(body)
		if r.Header.Get("x-content-sha256") != base64.StdEncoding.EncodeToString(sum[:]) {
			return errors.New("x-content-sha256 does not match the body")
		}
	}
	if signed["content-length"] && r.Header.Get("Content-Length") != "" && r.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
		return errors.New("content-length does not match the body")
	}
	lines := make([]string, len(p.headers))
	for i, h := range p.headers {
		var v string
		switch h {
		case "(request-target)":
			v = strings.ToLower(r.Method) + " " + r.RequestURI
		case "host":
			v = r.Host
		case "content-length":
			v = r.Header.Get("Content-Length")
			if v == "" {
				v = strconv.FormatInt(r.ContentLength, 10)
			}
		default:
			v = r.Header.Get(h)
		}
		lines[i] = h + ": " + v
	}
	digest := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], p.signature) == nil {
		return nil
	}
	if rsa.VerifyPSS(pub, crypto.SHA256, digest[:], p.signature, nil) == nil {
		return nil
	}
	return errors.New("signature does not verify")
}

var (
	apiHeaders     = []string{"date", "(request-target)", "host"}
	bodyHeaders    = []string{"content-length", "content-type", "x-content-sha256"}
	federationNeed = []string{"date", "(request-target)", "content-length", "content-type", "x-content-sha256"}
)

// verifyAPI authenticates an API request: an API key (tenancy/user/fp) or
// a security token from this fake's federation (ST$<jwt>).
func (f *Fake) verifyAPI(r *http.Request, body []byte) error {
	p, err := parseSignature(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	need := apiHeaders
	if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
		need = append(append([]string{}, apiHeaders...), bodyHeaders...)
	}
	var pub *rsa.PublicKey
	if tok, ok := strings.CutPrefix(p.keyID, "ST$"); ok {
		if pub, err = f.tokenKeyOf(tok); err != nil {
			return err
		}
	} else {
		f.mu.Lock()
		k := f.apiKeys[p.keyID]
		f.mu.Unlock()
		if k == nil {
			return errors.New("unknown keyId")
		}
		pub = k.public
	}
	return verifySignature(r, body, p, pub, need)
}

// Security tokens are JWTs (RS256, signed by the fake) whose jwk claim is
// the session public key the client federated with.

type tokenClaims struct {
	Sub      string `json:"sub"`
	Tenant   string `json:"opc-tenant"`
	Instance string `json:"opc-instance"`
	Ptype    string `json:"ptype"`
	Iat      int64  `json:"iat"`
	Exp      int64  `json:"exp"`
	JWK      struct {
		Kty string `json:"kty"`
		N   string `json:"n"`
		E   string `json:"e"`
		Kid string `json:"kid"`
	} `json:"jwk"`
}

var b64 = base64.RawURLEncoding

func (f *Fake) issueToken(instanceID string, session *rsa.PublicKey) string {
	now := time.Now()
	c := tokenClaims{Sub: instanceID, Tenant: f.opt.Tenancy, Instance: instanceID, Ptype: "instance",
		Iat: now.Unix(), Exp: now.Add(f.opt.TokenTTL).Unix()}
	c.JWK.Kty, c.JWK.Kid = "RSA", "Ocifake"
	c.JWK.N = b64.EncodeToString(session.N.Bytes())
	c.JWK.E = b64.EncodeToString(big.NewInt(int64(session.E)).Bytes())
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "asw"})
	claims, _ := json.Marshal(c)
	signing := b64.EncodeToString(head) + "." + b64.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, _ := rsa.SignPKCS1v15(rand.Reader, f.tokenKey, crypto.SHA256, digest[:])
	return signing + "." + b64.EncodeToString(sig)
}

func (f *Fake) tokenKeyOf(tok string) (*rsa.PublicKey, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("malformed security token")
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("malformed security token")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&f.tokenKey.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return nil, errors.New("security token not issued by this service")
	}
	raw, _ := b64.DecodeString(parts[1])
	var c tokenClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, errors.New("malformed security token")
	}
	if time.Now().Unix() >= c.Exp {
		return nil, errors.New("security token expired")
	}
	n, err1 := b64.DecodeString(c.JWK.N)
	e, err2 := b64.DecodeString(c.JWK.E)
	if err1 != nil || err2 != nil {
		return nil, errors.New("malformed jwk")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
}

type federationRequest struct {
	Certificate              string   `json:"certificate"`
	PublicKey                string   `json:"publicKey"`
	IntermediateCertificates []string `json:"intermediateCertificates"`
	FingerprintAlgorithm     string   `json:"fingerprintAlgorithm"`
}

// serveFederation is POST /v1/x509: the instance signs with its leaf key
// (keyId <tenancy>/fed-x509-sha256/<fingerprint>) and sends its leaf and
// intermediate certificates and a fresh session public key; it gets a
// security token bound to that session key.
func (f *Fake) serveFederation(w http.ResponseWriter, r *http.Request) {
	if !f.begin(w, r, OpFederation) {
		return
	}
	if r.Method != http.MethodPost {
		f.writeError(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "use POST")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "unreadable body")
		return
	}
	deny := func(why string) {
		f.writeError(w, r, http.StatusUnauthorized, "NotAuthenticated", "Federation failed: "+why)
	}
	p, err := parseSignature(r.Header.Get("Authorization"))
	if err != nil {
		deny(err.Error())
		return
	}
	var req federationRequest
	if err := json.Unmarshal(body, &req); err != nil {
		f.writeError(w, r, http.StatusBadRequest, "InvalidParameter", "The request body is not valid JSON")
		return
	}
	leaf, err := parseBareCert(req.Certificate)
	if err != nil {
		deny("certificate: " + err.Error())
		return
	}
	pool := x509.NewCertPool()
	for _, ic := range req.IntermediateCertificates {
		c, err := parseBareCert(ic)
		if err != nil {
			deny("intermediate certificate: " + err.Error())
			return
		}
		pool.AddCert(c)
	}
	roots := x509.NewCertPool()
	roots.AddCert(f.auth.root)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: pool,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		deny("certificate chain: " + err.Error())
		return
	}
	tenant := ""
	for _, n := range leaf.Subject.Names {
		if s, ok := n.Value.(string); ok && strings.HasPrefix(s, "opc-tenant:") {
			tenant = strings.TrimPrefix(s, "opc-tenant:")
		}
	}
	if want := tenant + "/fed-x509-sha256/" + colonHex(sha256Sum(leaf.Raw)); p.keyID != want {
		deny("keyId does not name the certificate")
		return
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		deny("certificate key is not RSA")
		return
	}
	if err := verifySignature(r, body, p, pub, federationNeed); err != nil {
		deny(err.Error())
		return
	}
	der, err := base64.StdEncoding.DecodeString(req.PublicKey)
	if err != nil {
		deny("publicKey is not base64 DER")
		return
	}
	k, err := x509.ParsePKIXPublicKey(der)
	session, ok := k.(*rsa.PublicKey)
	if err != nil || !ok {
		deny("publicKey is not an RSA public key")
		return
	}
	f.writeJSON(w, r, 200, map[string]string{"token": f.issueToken(leaf.Subject.CommonName, session)}, 0)
}

// parseBareCert reads a certificate as the SDK sends it: PEM with the
// armour lines and newlines removed.
func parseBareCert(s string) (*x509.Certificate, error) {
	if b, _ := pem.Decode([]byte(s)); b != nil {
		return x509.ParseCertificate(b.Bytes)
	}
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64")
	}
	return x509.ParseCertificate(der)
}
