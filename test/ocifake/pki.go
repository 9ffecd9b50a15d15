package ocifake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// identity is what IMDS hands an instance for instance principals: a leaf
// certificate whose subject names the tenancy (opc-tenant:...), its key,
// and the intermediate that signed it.
type identity struct {
	certPEM         []byte
	keyPEM          []byte
	intermediatePEM []byte
	cert            *x509.Certificate
	fingerprint     string // colon-separated SHA-256 of the DER, as the SDK writes it
}

type authority struct {
	root, inter       *x509.Certificate
	rootKey, interKey *rsa.PrivateKey
	interPEM          []byte
}

func newKey(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err) // crypto/rand failing leaves nothing to test
	}
	return k
}

// RSA key generation dominates the cost of building a world, so a process
// generates the authority once and reuses a pool of keys across fakes; one
// fake never hands out the same pooled key twice.
var (
	sharedOnce      sync.Once
	sharedAuthority *authority
	sharedTokenKey  *rsa.PrivateKey
	poolMu          sync.Mutex
	pool            []*rsa.PrivateKey
)

func shared() (*authority, *rsa.PrivateKey) {
	sharedOnce.Do(func() {
		sharedAuthority = newAuthority()
		sharedTokenKey = newKey(2048)
	})
	return sharedAuthority, sharedTokenKey
}

func pooledKey(i int) *rsa.PrivateKey {
	poolMu.Lock()
	defer poolMu.Unlock()
	for len(pool) <= i {
		pool = append(pool, newKey(2048))
	}
	return pool[i]
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

func newAuthority() *authority {
	a := &authority{rootKey: newKey(2048), interKey: newKey(2048)}
	now := time.Now()
	rootTpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "ocifake root"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, _ := x509.CreateCertificate(rand.Reader, rootTpl, rootTpl, &a.rootKey.PublicKey, a.rootKey)
	a.root, _ = x509.ParseCertificate(der)
	interTpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "ocifake intermediate"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, _ = x509.CreateCertificate(rand.Reader, interTpl, a.root, &a.interKey.PublicKey, a.rootKey)
	a.inter, _ = x509.ParseCertificate(der)
	a.interPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return a
}

// oidOU is organizationalUnitName; OCI puts opc-tenant: and opc-instance:
// there, and the SDK scans every subject attribute for the prefix.
var oidOU = asn1.ObjectIdentifier{2, 5, 4, 11}

func (a *authority) issue(tenancy, instance string, key *rsa.PrivateKey) *identity {
	now := time.Now()
	tpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject: pkix.Name{CommonName: instance, ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: oidOU, Value: "opc-certtype:instance"},
			{Type: oidOU, Value: "opc-instance:" + instance},
			{Type: oidOU, Value: "opc-tenant:" + tenancy},
		}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, a.inter, &key.PublicKey, a.interKey)
	if err != nil {
		panic(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &identity{
		certPEM:         pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:          pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		intermediatePEM: a.interPEM,
		cert:            cert,
		fingerprint:     colonHex(sha256Sum(der)),
	}
}

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, ":")
}

// APIKey is a user's API signing key as the console hands it out: the
// private key PEM, and the tenancy/user/fingerprint triple of its keyId.
type APIKey struct {
	Tenancy       string
	User          string
	Fingerprint   string // MD5 of the public key DER, colon-separated, as OCI shows it
	PrivateKeyPEM []byte
	public        *rsa.PublicKey
}

// KeyID is the keyId a correctly signed request carries.
func (k APIKey) KeyID() string { return k.Tenancy + "/" + k.User + "/" + k.Fingerprint }
