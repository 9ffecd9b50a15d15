package mount

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// FS is one configured filesystem: what is mounted where.
type FS struct {
	Device  Device
	Dir     string // canonical mount point (see Canonical)
	FSType  string
	Options string
}

// Found is what the mount table says about an FS.
type Found struct {
	// Mine is the mount of this FS at Dir, nil when it is not mounted.
	Mine *Entry
	// Other is a different filesystem mounted at Dir.
	Other *Entry
	// Unverified is set when a mount is at Dir but which device it is could
	// not be checked without forking (a tag no udev link and no superblock
	// reader knows); Mine is set then, as the anchor would.
	Unverified bool
}

// Find looks the FS up in the table. With allowFork false it forks nothing
// (monitor); otherwise blkid may resolve a tag.
func (f FS) Find(ctx context.Context, t Table, allowFork bool) Found {
	e := t.At(f.Dir)
	if e == nil {
		return Found{}
	}
	switch ok, known := f.matches(ctx, t, e, allowFork); {
	case !known:
		return Found{Mine: e, Unverified: true}
	case ok:
		return Found{Mine: e}
	}
	return Found{Other: e}
}

// matches reports whether entry e is a mount of this FS's device.
// Nothing here looks at the mount point or inside the mount: the table,
// /dev, sysfs and the device's superblock say all there is to know, and
// a dead NFS server cannot hang them.
func (f FS) matches(ctx context.Context, t Table, e *Entry, allowFork bool) (ok, known bool) {
	d := f.Device
	switch d.Kind {
	case KindPath:
		p := strings.TrimSpace(d.Raw)
		if st, err := os.Stat(p); err == nil {
			if st.IsDir() {
				return bindMatches(t, p, e), true
			}
			return sameBlockDev(p, e), true
		}
		return cleanSource(e.Source) == cleanSource(p), true
	case KindTag:
		if p, err := d.Resolve(ctx, false); err == nil {
			return sameBlockDev(p, e), true
		}
		if dev := entryDevice(e); dev != "" {
			if id, ok := probeIdent(dev); ok {
				if m, known := d.matchesTag(id); known {
					return m, true
				}
			}
		}
		if allowFork {
			p, err := d.Resolve(ctx, true)
			switch {
			case err == nil:
				return sameBlockDev(p, e), true
			case errors.Is(err, ErrNotFound):
				return false, true // blkid looked at every device
			}
		}
		// Without positive evidence either way, a stop must still unmount.
		return false, false
	case KindDir:
		return bindMatches(t, strings.TrimSpace(d.Raw), e), true
	case KindLoop:
		src, err := CanonicalIn(t, strings.TrimSpace(d.Raw))
		if err != nil {
			return false, true
		}
		return loopBacking(e.Major, e.Minor) == src, true
	}
	if d.Kind == KindUnknown {
		return false, false
	}
	return cleanSource(e.Source) == cleanSource(d.Raw) && sameType(f.FSType, e.FSType), true
}

// Elsewhere returns the other mounts of this FS's block device: the bind
// mounts users made of it, or a mount of the device at another directory.
func (f FS) Elsewhere(ctx context.Context, t Table, allowFork bool) []*Entry {
	if !f.Device.IsBlock() {
		return nil
	}
	p, err := f.Device.Resolve(ctx, allowFork)
	if err != nil {
		return nil
	}
	var out []*Entry
	for _, e := range t {
		if e.Mountpoint != f.Dir && !isUnder(e.Mountpoint, f.Dir) && sameBlockDev(p, e) {
			out = append(out, e)
		}
	}
	return out
}

// sameBlockDev reports whether entry e is a mount of the block device at
// path. The entry's device number is the filesystem's, which for btrfs is
// an anonymous one, so the recorded source is compared too.
func sameBlockDev(path string, e *Entry) bool {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFBLK {
		return false
	}
	maj, min := devOf(st.Rdev)
	if e.Major == maj && e.Minor == min {
		return true
	}
	// Only a source in /dev is looked at: any other path could lie on a
	// filesystem that no longer answers.
	var src syscall.Stat_t
	if strings.HasPrefix(e.Source, "/dev/") && syscall.Stat(e.Source, &src) == nil && src.Mode&syscall.S_IFMT == syscall.S_IFBLK {
		return src.Rdev == st.Rdev
	}
	return false
}

// bindMatches compares a bind mount with its source directory through
// the table alone: the mount shows the device of the filesystem that
// holds the source and the source's path inside that filesystem. The
// configured path is tried as written first, so that a source without
// symbolic links is never looked at.
func bindMatches(t Table, src string, e *Entry) bool {
	src = filepath.Clean(src)
	if bindOf(t, src, e) {
		return true
	}
	canon, err := CanonicalIn(t, src)
	return err == nil && canon != src && bindOf(t, canon, e)
}

// bindOf reports whether e shows the directory src (canonical) of the
// filesystem mounted at or above it.
func bindOf(t Table, src string, e *Entry) bool {
	for p := src; ; p = filepath.Dir(p) {
		if s := t.At(p); s != nil && s != e {
			rel := strings.TrimPrefix(strings.TrimPrefix(src, p), "/")
			return e.Major == s.Major && e.Minor == s.Minor && e.Root == filepath.Join(s.Root, rel)
		}
		if p == "/" {
			return false
		}
	}
}

// entryDevice is the /dev path of the device an entry is mounted from.
func entryDevice(e *Entry) string {
	if strings.HasPrefix(e.Source, "/dev/") {
		return e.Source
	}
	return DevName(e.Major, e.Minor)
}

// loopBacking is the file behind loop device maj:min, or "".
func loopBacking(maj, min int) string {
	b, err := os.ReadFile(filepathJoinSys(maj, min, "loop/backing_file"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func filepathJoinSys(maj, min int, rest string) string {
	return filepath.Join("/sys/dev/block", strconv.Itoa(maj)+":"+strconv.Itoa(min), rest)
}

// cleanSource drops trailing slashes so that host:/export/ and
// host:/export compare equal.
func cleanSource(s string) string {
	s = strings.TrimSpace(s)
	for len(s) > 1 && strings.HasSuffix(s, "/") && !strings.HasSuffix(s, ":/") {
		s = s[:len(s)-1]
	}
	return s
}

// sameType compares a configured fstype with a mounted one; an empty,
// "none" or "auto" fstype accepts anything, and nfs accepts nfs4.
func sameType(want, got string) bool {
	switch want {
	case "", "none", "auto":
		return true
	}
	if want == got {
		return true
	}
	if strings.HasPrefix(want, "nfs") && strings.HasPrefix(got, "nfs") {
		return true
	}
	return kernelName(want) == kernelName(got) || strings.HasPrefix(got, want+".")
}
