package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStopKillsImpostor is issue 13 item 2: a user's process named like a
// cluster daemon is not one, and must not keep the mount busy (a failed
// stop gets the node fenced).
func TestStopKillsImpostor(t *testing.T) {
	testenv.NeedRoot(t)
	sleep := testenv.NeedCmd(t, "sleep")
	dir := mounttest.Dir(t, "m")
	p := kvs{"device": "ocfkit-impostor", "directory": dir, "fstype": "tmpfs", "OCF_RESKEY_CRM_meta_timeout": "8000"}
	expect(t, p, "start", ocf.Success)
	openToNobody(t, dir)

	bin := filepath.Join(t.TempDir(), "pacemaker-x")
	b, err := os.ReadFile(sleep)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, b, 0o755))
	openToNobody(t, bin)

	for _, name := range []string{bin, "pacemakerd", "corosync"} {
		cmd := exec.Command(bin, "600")
		cmd.Args[0] = name // comm stays pacemaker-x; argv[0] claims more
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		require.NoError(t, cmd.Start())
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		t.Cleanup(func() { cmd.Process.Kill(); <-done })
		defer func(name string) {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Errorf("impostor %s is still alive", name)
			}
		}(name)
	}
	r := expect(t, p, "stop", ocf.Success)
	assert.NotContains(t, r.Stderr, "protected")
	assert.False(t, mounttest.Mounted(t, dir))
}
