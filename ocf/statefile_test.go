package ocf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateFile(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "none")
	t.Setenv("OCF_RESOURCE_INSTANCE", "vip:1")
	type st struct{ N int }
	dir := t.TempDir()
	t.Setenv("HA_RSCTMP", filepath.Join(dir, "sub"))
	e, _ := newEnv(dummy(), "start", time.Now())
	f := NewStateFile[st](e, "x")
	assert.Equal(t, filepath.Join(dir, "sub", "Dummy-vip_1.x"), f.Path)
	_, ok := f.Read()
	assert.False(t, ok)
	require.NoError(t, f.Remove(), "nothing to forget")
	require.NoError(t, f.Write(st{N: 3}))
	got, ok := f.Read()
	assert.True(t, ok)
	assert.Equal(t, st{N: 3}, got)
	require.NoError(t, os.WriteFile(f.Path, []byte("{junk"), 0o644))
	_, ok = f.Read()
	assert.False(t, ok)
	require.NoError(t, f.Remove())
	_, err := os.Stat(f.Path)
	assert.ErrorIs(t, err, os.ErrNotExist)

	// A state "directory" that is a regular file: no state, and nothing
	// to remove.
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	t.Setenv("HA_RSCTMP", file)
	f = NewStateFile[st](e, "")
	_, ok = f.Read()
	assert.False(t, ok)
	assert.NoError(t, f.Remove())
	assert.Error(t, f.Write(st{}))
}

// A long repetitive secret (a 128 KiB do_token) is redacted like any other.
func TestRedactLongSecret(t *testing.T) {
	long := strings.Repeat("a", 128<<10)
	RegisterSecret(long)
	RegisterSecret("aaaab") // a shorter one inside does not split it
	assert.Equal(t, "x *** y", Redact("x "+long+" y"))
}
