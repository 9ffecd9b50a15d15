package mount

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"
)

// Entry is one line of the mount table.
type Entry = mountinfo.Info

// Table is the mount table of this process's mount namespace, in the
// kernel's order (a mount stacked on another comes after it).
type Table []*Entry

// ReadTable reads /proc/self/mountinfo. It forks nothing.
func ReadTable() (Table, error) {
	t, err := mountinfo.GetMounts(nil)
	if err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	return t, nil
}

// ParseTable reads a table in /proc/<pid>/mountinfo format.
func ParseTable(r io.Reader) (Table, error) {
	return mountinfo.GetMountsFromReader(r, nil)
}

// At returns the mount visible at dir (the topmost of stacked mounts), or
// nil. dir must be canonical (see Canonical).
func (t Table) At(dir string) *Entry {
	for i := len(t) - 1; i >= 0; i-- {
		if t[i].Mountpoint == dir {
			return t[i]
		}
	}
	return nil
}

// Under returns the mounts strictly below dir, deepest first, so that
// unmounting them in order never meets a busy parent.
func (t Table) Under(dir string) []*Entry {
	prefix := dir + "/"
	if dir == "/" {
		prefix = "/"
	}
	type ranked struct {
		e     *Entry
		depth int
		pos   int
	}
	var r []ranked
	for i, e := range t {
		if e.Mountpoint != dir && strings.HasPrefix(e.Mountpoint, prefix) {
			r = append(r, ranked{e, strings.Count(e.Mountpoint, "/"), i})
		}
	}
	sort.SliceStable(r, func(i, j int) bool {
		if r[i].depth != r[j].depth {
			return r[i].depth > r[j].depth
		}
		return r[i].pos > r[j].pos
	})
	out := make([]*Entry, len(r))
	for i := range r {
		out[i] = r[i].e
	}
	return out
}

// Stack returns every mount at dir, bottom first: a mount made on top of
// another has it as its parent. dir must be canonical.
func (t Table) Stack(dir string) []*Entry {
	var at []*Entry
	ids := map[int]bool{}
	for _, e := range t {
		if e.Mountpoint == dir {
			at = append(at, e)
			ids[e.ID] = true
		}
	}
	byID := t.byID()
	height := func(e *Entry) int {
		n := 0
		for p := byID[e.Parent]; p != nil && ids[p.ID] && n <= len(at); p = byID[p.Parent] {
			n++
		}
		return n
	}
	sort.SliceStable(at, func(i, j int) bool { return height(at[i]) < height(at[j]) })
	return at
}

// Descendants returns the mounts made on e or on its descendants,
// deepest first, so that unmounting them in order never meets a busy
// parent. Unlike Under it follows the mount tree, so for stacked mounts
// it finds what sits on e itself, hidden or not.
func (t Table) Descendants(e *Entry) []*Entry {
	byID := t.byID()
	type ranked struct {
		e          *Entry
		depth, pos int
	}
	var r []ranked
	for i, x := range t {
		if x == e {
			continue // a table with a cycle in its parent links
		}
		depth := 0
		for p := x; p != nil && depth <= len(t); p = byID[p.Parent] {
			if p.Parent == e.ID && p.ID != e.ID {
				r = append(r, ranked{x, depth, i})
				break
			}
			if p.Parent == p.ID {
				break
			}
			depth++
		}
	}
	sort.SliceStable(r, func(i, j int) bool {
		if r[i].depth != r[j].depth {
			return r[i].depth > r[j].depth
		}
		return r[i].pos > r[j].pos
	})
	out := make([]*Entry, len(r))
	for i := range r {
		out[i] = r[i].e
	}
	return out
}

func (t Table) byID() map[int]*Entry {
	m := make(map[int]*Entry, len(t))
	for _, e := range t {
		m[e.ID] = e
	}
	return m
}

// isUnder reports whether path is dir or lies below it.
func isUnder(path, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(path, "/")
	}
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// ErrRelative is returned by Canonical for a path that is not absolute.
var ErrRelative = errors.New("not an absolute path")

// Canonical is CanonicalIn with the mount table read now.
func Canonical(dir string) (string, error) {
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("%q: %w", dir, ErrRelative)
	}
	t, err := ReadTable()
	if err != nil {
		return "", err
	}
	return CanonicalIn(t, dir)
}

// CanonicalIn turns a configured directory into the form the mount table
// uses: absolute, without trailing or doubled slashes, with symbolic links
// resolved as far as the path exists (like readlink -f). A path the table
// lists as a mount point is taken as it is and never looked at: it cannot
// be a symbolic link, and looking at it asks the mounted filesystem, which
// on a dead NFS server hangs. It forks nothing.
func CanonicalIn(t Table, dir string) (string, error) {
	return resolve(hostFS, mountPoints(t), dir)
}

// lookup is how the resolver reads the filesystem; tests replace it to
// see every path it looks at.
type lookup struct {
	lstat    func(string) (fs.FileInfo, error)
	readlink func(string) (string, error)
}

var hostFS = lookup{os.Lstat, os.Readlink}

func mountPoints(t Table) map[string]bool {
	m := make(map[string]bool, len(t))
	for _, e := range t {
		m[e.Mountpoint] = true
	}
	return m
}

// resolve walks dir one component at a time, following symbolic links,
// and skips the lstat of every prefix that is a mount point.
func resolve(sys lookup, mounts map[string]bool, dir string) (string, error) {
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("%q: %w", dir, ErrRelative)
	}
	clean := filepath.Clean(dir)
	if mounts[clean] {
		// The kernel writes mount points with every link resolved.
		return clean, nil
	}
	todo := strings.Split(clean, "/")
	resolved := "/"
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, c)
		if mounts[next] {
			resolved = next
			continue
		}
		fi, err := sys.lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			// The missing rest is kept as is.
			return filepath.Join(append([]string{next}, todo...)...), nil
		}
		if err != nil {
			return "", fmt.Errorf("resolve %q: %w", dir, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if links++; links > 40 {
			return "", fmt.Errorf("resolve %q: too many levels of symbolic links", dir)
		}
		target, err := sys.readlink(next)
		if err != nil {
			return "", fmt.Errorf("resolve %q: %w", dir, err)
		}
		if filepath.IsAbs(target) {
			resolved = "/"
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return resolved, nil
}

// devOf splits a device number into major and minor.
func devOf(dev uint64) (int, int) {
	return int(unix.Major(dev)), int(unix.Minor(dev))
}

// DevName returns the /dev path of the block device maj:min from sysfs, or
// "" when sysfs does not know it.
func DevName(maj, min int) string {
	b, err := os.ReadFile(fmt.Sprintf("/sys/dev/block/%d:%d/uevent", maj, min))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "DEVNAME="); ok && name != "" {
			return "/dev/" + name
		}
	}
	return ""
}
