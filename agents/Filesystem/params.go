package main

import (
	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/mount"
)

// params are the parameters as the actions read them (ocf.Env.Decode).
type params struct {
	Device           string `ocf:"device"`
	Directory        string `ocf:"directory"`
	FSType           string `ocf:"fstype"`
	Options          string `ocf:"options"`
	StatusfilePrefix string `ocf:"statusfile_prefix"`
	RunFsck          string `ocf:"run_fsck"`
	FastStop         bool   `ocf:"fast_stop"`
	ForceClones      bool   `ocf:"force_clones"`
	ForceUnmount     string `ocf:"force_unmount"`
	TermSignals      string `ocf:"term_signals"`
	KillSignals      string `ocf:"kill_signals"`
	SignalDelay      string `ocf:"signal_delay"`
}

// device and directory name the filesystem (identities); a run_fsck or
// force_unmount the anchor does not know is a warning and the default, as
// in the anchor.
var declared = []ocf.Param{
	{Name: "device", Required: true, Identity: true, Shortdesc: "block device",
		Longdesc: `The block device of the filesystem (/dev/drbd0), a -U/-L option or UUID=/LABEL=
tag for mount, the source directory of a bind mount, a tmpfs name, or an NFS/CIFS share
(host:/export, //server/share).`},
	{Name: "directory", Required: true, Identity: true, Shortdesc: "mount point",
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
		Longdesc: `What to do with processes that keep the mount busy on stop, as a comma-separated
list of a policy and modifiers (the last of two contradicting words wins):
"true" (or another spelling ocf_is_true accepts: yes, 1, on, ja...): signal them
(term_signals, then kill_signals); "safe": the same (ocfkit scans /proc instead
of running fuser, and a scan blocked by an unresponsive NFS server is abandoned at
the deadline, which is what safe is for in the anchor); "false" or "no": signal nothing,
the stop fails if the mount stays busy.
Modifiers: "move" moves the mount (with its submounts) to .<name> beside the directory
before looking for its users, so that whatever keeps spawning new ones no longer finds
it, then signals the users and unmounts the moved mount; the directory's parent must be
a private mount ("mount -o bind,private /parent /parent"). "nomove" undoes it.
"xargs"/"noxargs" and "ps"/"nops" are accepted: ocfkit always signals every holder in
one pass, and "ps" (the default without move) adds each holder's user and parent to the
log line.
A word that is none of these is ignored with a warning, and a value with no known word
means false, as in the anchor ("Yes" signals nothing).`},
	{Name: "term_signals", Default: "TERM", Strict: true, Shortdesc: "Signals to send processes during graceful termination phase in stop-action",
		Check: func(v string) error { _, err := mount.ParseSignals(v); return err },
		Longdesc: `Signals (names or numbers, whitespace separated) sent to the processes keeping the
mount busy during the first half of the stop time, again every signal_delay to a
process still there. "TERM KILL" kills at once a process that ignores TERM.`},
	{Name: "kill_signals", Default: "KILL", Strict: true, Shortdesc: "Signals to send processes during forceful killing phase in stop-action",
		Check: func(v string) error { _, err := mount.ParseSignals(v); return err },
		Longdesc: `Signals (names or numbers, whitespace separated) sent to the processes still keeping
the mount busy during the second half of the stop time.`},
	{Name: "signal_delay", Default: "1", Strict: true, Shortdesc: "How many seconds to wait after sending term/kill signals to processes in stop-action",
		Check: func(v string) error { _, err := mount.ParseSignalDelay(v); return err },
		Longdesc: `Seconds (a decimal number) between two rounds of signals to a process that still
keeps the mount busy. umount is retried as soon as the signalled processes are gone.`},
}
