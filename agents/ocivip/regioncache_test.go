package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/ocifake"
)

// regionCloud lets the agent find its endpoints as on a real instance,
// from the metadata's region (https://iaas.<region>.oraclecloud.com and
// auth.…), without leaving loopback: the agent's HTTPS_PROXY is a CONNECT
// proxy on 127.0.0.1 that sends every tunnel to a TLS listener serving the
// fake, with a certificate for those names from a CA that only the agent's
// SSL_CERT_FILE trusts. No name is resolved, nothing leaves the machine.
type regionCloud struct {
	env   []string
	mu    sync.Mutex
	hosts []string // CONNECT targets seen
}

func newRegionCloud(t *testing.T, c *cloud) *regionCloud {
	t.Helper()
	region := c.f.Region()
	names := []string{"iaas." + region + ".oraclecloud.com", "auth." + region + ".oraclecloud.com"}
	caPEM, leaf := testCerts(t, names)
	srv := httptest.NewUnstartedServer(c.f)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	target := srv.Listener.Addr().String()

	rc := &regionCloud{}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect || !slices.Contains(names, strings.TrimSuffix(r.Host, ":443")) {
			http.Error(w, "only CONNECT to the fake's names", http.StatusForbidden)
			return
		}
		rc.mu.Lock()
		rc.hosts = append(rc.hosts, r.Host)
		rc.mu.Unlock()
		up, err := net.Dial("tcp", target)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { io.Copy(up, buf); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
	}))
	t.Cleanup(proxy.Close)

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, caPEM, 0o644))
	rc.env = []string{"HTTPS_PROXY=" + proxy.URL, "https_proxy=" + proxy.URL, "NO_PROXY=", "no_proxy=",
		"SSL_CERT_FILE=" + caFile, "SSL_CERT_DIR=" + filepath.Dir(caFile)}
	return rc
}

func (rc *regionCloud) tunnels() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.hosts)
}

// run runs action on n with the endpoints left to the metadata.
func (rc *regionCloud) run(t *testing.T, n *node, want int, action string, kv ...string) agenttest.Result {
	t.Helper()
	p := n.p.With("api_endpoint", "", "auth_endpoint", "", "region", "", "OCF_RESOURCE_INSTANCE", "vip").With(kv...)
	return ocivip(t, n.stateDir).Expect(t, want, action, p, rc.env...)
}

// testCerts makes a CA and a leaf certificate for names signed by it.
func testCerts(t *testing.T, names []string) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ocivip test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err = x509.ParseCertificate(caDER)
	require.NoError(t, err)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key}
}

// With neither region nor api_endpoint set, the endpoints come from the
// metadata's /instance/. start reads it once (federation reuses it), and
// keeps it in the state: a monitor with a valid cached token then makes
// exactly one API call and no metadata request, and stop none either.
func TestRegionFromMetadataIsKept(t *testing.T) {
	c := newCloud(t, ocifake.Options{})
	a := c.node("a", false)
	rc := newRegionCloud(t, c)
	vip := c.addr(200)

	rc.run(t, a, ocf.Success, "start")
	assert.Equal(t, a.vnic, c.f.VNICOf(vip))
	assert.Contains(t, rc.tunnels(), "iaas."+c.f.Region()+".oraclecloud.com:443", "the API was reached through its regional name")
	assert.Contains(t, rc.tunnels(), "auth."+c.f.Region()+".oraclecloud.com:443", "federation was reached through its regional name")
	// /vnics/, /instance/ and the three identity files: /instance/ once.
	assert.Equal(t, 5, c.f.Count(ocifake.OpIMDS), "first start: metadata requests\n%v", c.f.Counts())

	for range 3 {
		c.f.ResetCounts()
		rc.run(t, a, ocf.Success, "monitor", "OCF_RESKEY_CRM_meta_interval", "20000")
		assert.Equal(t, 1, c.f.APICount(), "monitor: one API call\n%v", c.f.Counts())
		assert.Equal(t, 0, c.f.Count(ocifake.OpIMDS), "monitor: no metadata request\n%v", c.f.Counts())
		assert.Equal(t, 0, c.f.Count(ocifake.OpFederation), "monitor: no federation\n%v", c.f.Counts())
	}

	c.f.ResetCounts()
	rc.run(t, a, ocf.Success, "stop", "unassign_on_stop", "true")
	assert.Equal(t, "", c.f.VNICOf(vip))
	assert.Equal(t, 0, c.f.Count(ocifake.OpIMDS), "stop: no metadata request\n%v", c.f.Counts())
}
