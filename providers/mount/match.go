package mount

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
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

// verdict is what can be said about one mount and a configured FS.
type verdict int

const (
	// unrelated: positive evidence of another filesystem (another type,
	// another source, or this FS's device found and being another one).
	unrelated verdict = iota
	// ours: the mount is this FS's device.
	ours
	// missing: this FS's device cannot be found any more (a /dev/disk
	// link gone, a tag that no device carries now), so the mount cannot
	// be compared with it.
	missing
	// unknown: the device exists but which one is mounted cannot be
	// checked here (no superblock reader, no fork allowed).
	unknown
)

// Find looks the FS up in the table: the monitor's and start's view,
// which only counts the mount visible at Dir and only when it is this
// FS. With allowFork false it forks nothing (monitor); otherwise blkid
// may resolve a tag.
func (f FS) Find(ctx context.Context, t Table, allowFork bool) Found {
	e := t.At(f.Dir)
	if e == nil {
		return Found{}
	}
	switch f.judge(ctx, t, e, allowFork) {
	case ours:
		return Found{Mine: e}
	case unknown:
		return Found{Mine: e, Unverified: true}
	}
	return Found{Other: e}
}

// MaybeMine reports whether the mount e may be this FS, for a stop: a
// stop that leaves this FS mounted lets the cluster mount the shared
// device on another node too, so only positive evidence of another
// filesystem counts as "not ours".
func (f FS) MaybeMine(ctx context.Context, t Table, e *Entry) bool {
	return sameFamily(f.FSType, e.FSType) && f.judge(ctx, t, e, true) != unrelated
}

// sameFamily is sameType, with the ext2/3/4 driver names taken as one.
func sameFamily(want, got string) bool {
	ext := func(s string) bool { return s == "ext2" || s == "ext3" || s == "ext4" }
	return sameType(want, got) || ext(want) && ext(got)
}

// StopPlan lists what a stop unmounts, in order. Every mount stacked on
// Dir goes, topmost first, down to the lowest one that may be this FS;
// each one's submounts go before it, deepest first, and the other mounts
// of this FS's device (bind mounts users made of it) before the FS
// itself. Mounts at Dir below the lowest candidate, and a Dir where
// nothing may be this FS, are left alone. Nil means nothing to stop.
func (f FS) StopPlan(ctx context.Context, t Table) []*Entry {
	stack := t.Stack(f.Dir)
	low := -1
	mine := map[int]bool{}
	for i, e := range stack {
		if f.MaybeMine(ctx, t, e) {
			mine[e.ID] = true
			if low < 0 {
				low = i
			}
		}
	}
	if low < 0 {
		return nil
	}
	var plan []*Entry
	done := map[int]bool{}
	add := func(e *Entry) {
		if !done[e.ID] {
			done[e.ID] = true
			plan = append(plan, e)
		}
	}
	for i := len(stack) - 1; i >= low; i-- {
		layer := stack[i]
		if done[layer.ID] {
			continue
		}
		for _, d := range t.Descendants(layer) {
			add(d)
		}
		if mine[layer.ID] {
			for _, x := range f.bindsOf(ctx, t, layer) {
				add(x)
			}
		}
		add(layer)
	}
	return plan
}

// bindsOf is Elsewhere, plus the other mounts of the block device layer
// is mounted from when the configured device cannot be resolved any more.
func (f FS) bindsOf(ctx context.Context, t Table, layer *Entry) []*Entry {
	out := f.Elsewhere(ctx, t, true)
	if !f.Device.IsBlock() || layer.Major == 0 {
		return out
	}
	for _, e := range t {
		if e != layer && e.Major == layer.Major && e.Minor == layer.Minor &&
			e.Mountpoint != f.Dir && !isUnder(e.Mountpoint, f.Dir) && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// judge compares the mount e with this FS. Nothing here looks at the
// mount point or inside the mount: the table, /dev, sysfs and the
// device's superblock say all there is to know.
func (f FS) judge(ctx context.Context, t Table, e *Entry, allowFork bool) verdict {
	d := f.Device
	switch d.Kind {
	case KindPath:
		p := strings.TrimSpace(d.Raw)
		st, err := os.Stat(p)
		switch {
		case err != nil:
			if cleanSource(e.Source) == cleanSource(p) {
				return ours
			}
			return missing
		case st.IsDir():
			return bindVerdict(t, p, e)
		case st.Mode().IsRegular():
			return loopVerdict(t, p, e)
		}
		return yes(sameBlockDev(p, e))
	case KindTag:
		if p, err := d.Resolve(ctx, false); err == nil {
			return yes(sameBlockDev(p, e))
		}
		dev := entryDevice(e)
		if dev == "" && e.Major == 0 {
			return unrelated // tmpfs, a network share: no block device carries a tag
		}
		if dev != "" {
			if id, ok := probeIdent(dev); ok {
				if m, known := d.matchesTag(id); known && (m || !allowFork) {
					if m {
						return ours
					}
					return missing
				}
			}
		}
		if allowFork {
			p, err := d.Resolve(ctx, true)
			switch {
			case err == nil:
				return yes(sameBlockDev(p, e))
			case errors.Is(err, ErrNotFound):
				return missing // blkid looked at every device
			}
		}
		return unknown
	case KindDir:
		return bindVerdict(t, strings.TrimSpace(d.Raw), e)
	case KindLoop:
		return loopVerdict(t, strings.TrimSpace(d.Raw), e)
	case KindUnknown:
		return unknown
	}
	return yes(cleanSource(e.Source) == cleanSource(d.Raw) && sameType(f.FSType, e.FSType))
}

func yes(b bool) verdict {
	if b {
		return ours
	}
	return unrelated
}

// bindVerdict compares a bind mount with its source directory through
// the table alone: the mount shows the device of the filesystem that
// holds the source and the source's path inside that filesystem. The
// configured path is tried as written first, so that a source without
// symbolic links is never looked at.
func bindVerdict(t Table, src string, e *Entry) verdict {
	src = filepath.Clean(src)
	if bindOf(t, src, e) {
		return ours
	}
	canon, err := CanonicalIn(t, src)
	if err != nil {
		return missing
	}
	return yes(canon != src && bindOf(t, canon, e))
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

// loopVerdict compares a loop mount with its image file through sysfs.
func loopVerdict(t Table, image string, e *Entry) verdict {
	src, err := CanonicalIn(t, image)
	if err != nil {
		return missing
	}
	return yes(loopBacking(e.Major, e.Minor) == src)
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

// MountsOf returns every mount of this FS's block device, wherever it is
// (its Dir is not looked at): a stop that cannot read its directory finds
// the mount point this way, as the anchor does.
func (f FS) MountsOf(ctx context.Context, t Table, allowFork bool) []*Entry {
	if !f.Device.IsBlock() {
		return nil
	}
	p, err := f.Device.Resolve(ctx, allowFork)
	if err != nil {
		return nil
	}
	var out []*Entry
	for _, e := range t {
		if sameBlockDev(p, e) {
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
