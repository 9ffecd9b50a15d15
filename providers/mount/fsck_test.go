package mount

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// fakeFsck puts an fsck that runs script first on PATH.
func fakeFsck(t *testing.T, script string) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fsck"), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
}

func TestFsckExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		ok           bool
	}{
		{"clean", "exit 0", true},
		{"corrected", "exit 1", true},
		{"corrected, reboot advised", "exit 2", true},
		{"uncorrected errors", "echo errors left; exit 4", false},
		{"operational error", "exit 8", false},
		{"killed by a signal", "kill -9 $$", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeFsck(t, tc.script)
			err := Fsck(context.Background(), "ext4", "/dev/ocfkit-none")
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}
