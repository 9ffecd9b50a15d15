// Package httpdtest writes throw-away Apache httpd configurations for tests:
// a temporary ServerRoot, a free port on 127.0.0.1, their own pid file and
// error log, optionally a server-status page and HTTPS with a self-signed
// certificate. It never touches /etc/apache2 or the system's server, and
// its cleanup stops only the processes started with its configuration.
package httpdtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/httpd"
)

// Binary is Debian's httpd.
const Binary = "/usr/sbin/apache2"

// ModuleDir holds Debian's modules.
const ModuleDir = "/usr/lib/apache2/modules"

// Options shape the configuration.
type Options struct {
	NoStatus      bool   // leave out the server-status location
	StatusPath    string // default /server-status
	TLS           bool   // serve https with a self-signed certificate
	NoPidFile     bool   // leave out PidFile (the agent then sets one)
	RelativePid   bool   // write PidFile relative to ServerRoot
	Index         string // index.html content (default a small page)
	Extra         string // appended verbatim
	MPM           string // event (default) or prefork
	IncludeStatus bool   // put the status location in an included conf.d/*.conf
	IPv6          bool   // listen on [::1] instead of 127.0.0.1
	// NoStatusModule leaves mod_status out (its location stays: the
	// status page then answers 404).
	NoStatusModule bool
}

// Server is one written configuration.
type Server struct {
	Dir        string
	ConfigFile string
	PidFile    string
	ErrorLog   string
	Port       int
	Addr       string // 127.0.0.1:<port> or [::1]:<port>
	CertFile   string // PEM certificate when TLS
	Scheme     string
}

// New writes a configuration in a fresh directory and registers a cleanup
// that kills whatever runs with it and removes the directory.
func New(t testing.TB, o Options) *Server {
	t.Helper()
	dir, err := os.MkdirTemp("", "ocfkit-httpd-")
	if err != nil {
		t.Fatal(err)
	}
	// Workers run as nobody and must reach the document root.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, ConfigFile: filepath.Join(dir, "httpd.conf"), ErrorLog: filepath.Join(dir, "error.log"), Scheme: "http"}
	t.Cleanup(func() {
		s.Kill()
		os.RemoveAll(dir)
	})
	for _, d := range []string{"run", "htdocs", "conf.d"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	host := "127.0.0.1"
	if o.IPv6 {
		host = "::1"
	}
	s.Port = freePort(t, host)
	s.Addr = net.JoinHostPort(host, fmt.Sprint(s.Port))
	index := o.Index
	if index == "" {
		index = "<html><body>ocfkit test page</body></html>\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "htdocs", "index.html"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.ConfigFile, []byte(s.config(t, o)), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *Server) config(t testing.TB, o Options) string {
	mpm := o.MPM
	if mpm == "" {
		mpm = "event"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ServerRoot %q\nServerName localhost\n", s.Dir)
	fmt.Fprintf(&b, "DefaultRuntimeDir %s/run\nErrorLog %s\nLogLevel warn\n", s.Dir, s.ErrorLog)
	switch {
	case o.NoPidFile:
	case o.RelativePid:
		s.PidFile = filepath.Join(s.Dir, "run", "httpd.pid")
		b.WriteString("PidFile run/httpd.pid\n")
	default:
		s.PidFile = filepath.Join(s.Dir, "run", "httpd.pid")
		fmt.Fprintf(&b, "PidFile %s\n", s.PidFile)
	}
	mods := []string{"mpm_" + mpm, "authz_core", "authz_host", "dir"}
	if !o.NoStatusModule {
		mods = append(mods, "status")
	}
	if o.TLS {
		mods = append(mods, "ssl", "socache_shmcb")
	}
	for _, m := range mods {
		fmt.Fprintf(&b, "LoadModule %s_module %s/mod_%s.so\n", m, ModuleDir, m)
	}
	if os.Geteuid() == 0 {
		b.WriteString("User nobody\nGroup nogroup\n")
	}
	if o.TLS {
		cert, key := SelfSigned(t, s.Dir)
		s.CertFile = cert
		s.Scheme = "https"
		fmt.Fprintf(&b, "Listen %s https\nSSLEngine on\nSSLCertificateFile %s\nSSLCertificateKeyFile %s\n", s.Addr, cert, key)
	} else {
		fmt.Fprintf(&b, "Listen %s\n", s.Addr)
	}
	fmt.Fprintf(&b, "DocumentRoot %s/htdocs\nDirectoryIndex index.html\n<Directory %s/htdocs>\n  Require all granted\n</Directory>\n", s.Dir, s.Dir)
	if !o.NoStatus {
		path := o.StatusPath
		if path == "" {
			path = "/server-status"
		}
		loc := fmt.Sprintf("<IfDefine STATUS>\n<Location %s>\n  SetHandler server-status\n  Require local\n</Location>\n</IfDefine>\n", path)
		if o.IncludeStatus {
			if err := os.WriteFile(filepath.Join(s.Dir, "conf.d", "status.conf"), []byte(loc), 0o644); err != nil {
				t.Fatal(err)
			}
			b.WriteString("IncludeOptional conf.d/*.conf\n")
		} else {
			b.WriteString(loc)
		}
	}
	b.WriteString(o.Extra)
	return b.String()
}

// URL is the server's base URL followed by path.
func (s *Server) URL(path string) string {
	return s.Scheme + "://" + s.Addr + path
}

// Kill ends every process running this configuration, at once.
func (s *Server) Kill() {
	for i := 0; i < 50; i++ {
		pids := httpd.InstancePids(Binary, s.ConfigFile)
		if len(pids) == 0 {
			return
		}
		for _, p := range pids {
			syscall.Kill(p, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// MainPid is the pid in the pid file (0 when there is none).
func (s *Server) MainPid() int {
	pid, err := httpd.ReadPid(s.PidFile)
	if err != nil {
		return 0
	}
	return pid
}

// FreePort is a TCP port on 127.0.0.1 that nothing listens on right now.
func FreePort(t testing.TB) int { return freePort(t, "127.0.0.1") }

func freePort(t testing.TB, host string) int {
	t.Helper()
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// SelfSigned writes cert.pem and key.pem for localhost, 127.0.0.1 and ::1
// into dir and returns their paths.
func SelfSigned(t testing.TB, dir string) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"ocfkit test"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, keyFile
}
