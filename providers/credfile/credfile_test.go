package credfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

const content = "ocid1.secret.0123456789"

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		require.NoError(t, os.Chmod(p, mode))
		return p
	}
	ok := write("ok", content, 0o600)
	require.NoError(t, os.Symlink(ok, filepath.Join(dir, "link")))
	for _, tc := range []struct {
		name     string
		path     string
		sentinel error
		detail   string
	}{
		{"0600", ok, nil, ""},
		{"0400", write("ro", content, 0o400), nil, ""},
		{"symlink to a private file", filepath.Join(dir, "link"), nil, ""},
		{"missing", filepath.Join(dir, "nope"), ErrMissing, "does not exist"},
		{"world readable", write("644", content, 0o644), ErrPermissions, "chmod 600 " + filepath.Join(dir, "644")},
		{"group readable", write("640", content, 0o640), ErrPermissions, "mode 0640"},
		{"other writable", write("602", content, 0o602), ErrPermissions, "mode 0602"},
		{"too big", write("big", strings.Repeat("a", 101), 0o600), ErrTooLarge, "larger than 100 bytes"},
		{"directory", dir, ErrNotRegular, "not a regular file"},
		{"character device", "/dev/null", ErrNotRegular, "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read(tc.path, 100)
			if tc.sentinel == nil {
				require.NoError(t, err)
				assert.Equal(t, content, string(b))
				return
			}
			require.ErrorIs(t, err, tc.sentinel)
			var ce *Error
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tc.path)
			assert.Contains(t, err.Error(), tc.detail)
			assert.NotContains(t, err.Error(), content, "the content never shows in an error")
			assert.Nil(t, b)
		})
	}
}

func TestReadOwner(t *testing.T) {
	testenv.NeedRoot(t)
	p := filepath.Join(t.TempDir(), "cred")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	require.NoError(t, os.Chown(p, 65534, 0))
	_, err := Read(p, 100)
	require.ErrorIs(t, err, ErrPermissions)
	assert.Contains(t, err.Error(), "owned by uid 65534, not root (chown root:root "+p+")")
	assert.False(t, errors.Is(err, ErrUnreadable))
}

func TestReadUncheckedSkipsOnlyOwnershipAndMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "open")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	require.NoError(t, os.Chmod(p, 0o644))
	b, err := ReadUnchecked(p, 100)
	require.NoError(t, err)
	assert.Equal(t, content, string(b))
	_, err = ReadUnchecked(dir, 100)
	assert.ErrorIs(t, err, ErrNotRegular)
	_, err = ReadUnchecked(p, 10)
	assert.ErrorIs(t, err, ErrTooLarge)
}

// A FIFO (no writer) makes open(2) block: Read must answer at once.
func TestReadFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	done := make(chan error, 1)
	go func() {
		_, err := Read(fifo, 100)
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrNotRegular)
		assert.Equal(t, fifo+" is not a regular file", err.Error())
	case <-time.After(20 * time.Second): // a hang detector, not a speed target
		t.Fatal("Read blocked on a FIFO")
	}
}
