package oci

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
)

// The cache holds a session private key: it is written with mode 0600 to a
// temporary file in the same directory and renamed into place, so no
// reader ever sees a partial or more open file.

func saveToken(path string, t *cachedToken) error {
	c := *t
	c.SessionKey = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(t.key)}))
	b, err := json.Marshal(&c)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	// The directory is the shared state directory (0755, as ocf creates
	// it); the file itself is 0600.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".oci-token-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func loadToken(path string) (*cachedToken, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		// Someone widened it: do not trust, do not use.
		return nil, errors.New("token cache is readable by others")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t cachedToken
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, errors.New("token cache is not JSON") // the decoder's error may quote the content
	}
	token(t.Token)
	secret(t.SessionKey)
	blk, _ := pem.Decode([]byte(t.SessionKey))
	if blk == nil {
		return nil, errors.New("token cache has no session key")
	}
	if t.key, err = x509.ParsePKCS1PrivateKey(blk.Bytes); err != nil {
		return nil, err
	}
	t.SessionKey = ""
	return &t, nil
}

func removeToken(path string) { os.Remove(path) }
