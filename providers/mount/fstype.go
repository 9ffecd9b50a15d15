package mount

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// The anchor's lists, kept so that a switch of provider changes nothing.

// network filesystems: no block device, no fsck, `umount -f` on stop.
var networkTypes = set("nfs", "nfs4", "aznfs", "efs", "cifs", "smbfs")

// filesystems that never sit on a local block device of their own.
var noBlockTypes = set("nfs4", "nfs", "aznfs", "efs", "smbfs", "cifs", "none", "glusterfs",
	"ceph", "tmpfs", "overlay", "overlayfs", "rozofs", "zfs", "cvfs", "lustre")

// filesystems that need no fsck before mount under run_fsck=auto
// (journalled, network or virtual).
var noFsckTypes = set("ext4", "ext4dev", "ext3", "reiserfs", "reiser4", "nss", "xfs",
	"jfs", "vfat", "fat", "nfs4", "nfs", "aznfs", "efs", "cifs", "smbfs", "ocfs2", "gfs2", "none",
	"lustre", "glusterfs", "ceph", "tmpfs", "overlay", "overlayfs", "rozofs", "zfs", "cvfs")

// filesystems that several nodes may mount at once.
var sharedTypes = set("nfs4", "nfs", "aznfs", "efs", "smbfs", "cifs", "none", "gfs2", "glusterfs",
	"ceph", "ocfs2", "overlay", "overlayfs", "tmpfs", "cvfs", "lustre")

// filesystems whose mount needs the network (or a cluster stack that
// does) at shutdown: the newest anchor orders Pacemaker after
// remote-fs.target for them, and for the local types it lets run as clones
// (force_clones), which are typically glusterfs bricks.
var remoteTypes = set("nfs4", "nfs", "aznfs", "efs", "smbfs", "cifs", "gfs2", "glusterfs",
	"ceph", "ocfs2", "cvfs", "lustre")
var forcedCloneTypes = set("ext4", "ext4dev", "ext3", "reiserfs", "reiser4", "xfs", "jfs")

// NeedsRemoteFS reports whether the newest anchor writes its
// After=remote-fs.target drop-in at start for fstype.
func NeedsRemoteFS(fstype string, forceClones bool) bool {
	return remoteTypes[fstype] || forceClones && forcedCloneTypes[fstype]
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// IsNetwork reports whether fstype is a network filesystem.
func IsNetwork(fstype string) bool { return networkTypes[fstype] }

// NoBlockDevice reports whether fstype never lives on a local block device.
func NoBlockDevice(fstype string) bool { return noBlockTypes[fstype] }

// FsckPolicy is the run_fsck parameter.
type FsckPolicy string

// The run_fsck values.
const (
	FsckAuto  FsckPolicy = "auto"
	FsckForce FsckPolicy = "force"
	FsckNo    FsckPolicy = "no"
)

// ParseFsckPolicy accepts auto, force and no ("" is auto).
func ParseFsckPolicy(s string) (FsckPolicy, error) {
	switch FsckPolicy(s) {
	case "", FsckAuto:
		return FsckAuto, nil
	case FsckForce, FsckNo:
		return FsckPolicy(s), nil
	}
	return "", fmt.Errorf("run_fsck must be auto, force or no, not %q", s)
}

// NeedsFsck decides whether a block-device filesystem of fstype is checked
// before mounting. Callers never ask for bind, tmpfs or network mounts.
func (p FsckPolicy) NeedsFsck(fstype string) bool {
	switch p {
	case FsckForce:
		return true
	case FsckNo:
		return false
	}
	return !noFsckTypes[fstype]
}

// CloneSafety says whether a filesystem may run as a clone.
type CloneSafety int

// The answers of CloneSafe.
const (
	CloneUnsafe      CloneSafety = iota // refuse to run as a clone
	CloneShared                         // designed to be mounted on several nodes
	CloneAllowedRisk                    // allowed: read-only or force_clones
)

// CloneSafe classifies fstype for a clone, as the anchor does.
func CloneSafe(fstype string, readOnly, forceClones bool) CloneSafety {
	switch {
	case sharedTypes[fstype]:
		return CloneShared
	case forceClones || readOnly:
		return CloneAllowedRisk
	}
	return CloneUnsafe
}

// kernelName maps an fstype to the name the kernel registers for it.
func kernelName(fstype string) string {
	switch {
	case strings.HasPrefix(fstype, "fuse."), fstype == "glusterfs", fstype == "rozofs":
		return "fuse"
	case fstype == "efs", fstype == "aznfs":
		return "nfs4"
	}
	return fstype
}

// Known reports whether this machine can mount fstype without loading
// anything: the kernel lists it in /proc/filesystems, a module for it is
// installed, or a mount helper /sbin/mount.<fstype> exists. It forks nothing.
func Known(fstype string) bool {
	if fstype == "" || fstype == "none" || fstype == "auto" {
		return true
	}
	k := kernelName(fstype)
	if inProcFilesystems(k) {
		return true
	}
	for _, dir := range []string{"/sbin", "/usr/sbin"} {
		if _, err := os.Stat(dir + "/mount." + fstype); err == nil {
			return true
		}
	}
	return moduleInstalled(k)
}

func inProcFilesystems(name string) bool {
	f, err := os.Open("/proc/filesystems")
	if err != nil {
		return false
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) > 0 && fields[len(fields)-1] == name {
			return true
		}
	}
	return false
}

func moduleInstalled(name string) bool {
	rel := kernelRelease()
	if rel == "" {
		return false
	}
	base := "/lib/modules/" + rel + "/"
	for _, list := range []string{"modules.dep", "modules.builtin"} {
		f, err := os.Open(base + list)
		if err != nil {
			continue
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			path, _, _ := strings.Cut(s.Text(), ":")
			file := path[strings.LastIndexByte(path, '/')+1:]
			if mod, _, ok := strings.Cut(file, ".ko"); ok && strings.ReplaceAll(mod, "-", "_") == strings.ReplaceAll(name, "-", "_") {
				f.Close()
				return true
			}
		}
		f.Close()
	}
	return false
}

// Load makes the kernel support fstype, running modprobe when it is not
// listed yet. Start calls it; validate-all and monitor only call Known.
func Load(ctx context.Context, fstype string) error {
	if fstype == "" || fstype == "none" || fstype == "auto" {
		return nil
	}
	k := kernelName(fstype)
	if inProcFilesystems(k) {
		return nil
	}
	out, err := exec.CommandContext(ctx, "modprobe", "--", k).CombinedOutput()
	if err == nil && inProcFilesystems(k) {
		return nil
	}
	if Known(fstype) {
		// A mount helper (mount.<fstype>) does its own loading.
		return nil
	}
	msg := strings.TrimSpace(string(out))
	if msg == "" && err != nil {
		msg = err.Error()
	}
	return fmt.Errorf("filesystem type %s is not supported by this kernel and its module cannot be loaded: %s", fstype, msg)
}
