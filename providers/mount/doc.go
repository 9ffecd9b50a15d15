// Package mount drives local and network mounts for the Filesystem agent:
// the mount table read from /proc/self/mountinfo, the identity of a
// configured device (path, UUID, LABEL, bind source, tmpfs or network
// share), mount(8) and umount(8), fsck, the processes that hold a mount,
// and the bounded TERM-then-KILL unmount that frees a busy mount.
//
// Nothing here logs: functions return errors whose text is fit for an
// ocf-exit-reason line, and long operations take a context whose deadline
// is the action's deadline. Reading the table and matching a mount fork
// nothing; mount, umount, fsck and blkid are forked only where they are the
// interface users expect.
//
// Resolving a directory, matching a mount and planning a stop never look
// at the mount point or inside the mount (on a dead NFS server that
// hangs): the table, /dev, sysfs and superblocks read from the device
// tell all of it. The holder scan, which has to follow /proc links, runs
// in the background under the deadline.
package mount
