package mount

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// Via says how Lookup found its answer.
type Via int

// The ways Lookup answers, cheapest first.
const (
	// ViaStatmount: statx of the directory and statmount(2) of the one
	// mount there (Linux 6.8 and later; the source, which all but block
	// devices need, only in later kernels).
	ViaStatmount Via = iota + 1
	// ViaStat: statx of the directory, a mount root whose device number
	// is the configured block device's.
	ViaStat
	// ViaTable: the whole mount table, as Find.
	ViaTable
)

func (v Via) String() string {
	switch v {
	case ViaStatmount:
		return "statmount"
	case ViaStat:
		return "stat"
	case ViaTable:
		return "the mount table"
	}
	return fmt.Sprintf("Via(%d)", int(v))
}

// Lookup is Find for the monitor: the same answer, forking nothing, but
// found without reading the mount table where the kernel can describe
// the one mount at Dir, so that its cost does not grow with the number
// of unrelated mounts. The table is read only where neither statmount nor
// the device number can answer: nothing mounted at Dir (the table then
// confirms it, so that a mount hidden under another is still seen as
// Find sees it); without statmount, a bind or loop mount or a btrfs
// subvolume; a source other than a block device when statmount gives no
// source; a kernel before 5.8; a path whose statx does not answer in
// time.
func (f FS) Lookup(ctx context.Context) (Found, Via, error) {
	if found, via, ok := f.lookupOne(ctx); ok {
		return found, via, nil
	}
	t, err := ReadTable()
	if err != nil {
		return Found{}, ViaTable, err
	}
	return f.Find(ctx, t, false), ViaTable, nil
}

// Tests turn the kernel's features off to exercise every way, and make
// statx hang as on a network filesystem whose server is gone.
var (
	noStatmount bool
	noStatx     bool
	hangStatx   chan struct{}
)

func (f FS) lookupOne(ctx context.Context) (Found, Via, bool) {
	if noStatx {
		return Found{}, 0, false
	}
	how, raw := f.how()
	type answer struct {
		st  dirStat
		err error
	}
	hang := hangStatx
	a, ok := bounded(ctx, func() answer {
		if hang != nil {
			<-hang
		}
		st, err := statDir(f.Dir)
		return answer{st, err}
	})
	if !ok || a.err != nil || !a.st.mountRoot {
		return Found{}, 0, false
	}
	if a.st.unique && !noStatmount {
		m, err := statMount(a.st.mountID)
		switch {
		case errors.Is(err, errNoStatmount):
		case err != nil:
			return Found{}, 0, false
		case m.e.Mountpoint != f.Dir:
			return Found{}, 0, false // not the path the table lists
		case !m.subtype && (m.e.FSType == "fuse" || m.e.FSType == "fuseblk"):
			return Found{}, 0, false // fuse.sshfs, but the kernel did not say
		case m.source || how != byJudge:
			e := &m.e
			v, ok := f.judgeOne(ctx, how, raw, e)
			switch {
			case !ok:
				return Found{}, 0, false
			case v == ours:
				return Found{Mine: e}, ViaStatmount, true
			case v == unknown:
				return Found{Mine: e, Unverified: true}, ViaStatmount, true
			}
			return Found{Other: e}, ViaStatmount, true
		}
	}
	if how != byJudge {
		return Found{}, 0, false
	}
	return f.byDevice(ctx, a.st)
}

// judging is how a mount is compared with this FS without the table.
type judging int

const (
	byJudge judging = iota // judge needs no table for this device
	byBind                 // a bind mount of the directory raw
	byLoop                 // a loop mount of the image file raw
)

// how tells how judge compares a mount with this FS, and the path it
// compares with for a bind or loop mount (judge reads the table then).
func (f FS) how() (judging, string) {
	raw := strings.TrimSpace(f.Device.Raw)
	switch f.Device.Kind {
	case KindDir:
		return byBind, raw
	case KindLoop:
		return byLoop, raw
	case KindPath:
		if st, err := os.Stat(raw); err == nil {
			switch {
			case st.IsDir():
				return byBind, raw
			case st.Mode().IsRegular():
				return byLoop, raw
			}
		}
	}
	return byJudge, raw
}

// judgeOne is judge without the table; ok is false where only the
// table can tell.
func (f FS) judgeOne(ctx context.Context, how judging, raw string, e *Entry) (verdict, bool) {
	switch how {
	case byBind:
		return bindOne(ctx, raw, e)
	case byLoop:
		canon, ok := canonicalOne(ctx, raw)
		if !ok {
			return 0, false
		}
		return yes(loopBacking(e.Major, e.Minor) == canon), true
	}
	return f.judge(ctx, nil, e, false), true
}

// canonicalOne resolves path with statx (see CanonicalLookup); ok is
// false when that fails or does not answer in time.
func canonicalOne(ctx context.Context, path string) (string, bool) {
	type answer struct {
		p   string
		err error
	}
	a, ok := bounded(ctx, func() answer {
		p, err := resolve(statxFS, nil, path)
		return answer{p, err}
	})
	return a.p, ok && a.err == nil
}

// bindOne is bindVerdict with the mount that holds the source found by
// statx and statmount instead of in the table: e shows src when it is
// that mount's filesystem and its root is src's path in it.
func bindOne(ctx context.Context, src string, e *Entry) (verdict, bool) {
	src = filepath.Clean(src)
	canon, ok := canonicalOne(ctx, src)
	if !ok {
		return 0, false
	}
	type answer struct {
		st  dirStat
		err error
	}
	a, ok := bounded(ctx, func() answer {
		st, err := statDir(canon)
		return answer{st, err}
	})
	if !ok || a.err != nil || !a.st.unique {
		return 0, false
	}
	s, err := statMount(a.st.mountID)
	if err != nil || s.e.ID == e.ID {
		return 0, false // e itself holds the source: the table skips it
	}
	var rel string
	switch {
	case canon == s.e.Mountpoint:
	case s.e.Mountpoint == "/":
		rel = strings.TrimPrefix(canon, "/")
	case strings.HasPrefix(canon, s.e.Mountpoint+"/"):
		rel = canon[len(s.e.Mountpoint)+1:]
	default:
		return 0, false
	}
	if e.Major == s.e.Major && e.Minor == s.e.Minor && e.Root == filepath.Join(s.e.Root, rel) {
		return ours, true
	}
	if canon != src {
		return 0, false // the table tries the path as written too
	}
	return unrelated, true
}

// byDevice answers for a block device from the device number alone: the
// mount visible at Dir is this FS when its filesystem's device (named in
// sysfs) is the configured device, as judge finds it in the table. Any
// other answer (another device, or btrfs, whose device number is an
// anonymous one) is left to the table.
func (f FS) byDevice(ctx context.Context, st dirStat) (Found, Via, bool) {
	if !f.Device.IsBlock() {
		return Found{}, 0, false
	}
	maj, min := devOf(st.dev)
	e := &Entry{Mountpoint: f.Dir, Major: maj, Minor: min, Source: DevName(maj, min)}
	if e.Source == "" || f.judge(ctx, nil, e, false) != ours {
		return Found{}, 0, false
	}
	return Found{Mine: e}, ViaStat, true
}

// lookupLimit bounds a statx that the table could answer instead. statx
// with AT_STATX_DONT_SYNC does not ask a filesystem for the attributes
// asked here, but walking to a directory inside a network filesystem may
// revalidate its entries there; a server that does not answer then makes
// the lookup fall back to the table instead of hanging the monitor.
var lookupLimit = time.Second

// bounded runs f in the background and gives up after lookupLimit or
// when ctx ends; the abandoned call ends with the process.
func bounded[T any](ctx context.Context, f func() T) (T, bool) {
	ch := make(chan T, 1)
	go func() { ch <- f() }()
	t := time.NewTimer(lookupLimit)
	defer t.Stop()
	select {
	case v := <-ch:
		return v, true
	case <-t.C:
	case <-ctx.Done():
	}
	var zero T
	return zero, false
}

// CanonicalLookup is Canonical without the mount table: the walk looks at
// each component with statx, AT_STATX_DONT_SYNC and no attribute a
// filesystem keeps (only whether it is a symbolic link), so that no
// filesystem, mounted there or not, is asked anything. A walk that does
// not finish in time (see lookupLimit) is done again as Canonical does.
func CanonicalLookup(ctx context.Context, dir string) (string, error) {
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("%q: %w", dir, ErrRelative)
	}
	type answer struct {
		p   string
		err error
	}
	if noStatx {
		return Canonical(dir)
	}
	hang := hangStatx
	a, ok := bounded(ctx, func() answer {
		if hang != nil {
			<-hang
		}
		p, err := resolve(statxFS, nil, dir)
		return answer{p, err}
	})
	if !ok {
		return Canonical(dir)
	}
	return a.p, a.err
}

var statxFS = lookup{lstat: statxLstat, readlink: os.Readlink}

// statxLstat is lstat that asks only for the file type.
func statxLstat(path string) (fs.FileInfo, error) {
	var sx unix.Statx_t
	flags := unix.AT_SYMLINK_NOFOLLOW | unix.AT_STATX_DONT_SYNC | unix.AT_NO_AUTOMOUNT
	if err := unix.Statx(unix.AT_FDCWD, path, flags, unix.STATX_TYPE, &sx); err != nil {
		return nil, &fs.PathError{Op: "statx", Path: path, Err: err}
	}
	return typeInfo{path, fs.FileMode(0)}.with(uint32(sx.Mode)), nil
}

// typeInfo is a FileInfo that knows the file's type only.
type typeInfo struct {
	name string
	mode fs.FileMode
}

func (t typeInfo) with(mode uint32) typeInfo {
	switch mode & unix.S_IFMT {
	case unix.S_IFLNK:
		t.mode = fs.ModeSymlink
	case unix.S_IFDIR:
		t.mode = fs.ModeDir
	}
	return t
}

func (t typeInfo) Name() string       { return filepath.Base(t.name) }
func (t typeInfo) Size() int64        { return 0 }
func (t typeInfo) Mode() fs.FileMode  { return t.mode }
func (t typeInfo) ModTime() time.Time { return time.Time{} }
func (t typeInfo) IsDir() bool        { return t.mode.IsDir() }
func (t typeInfo) Sys() any           { return nil }
