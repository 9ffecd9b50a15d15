package dofake

import (
	"os"
	"path/filepath"
	"testing"
)

// Account is the usual scenario of the tests: a fake account served on
// 127.0.0.1 with droplets and one reserved IP, and the token in a file
// (root's, mode 0600, as floatip requires).
type Account struct {
	*Env
	IP        string // the reserved IP
	Token     string
	TokenFile string
}

// NewAccount serves a fake account with the droplets (id → name) and the
// reserved IP ip assigned to holder (0: unassigned), for the test.
func NewAccount(t testing.TB, token, ip string, holder int, droplets map[int]string) *Account {
	t.Helper()
	f := New(token)
	for id, name := range droplets {
		f.AddDroplet(id, name)
	}
	if err := f.AddReservedIP(ip, holder); err != nil {
		t.Fatal(err)
	}
	env, tf := Serve(t, f)
	return &Account{Env: env, IP: ip, Token: token, TokenFile: tf}
}

// Serve serves f on 127.0.0.1 for the test (closed when it ends) and
// writes f's token to a file of the test's, root's with mode 0600 as
// floatip and fence_digitalocean require: the Env and the file's path.
func Serve(t testing.TB, f *Fake) (*Env, string) {
	t.Helper()
	env, err := Start(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	tf := filepath.Join(t.TempDir(), "do.token")
	if err := os.WriteFile(tf, []byte(f.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return env, tf
}
