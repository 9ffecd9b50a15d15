package ocf

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStragglersKilled runs, as Pacemaker does, an agent that leads its own
// process group and whose fork leaves a grandchild behind past the
// deadline: the agent must not exit leaving it running.
func TestStragglersKilled(t *testing.T) {
	if os.Getenv("OCFKIT_STRAGGLER_CHILD") == "1" {
		a := &Agent{Name: "Forky", Shortdesc: "x", Params: []Param{{Name: "p", Shortdesc: "p"}},
			Actions: []Action{{Name: "start", Timeout: 20 * time.Second, Run: func(ctx context.Context, e *Env) error {
				// sh starts a sleep that keeps the output pipe, reports its
				// pid and waits: as fsck does with fsck.ext4.
				cmd := exec.CommandContext(ctx, "sh", "-c", "sleep 300 & echo $! > \"$PIDFILE\"; wait")
				cmd.WaitDelay = ChildWaitDelay
				out, err := cmd.CombinedOutput()
				return Errorf(ErrGeneric, "fsck: %v %s", err, out)
			}}}}
		os.Args = []string{"Forky", "start"}
		a.Main()
		return
	}
	pidfile := t.TempDir() + "/pid"
	cmd := exec.Command(os.Args[0], "-test.run=^TestStragglersKilled$")
	cmd.Env = append(os.Environ(), "OCFKIT_STRAGGLER_CHILD=1", "OCF_RESKEY_CRM_meta_timeout=1500",
		"HA_LOGFACILITY=none", "PIDFILE="+pidfile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // as pacemaker-execd
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "%v %s", err, out)
	assert.Contains(t, string(out), "ocf-exit-reason:")
	b, err := os.ReadFile(pidfile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	// The grandchild is gone, or a zombie about to be reaped by init.
	require.Eventually(t, func() bool {
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		return err != nil || strings.Contains(string(st), ") Z ")
	}, 5*time.Second, 20*time.Millisecond, "the sleep left by the timed-out action was killed")
}

func TestGroupMembers(t *testing.T) {
	me := os.Getpid()
	assert.Contains(t, groupMembers(syscall.Getpgrp()), me)
	assert.Empty(t, groupMembers(-5))
}
