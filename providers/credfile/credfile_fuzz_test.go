package credfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead writes fuzzed content with fuzzed permission bits and reads it
// back: a file that group or others can access is refused, a larger one
// too, anything else comes back as written.
func FuzzRead(f *testing.F) {
	f.Add([]byte("dop_v1_0123456789"), uint16(0o600))
	f.Add([]byte("[DEFAULT]\nkey_file=/k\n"), uint16(0o644))
	f.Add([]byte{}, uint16(0o400))
	f.Add(bytes.Repeat([]byte("k"), 65), uint16(0o600))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content []byte, mode uint16) {
		p := filepath.Join(dir, "cred")
		os.Remove(p)
		if err := os.WriteFile(p, content, 0o600); err != nil {
			t.Fatal(err)
		}
		perm := os.FileMode(mode) & 0o777
		if err := os.Chmod(p, perm); err != nil {
			t.Fatal(err)
		}
		b, err := Read(p, 64)
		switch {
		case perm&0o077 != 0:
			if !errors.Is(err, ErrPermissions) {
				t.Fatalf("mode %04o: %v", perm, err)
			}
		case perm&0o400 == 0 && os.Geteuid() != 0:
			if err == nil {
				t.Fatalf("mode %04o: read without read permission", perm)
			}
		case len(content) > 64:
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("%d bytes: %v", len(content), err)
			}
		case err != nil || !bytes.Equal(b, content):
			t.Fatalf("mode %04o: %q, %v", perm, b, err)
		}
	})
}
