package systemd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnsureWritesOnceAndReloads(t *testing.T) {
	run := filepath.Join(t.TempDir(), "system")
	require.NoError(t, os.Mkdir(run, 0o755))
	reloads := 0
	d := DropIn{Dir: run, Name: "99-Filesystem-remote", Key: "After", Value: "remote-fs.target",
		Reload: func(context.Context) error { reloads++; return nil }}
	wrote, err := d.Ensure(context.Background())
	require.NoError(t, err)
	assert.True(t, wrote)
	path := filepath.Join(run, "resource-agents-deps.target.d", "99-Filesystem-remote.conf")
	assert.Equal(t, path, d.Path())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "[Unit]\nAfter=remote-fs.target\n", string(b), "what the anchor writes")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	assert.Equal(t, 1, reloads)

	// The same content again: no write, no reload (the newest anchor's grep).
	wrote, err = d.Ensure(context.Background())
	require.NoError(t, err)
	assert.False(t, wrote)
	assert.Equal(t, 1, reloads)

	// Different content is rewritten; a failed reload is reported.
	require.NoError(t, os.WriteFile(path, []byte("[Unit]\nAfter=other\n"), 0o644))
	d.Reload = func(context.Context) error { return errors.New("no bus") }
	wrote, err = d.Ensure(context.Background())
	assert.True(t, wrote)
	assert.ErrorContains(t, err, "daemon-reload")
}

// Without systemd (no runtime directory) nothing is written.
func TestEnsureWithoutSystemd(t *testing.T) {
	run := filepath.Join(t.TempDir(), "absent")
	d := DropIn{Dir: run, Name: "x", Key: "After", Value: "y.target",
		Reload: func(context.Context) error { t.Fatal("reload without systemd"); return nil }}
	assert.False(t, d.Running())
	wrote, err := d.Ensure(context.Background())
	require.NoError(t, err)
	assert.False(t, wrote)
	_, err = os.Stat(run)
	assert.True(t, os.IsNotExist(err))
}

// A link planted at the drop-in's name is replaced, not written through.
func TestEnsureReplacesALink(t *testing.T) {
	run := filepath.Join(t.TempDir(), "system")
	require.NoError(t, os.MkdirAll(filepath.Join(run, DepsTarget+".d"), 0o755))
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(victim, []byte("keep"), 0o600))
	d := DropIn{Dir: run, Name: "n", Key: "After", Value: "remote-fs.target", Reload: func(context.Context) error { return nil }}
	require.NoError(t, os.Symlink(victim, d.Path()))
	_, err := d.Ensure(context.Background())
	require.NoError(t, err)
	b, _ := os.ReadFile(victim)
	assert.Equal(t, "keep", string(b))
	st, err := os.Lstat(d.Path())
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular())
}
