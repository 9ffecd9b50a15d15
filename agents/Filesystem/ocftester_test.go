package main

import (
	"path/filepath"
	"testing"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestOCFTester(t *testing.T) {
	testenv.NeedRoot(t)
	agent := testenv.BuildAgent(t, "Filesystem")
	t.Run("tmpfs", func(t *testing.T) {
		dir := mounttest.Dir(t, "ot")
		testenv.OCFTester(t, agent, "fs-ot-tmpfs", map[string]string{
			"device": "ocfkit-ot", "directory": dir, "fstype": "tmpfs", "options": "size=4m",
		})
	})
	t.Run("ext4 on a loop device", func(t *testing.T) {
		dev := mounttest.Loop(t, 64)
		mounttest.Mkfs(t, "ext4", dev, "ocftester")
		dir := filepath.Join(mounttest.Dir(t, "ot"), "data")
		testenv.OCFTester(t, agent, "fs-ot-ext4", map[string]string{
			"device": dev, "directory": dir, "fstype": "ext4",
		})
	})
}
