package multinode

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/procs"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestCrashedRunCleanedUp kills -9 a test process that runs a cluster
// (this binary, re-executed into TestHelperHoldCluster) and checks that the
// next Start stops its nodes and removes its namespaces, from the record
// it left.
func TestCrashedRunCleanedUp(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "corosync")
	// The lock is held from before the victim starts until this test ends:
	// released at the victim's death, it would let another package's
	// cluster test start beside the leftovers and refuse to run.
	testenv.LockSystem(t)
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperHoldCluster$", "-test.v")
	cmd.Env = append(os.Environ(), "OCFKIT_MULTINODE_HELPER=1")
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	up := make(chan bool, 1)
	var bins string // the helper's built binaries, which its killed TestMain cannot remove
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, dir, ok := strings.Cut(sc.Text(), "HELPER UP "); ok {
				bins = strings.TrimSpace(dir)
				up <- true
			}
		}
		close(up)
	}()
	t.Cleanup(func() {
		if strings.HasPrefix(bins, os.TempDir()+"/ocfkit-bin-") {
			os.RemoveAll(bins)
		}
	})
	select {
	case ok := <-up:
		require.True(t, ok, "the helper ended before its cluster was up")
	case <-time.After(5 * time.Minute):
		t.Fatal("the helper's cluster did not come up")
	}
	rec, err := loadRecord()
	require.NoError(t, err)
	require.Len(t, rec.Inits, 2)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()
	for pid := range rec.Inits {
		assert.NotZero(t, procs.StartTime(pid), "the killed test's node %d still runs", pid)
	}

	c := Start(t, Options{Nodes: 2, Token: time.Second, lockHeld: true})
	for pid, start := range rec.Inits {
		assert.NotEqual(t, start, procs.StartTime(pid), "the left node (pid %d) was stopped", pid)
	}
	_, err = os.Stat(rec.Dir)
	assert.True(t, os.IsNotExist(err), "the left run directory was removed")
	assert.Len(t, c.Status(t).Online(), 2)
}

// TestHelperHoldCluster is TestCrashedRunCleanedUp's victim.
func TestHelperHoldCluster(t *testing.T) {
	if os.Getenv("OCFKIT_MULTINODE_HELPER") != "1" {
		t.Skip("run by TestCrashedRunCleanedUp")
	}
	Start(t, Options{Nodes: 2, Token: time.Second, lockHeld: true}) // the parent holds it
	os.Stdout.WriteString("HELPER UP " + testenv.BinDir() + "\n")
	time.Sleep(10 * time.Minute)
}
