// Command Filesystem is ocfkit's drop-in for ocf:heartbeat:Filesystem: it
// mounts a block device, a bind source, a tmpfs or a network share on a
// directory, with the anchor's parameter names and defaults. The monitor
// asks the kernel for the one mount on the directory (statx, statmount)
// and forks nothing; stop finds the processes
// holding a busy mount by scanning /proc and shares the stop timeout
// between SIGTERM and SIGKILL. The mechanics live in providers/mount.
package main

import (
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

var agent = &ocf.Agent{
	Name:      "Filesystem",
	Shortdesc: "Manages filesystem mounts",
	Longdesc: `Mounts a filesystem on shared storage (a DRBD or SAN device), a bind mount,
a tmpfs or a network share (nfs, cifs), with the parameters of ocf:heartbeat:Filesystem.

The monitor at depth 0 (also the probe) checks that the configured device is
mounted on the directory, without running any program: it asks the kernel for the
one mount there (statx, statmount) and reads /proc/self/mountinfo only where that
cannot answer (nothing mounted there, older kernels).
Deeper checks are chosen with OCF_CHECK_LEVEL:

10: read the first block of the device, bypassing the cache (nothing to do for
non-block devices such as NFS, tmpfs or bind mounts).

20: write, sync and read back a status file in the filesystem (the status file
must be writable by root, which NFS root_squash prevents).

On stop, whatever is stacked on the directory is unmounted, topmost first, down to
this filesystem, each mount after its submounts, deepest first; only a mount that is
provably another filesystem is left alone. Processes that keep a mount busy are
found by scanning /proc and, unless force_unmount is false, get term_signals (SIGTERM)
for the first half of the remaining stop time and kill_signals (SIGKILL) for the rest,
again every signal_delay. With force_unmount=move the mount is first moved aside.
A network filesystem's start orders Pacemaker after remote-fs.target where systemd runs. The agent itself,
its parents and the cluster daemons are never signalled. Neither stop nor the depth-0
monitor looks at anything on the mount, so a dead NFS server does not hang them.`,
	Params:   declared,
	Resource: kind,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 60 * time.Second, Run: kind.Do(start)},
		{Name: "stop", Timeout: 60 * time.Second, Run: kind.Do(stop)},
		{Name: "monitor", Timeout: 40 * time.Second, Interval: 20 * time.Second, Run: kind.Do(monitor)},
		{Name: "validate-all", Timeout: 5 * time.Second},
		{Name: "status", Timeout: 40 * time.Second, Undeclared: true, Run: kind.Do(monitor)},
	},
}

// kind loads a Filesystem resource for each action (resource.go).
var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}

func main() { agent.Main() }
