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
		Check: func(v string) error { _, err := mount.ParseForce(v); return err },
		Longdesc: `What to do with processes that keep the mount busy on stop:
"true": signal them (TERM, then KILL), "safe": the same (ocfkit scans /proc instead
of running fuser, and a scan blocked by an unresponsive NFS server is abandoned at
the deadline, which is what safe is for in the anchor),
"false": signal nothing; the stop fails if the mount stays busy.`},
}
