package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatusFileConcurrent is issue 13 item 10: monitors of the same
// resource that overlap (a slow device, a probe during a recurring
// monitor) each see their own write read back.
func TestStatusFileConcurrent(t *testing.T) {
	testenv.NeedRoot(t)
	dev := mounttest.Loop(t, 64)
	mounttest.Mkfs(t, "ext4", dev, "statusconc")
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": dev, "directory": dir, "fstype": "ext4"}
	expect(t, p, "start", ocf.Success)
	t.Cleanup(func() { run(t, p, "stop") })
	bin := testenv.BuildAgent(t, "Filesystem")
	var wg sync.WaitGroup
	results := make([]string, 20)
	codes := make([]int, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := agentCommand(t, bin, "monitor", depth20(p))
			out, err := cmd.CombinedOutput()
			results[i] = string(out)
			if ee, ok := err.(*exec.ExitError); ok {
				codes[i] = ee.ExitCode()
			} else if err != nil {
				codes[i] = -1
			}
		}()
	}
	wg.Wait()
	for i := range results {
		assert.Equal(t, ocf.Success, codes[i], "monitor %d: %s", i, results[i])
	}
	entries, err := os.ReadDir(filepath.Join(dir, ".Filesystem_status"))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"fs-test_" + nodeName(t)}, names, "no temporary file left behind")
}
