package mount

import (
	"encoding/binary"
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The one mount at a directory, asked of the kernel without reading the
// mount table: statx(2) names the mount a path lands on (STATX_MNT_ID,
// Linux 5.8) and says whether the path is that mount's root
// (STATX_ATTR_MOUNT_ROOT); statmount(2) (Linux 6.8) describes one mount
// by its id. /proc/self/mountinfo costs the kernel time for every mount
// of the namespace, so on a host with thousands of them (a Kubernetes
// node, a container host) reading it was most of a monitor.

// dirStat is what statx tells of a directory without asking its
// filesystem.
type dirStat struct {
	mountID   uint64
	unique    bool // mountID is the 64-bit id statmount takes
	mountRoot bool
	dev       uint64 // the filesystem's device number (st_dev)
}

// errNoMountRoot is returned by statDir on kernels whose statx cannot
// tell a mount root (before 5.8).
var errNoMountRoot = errors.New("statx does not report mount roots")

// statDir stats path itself (not a symbolic link's target), with
// AT_STATX_DONT_SYNC and no attribute the filesystem keeps: the mount,
// the mount-root flag and the device number are the VFS's, so a network
// filesystem is not asked anything. Automounts are not triggered.
func statDir(path string) (dirStat, error) {
	var sx unix.Statx_t
	flags := unix.AT_SYMLINK_NOFOLLOW | unix.AT_STATX_DONT_SYNC | unix.AT_NO_AUTOMOUNT
	err := unix.Statx(unix.AT_FDCWD, path, flags, unix.STATX_TYPE|unix.STATX_MNT_ID_UNIQUE, &sx)
	if err != nil {
		return dirStat{}, err
	}
	if sx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return dirStat{}, errNoMountRoot
	}
	return dirStat{
		mountID:   sx.Mnt_id,
		unique:    sx.Mask&unix.STATX_MNT_ID_UNIQUE != 0,
		mountRoot: sx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0,
		dev:       unix.Mkdev(sx.Dev_major, sx.Dev_minor),
	}, nil
}

// statmount(2) request and answer, from include/uapi/linux/mount.h (the
// struct grew by appending; fields a kernel does not know stay zero and
// out of the returned mask).
const (
	statmountSBBasic   = 0x1
	statmountMntBasic  = 0x2
	statmountMntRoot   = 0x8
	statmountMntPoint  = 0x10
	statmountFSType    = 0x20
	statmountFSSubtype = 0x100
	statmountSBSource  = 0x200

	// Offsets in struct statmount.
	smMask        = 8
	smDevMajor    = 16
	smDevMinor    = 20
	smFSType      = 36
	smMntIDOld    = 56
	smParentIDOld = 60
	smMntRoot     = 104
	smMntPoint    = 108
	smFSSubtype   = 120
	smSBSource    = 124
	smStrings     = 512 // char str[]: the strings, at the offsets above
)

type mntIDReq struct {
	size  uint32
	spare uint32
	id    uint64
	param uint64
}

// mounted is a mount as statmount describes it, with what it could say.
type mounted struct {
	e Entry
	// source: Source is known (STATMOUNT_SB_SOURCE, later than 6.8).
	source bool
	// subtype: the kernel reported the subtype (fuse.sshfs), which is
	// part of FSType then.
	subtype bool
}

// errNoStatmount is returned on kernels without statmount (before 6.8).
var errNoStatmount = errors.New("statmount is not available")

// statMount describes the mount with the given unique id.
func statMount(id uint64) (mounted, error) {
	want := uint64(statmountSBBasic | statmountMntBasic | statmountMntRoot | statmountMntPoint |
		statmountFSType | statmountFSSubtype | statmountSBSource)
	buf, err := statmountCall(id, want)
	if errors.Is(err, unix.EINVAL) {
		// A kernel that refuses flags it does not know (the first
		// ones knew neither subtype nor source).
		want &^= statmountFSSubtype | statmountSBSource
		buf, err = statmountCall(id, want)
	}
	if err != nil {
		return mounted{}, err
	}
	ne := binary.NativeEndian
	got := ne.Uint64(buf[smMask:])
	need := uint64(statmountSBBasic | statmountMntBasic | statmountMntRoot | statmountMntPoint | statmountFSType)
	if got&need != need {
		return mounted{}, errNoStatmount
	}
	str := func(off int) string {
		o := int(ne.Uint32(buf[off:])) + smStrings
		if o >= len(buf) {
			return ""
		}
		s := buf[o:]
		for i, c := range s {
			if c == 0 {
				return string(s[:i])
			}
		}
		return ""
	}
	m := mounted{e: Entry{
		ID:         int(ne.Uint32(buf[smMntIDOld:])),
		Parent:     int(ne.Uint32(buf[smParentIDOld:])),
		Major:      int(ne.Uint32(buf[smDevMajor:])),
		Minor:      int(ne.Uint32(buf[smDevMinor:])),
		Root:       str(smMntRoot),
		Mountpoint: str(smMntPoint),
		FSType:     str(smFSType),
	}}
	if got&statmountSBSource != 0 {
		m.e.Source, m.source = str(smSBSource), true
	}
	// A kernel that knows no subtype, or has none to report, leaves
	// the flag out: the caller cannot tell fuse.sshfs from fuse then.
	if got&statmountFSSubtype != 0 {
		if sub := str(smFSSubtype); sub != "" {
			m.e.FSType += "." + sub
		}
		m.subtype = true
	}
	return m, nil
}

// statmountCall runs statmount(2), growing the buffer while the strings
// do not fit.
func statmountCall(id, mask uint64) ([]byte, error) {
	req := mntIDReq{size: uint32(unsafe.Sizeof(mntIDReq{})), id: id, param: mask}
	for size := 4096; size <= 1<<20; size *= 4 {
		buf := make([]byte, size)
		_, _, errno := unix.Syscall6(unix.SYS_STATMOUNT, uintptr(unsafe.Pointer(&req)),
			uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
		switch errno {
		case 0:
			return buf, nil
		case unix.EOVERFLOW:
			continue
		case unix.ENOSYS:
			return nil, errNoStatmount
		}
		return nil, errno
	}
	return nil, unix.EOVERFLOW
}
