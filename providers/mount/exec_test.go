package mount

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTool puts a name on PATH that records its arguments, one per line,
// in the returned file and exits 0.
func fakeTool(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	record := filepath.Join(dir, "args")
	script := "#!/bin/sh\nfor a; do echo \"$a\"; done > " + record + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755))
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	return record
}

func lines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestOperandsAreNotOptions is issue 13 item 8: a device or directory
// that starts with "-" reaches mount(8) and umount(8) as an operand.
func TestOperandsAreNotOptions(t *testing.T) {
	ctx := context.Background()
	record := fakeTool(t, "mount")
	fs := FS{Device: Device{Raw: "-oremount,ro", Kind: KindSource}, Dir: "-dir", FSType: "tmpfs", Options: "size=1m"}
	require.NoError(t, Mount(ctx, fs))
	assert.Equal(t, []string{"-t", "tmpfs", "-o", "size=1m", "--", "-oremount,ro", "-dir"}, lines(t, record))

	record = fakeTool(t, "umount")
	require.NoError(t, umount(ctx, "-dir", true))
	assert.Equal(t, []string{"-f", "-c", "--", "-dir"}, lines(t, record))

	// fsck takes whatever follows "--" as options for the checker and
	// then checks nothing: it gets no "--", and only a device path.
	record = fakeTool(t, "fsck")
	assert.Error(t, Fsck(ctx, "ext4", "-a"))
	_, err := os.Stat(record)
	assert.True(t, os.IsNotExist(err), "fsck was not run")
	require.NoError(t, Fsck(ctx, "ext4", "/dev/ocfkit-none"))
	assert.Equal(t, []string{"-p", "-t", "ext4", "/dev/ocfkit-none"}, lines(t, record))
}

func TestParseDeviceRefusesOptions(t *testing.T) {
	for _, raw := range []string{"--version", "-oremount,ro", " -n", "-"} {
		_, err := ParseDevice(raw, "ext4", "")
		assert.Error(t, err, raw)
	}
	for _, raw := range []string{"-U 1234", "-Lweb", "--label=web", "--uuid 1234"} {
		d, err := ParseDevice(raw, "ext4", "")
		assert.NoError(t, err, raw)
		assert.Equal(t, KindTag, d.Kind, raw)
	}
}
