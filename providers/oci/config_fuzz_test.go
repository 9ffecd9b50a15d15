package oci

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/providers/credfile"
)

// FuzzParseConfig: whatever the file, the profile's keys come out lower
// case and trimmed, the values trimmed, and a profile is found only when
// the file has its header.
func FuzzParseConfig(f *testing.F) {
	f.Add("[DEFAULT]\nuser=ocid1.user.oc1..x\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..x\nregion=us-ashburn-1\nkey_file=~/.oci/key.pem\npass_phrase=a=b\n", "DEFAULT")
	f.Add("[OTHER]\nuser=x\n[DEFAULT]\r\nUser = y\r\n[DEFAULT]\nuser=z\n", "DEFAULT")
	f.Add("[]]\n=\n[\n", "]")
	f.Fuzz(func(t *testing.T, content, profile string) {
		cfg, ok := parseConfig(content, profile)
		if ok && !strings.Contains(content, "["+profile+"]") {
			t.Fatalf("parseConfig(%q, %q): found a profile the file does not name", content, profile)
		}
		if !ok && !strings.ContainsAny(profile, "]\n") && strings.Contains("\n"+content+"\n", "\n["+profile+"]\n") {
			t.Fatalf("parseConfig(%q, %q): missed the profile", content, profile)
		}
		for k, v := range cfg {
			if k != strings.ToLower(strings.TrimSpace(k)) || v != strings.TrimSpace(v) || strings.Contains(k, "=") || strings.Contains(k+v, "\n") {
				t.Fatalf("parseConfig(%q, %q): entry %q=%q", content, profile, k, v)
			}
		}
	})
}

// FuzzLoadAPIKey loads a fuzzed config file and key file: a failure is a ConfigError that unwraps to a credfile
// sentinel and quotes neither the key nor the pass phrase.
func FuzzLoadAPIKey(f *testing.F) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	testKeyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)})
	valid := "[DEFAULT]\nuser=ocid1.user.oc1..x\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..x\nregion=us-ashburn-1\nkey_file=KEYFILE\n"
	f.Add(valid, testKeyPEM)
	f.Add(valid+"pass_phrase=Zq9x-phrase\n", testKeyPEM)
	f.Add(valid, []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	f.Add("[DEFAULT]\ntenancy=t\nfingerprint=f\nkey_file=KEYFILE\nsecurity_token_file=KEYFILE\n", []byte("Zq9x-token"))
	f.Add("", []byte{})
	f.Fuzz(func(t *testing.T, config string, key []byte) {
		// In memory: the file checks are credfile's (FuzzRead there), and
		// a write per execution would slow the fuzzer down a hundredfold.
		cfgPath, keyPath := "/root/.oci/config", "/root/.oci/key.pem"
		files := map[string][]byte{cfgPath: []byte(strings.ReplaceAll(config, "KEYFILE", keyPath)), keyPath: key}
		read := func(p string, limit int) ([]byte, error) {
			b, ok := files[p]
			switch {
			case !ok:
				return nil, &credfile.Error{Path: p, Err: credfile.ErrMissing, Detail: "does not exist"}
			case len(b) > limit:
				return nil, &credfile.Error{Path: p, Err: credfile.ErrTooLarge, Detail: "is too large"}
			}
			return b, nil
		}
		k, err := loadAPIKey(cfgPath, "", read)
		if err == nil {
			if k.Region() != "" && !validRegion(k.Region()) {
				t.Fatalf("region %q", k.Region())
			}
			return
		}
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Fatalf("%v is not a ConfigError", err)
		}
		sentinel := false
		for _, s := range []error{credfile.ErrMissing, credfile.ErrPermissions, credfile.ErrNotRegular,
			credfile.ErrUnreadable, credfile.ErrTooLarge, credfile.ErrMalformed} {
			sentinel = sentinel || errors.Is(err, s)
		}
		if !sentinel && !strings.Contains(err.Error(), "config_file is required") {
			t.Fatalf("%v unwraps to no credfile sentinel", err)
		}
		if i := strings.Index(string(key), "Zq9x"); i >= 0 && strings.Contains(err.Error(), string(key[i:])) {
			t.Fatalf("the error quotes the key file: %v", err)
		}
		if _, rest, ok := strings.Cut(config, "pass_phrase=Zq9x"); ok {
			phrase, _, _ := strings.Cut(rest, "\n")
			if strings.Contains(err.Error(), "Zq9x"+strings.TrimSpace(phrase)) {
				t.Fatalf("the error quotes the pass phrase: %v", err)
			}
		}
	})
}
