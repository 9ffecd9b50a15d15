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
	"github.com/ocfkit/ocfkit/providers/mount"
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
found by scanning /proc and, unless force_unmount is false, get SIGTERM for the
first half of the remaining stop time and SIGKILL for the rest. The agent itself,
its parents and the cluster daemons are never signalled. Neither stop nor the depth-0
monitor looks at anything on the mount, so a dead NFS server does not hang them.`,
	Params: []ocf.Param{
		{Name: "device", Required: true, Shortdesc: "block device",
			Longdesc: `The block device of the filesystem (/dev/drbd0), a -U/-L option or UUID=/LABEL=
tag for mount, the source directory of a bind mount, a tmpfs name, or an NFS/CIFS share
(host:/export, //server/share).`},
		{Name: "directory", Required: true, Shortdesc: "mount point",
			Longdesc: "The mount point for the filesystem: an absolute path, created when missing."},
		{Name: "fstype", Required: true, Shortdesc: "filesystem type",
			Longdesc: `The type of filesystem to be mounted (ext4, xfs, nfs, cifs, tmpfs, ...); "none" for a bind mount.`},
		{Name: "options", Shortdesc: "options",
			Longdesc: `Extra options given to mount with -o. For bind mounts, add "bind" here and set
fstype to "none"; "bind,ro" works. Passwords in options reach mount's command line:
for cifs use credentials=<file> instead of password=.`},
		{Name: "statusfile_prefix", Default: ".Filesystem_status/", Shortdesc: "status file prefix",
			Longdesc: `The prefix of the status file written by the monitor at depth 20, relative to
the mount point; by default status files go in a separate directory. It may end in
"/" (one directory right under the mount point) but contains no other "/" and no "..".`},
		{Name: "run_fsck", Type: ocf.Select, Options: []string{"auto", "force", "no"}, Default: "auto",
			Shortdesc: "run_fsck",
			Longdesc: `When to run fsck before mounting a block device:
"auto": for filesystem types that need it (not for journalled, network, bind or tmpfs mounts),
"force": always, "no": never.`},
		{Name: "fast_stop", Type: ocf.Boolean, Default: "no", Shortdesc: "fast stop",
			Longdesc: `When yes, give up freeing a busy mount after 6 seconds instead of using the
whole stop timeout.`},
		{Name: "force_clones", Type: ocf.Boolean, Default: "false",
			Shortdesc: "allow running the resource as a clone, regardless of filesystem type",
			Longdesc: `A local filesystem (ext4, xfs, ...) mounted read-write on several nodes gets
corrupted, so running it as a clone is refused unless it is mounted read-only or
this is true (e.g. one local brick per node in a glusterfs setup).`},
		{Name: "force_unmount", Default: "true", Shortdesc: "Kill processes before unmount",
			Check: func(v string) error { _, err := mount.ParseForce(v); return err },
			Longdesc: `What to do with processes that keep the mount busy on stop:
"true": signal them (TERM, then KILL), "safe": the same (ocfkit scans /proc instead
of running fuser, and a scan blocked by an unresponsive NFS server is abandoned at
the deadline, which is what safe is for in the anchor),
"false": signal nothing; the stop fails if the mount stays busy.`},
	},
	Validate: validate,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 60 * time.Second, Run: start},
		{Name: "stop", Timeout: 60 * time.Second, Run: stop},
		{Name: "monitor", Timeout: 40 * time.Second, Interval: 20 * time.Second, Run: monitor},
		{Name: "validate-all", Timeout: 5 * time.Second},
		{Name: "status", Timeout: 40 * time.Second, Undeclared: true, Run: monitor},
	},
}

func main() { agent.Main() }
