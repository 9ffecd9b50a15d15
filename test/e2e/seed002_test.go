package e2e

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/seeds"
)

// firstIndex is the index in ops of the first successful action on rsc at
// or after from, or -1.
func firstIndex(ops []cluster.Op, from int, rsc, action string) int {
	for i := from; i < len(ops); i++ {
		if ops[i].Resource == rsc && ops[i].Action == action && (ops[i].RC == 0 || ops[i].RC == 8 && action == "monitor") {
			return i
		}
	}
	return -1
}

// assertOrder checks that each (resource, action) happened, after the
// previous one, at or after index from.
func assertOrder(t *testing.T, ops []cluster.Op, from int, steps ...[2]string) {
	t.Helper()
	at := from
	for _, st := range steps {
		i := firstIndex(ops, at, st[0], st[1])
		if !assert.GreaterOrEqual(t, i, 0, "%s %s after operation %d (of %d): %v", st[1], st[0], at, len(ops), ops[from:]) {
			return
		}
		at = i + 1
	}
}

// TestSeed002 runs seed 002's cluster under a real Pacemaker and breaks it
// in each way the seed's author planned for.
func TestSeed002(t *testing.T) {
	s := seeds.New002(t, cluster.Options{})
	c := s.C
	s.Configure(t)
	s.WaitUp(t, "the seed 002 stack up")
	ops := c.Operations(t)
	assertOrder(t, ops, 0,
		[2]string{"res_drbd0", "start"}, [2]string{"res_drbd0", "promote"},
		[2]string{"res_ip", "start"}, [2]string{"res_fs_drbd0", "start"}, [2]string{"res_httpd", "start"})
	assert.Equal(t, "10000", c.NodeAttr(t, "master-res_drbd0"))

	// Apache killed: Pacemaker restarts it.
	pid := s.Web.MainPid()
	require.NotZero(t, pid)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	c.WaitFor(t, time.Minute, "res_httpd fail count 1", func() bool { return c.Failcount(t, "res_httpd") == 1 })
	s.WaitUp(t, "apache restarted")
	assert.NotEqual(t, pid, s.Web.MainPid())

	// The filesystem unmounted: Pacemaker mounts it again (and restarts
	// apache, which comes after it in the group).
	s.Unmount(t)
	c.WaitFor(t, time.Minute, "res_fs_drbd0 fail count 1", func() bool { return c.Failcount(t, "res_fs_drbd0") == 1 })
	s.WaitUp(t, "the filesystem mounted again")

	// DRBD's data Outdated: no promotion score, so Pacemaker stops the
	// group in reverse order and demotes DRBD.
	mark := len(c.Operations(t))
	s.SetDisk(t, "Outdated")
	c.WaitFor(t, 2*time.Minute, "DRBD demoted and the group stopped", func() bool {
		return c.ResourceRole(t, "ms_drbd0") == "Unpromoted" && s.DRBDRole(t) == "Secondary" &&
			c.ResourceRole(t, "rg_httpd") == "Stopped"
	})
	assertOrder(t, c.Operations(t), mark,
		[2]string{"res_httpd", "stop"}, [2]string{"res_fs_drbd0", "stop"}, [2]string{"res_ip", "stop"},
		[2]string{"res_drbd0", "demote"})
	assert.Equal(t, "", c.NodeAttr(t, "master-res_drbd0"))
	assert.False(t, mounttest.Mounted(t, s.Mnt))
	assert.Equal(t, "", s.Get(), "nothing served at the VIP")

	// UpToDate again: promoted, and the group starts in order.
	mark = len(c.Operations(t))
	s.SetDisk(t, "UpToDate")
	s.WaitUp(t, "the stack back once DRBD is UpToDate")
	assertOrder(t, c.Operations(t), mark,
		[2]string{"res_drbd0", "promote"},
		[2]string{"res_ip", "start"}, [2]string{"res_fs_drbd0", "start"}, [2]string{"res_httpd", "start"})
}
