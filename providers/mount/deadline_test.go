package mount

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnmountReturnsBeforeTheDeadline: an umount(8) that does not return
// is killed before the action's deadline, so that the stop reports its
// own reason (the runtime's watchdog ends the agent soon after the
// deadline with a bare "did not finish").
func TestUnmountReturnsBeforeTheDeadline(t *testing.T) {
	needSystem(t)
	dir := mounttest.Dir(t, "m")
	mounttest.Mount(t, "-t", "tmpfs", "ocfkit-deadline", dir)
	tab, err := ReadTable()
	require.NoError(t, err)
	e := tab.At(dir)
	require.NotNil(t, e)

	bin := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "umount"), []byte("#!/bin/sh\nexec sleep 30\n"), 0o755))
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err = Unmount(ctx, e, UnmountOptions{})
	assert.ErrorIs(t, err, ErrBusy)
	assert.NoError(t, ctx.Err(), "Unmount returned after the deadline")
	assert.True(t, mounttest.Mounted(t, dir))
}

func TestReserve(t *testing.T) {
	assert.Equal(t, 20*time.Millisecond, reserve(50*time.Millisecond))
	assert.Equal(t, 175*time.Millisecond, reserve(1750*time.Millisecond))
	assert.Equal(t, time.Second, reserve(55*time.Second))
}
