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

// isUnder reports whether path is dir or lies below it.
func isUnder(path, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(path, "/")
	}
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// ErrRelative is returned by Canonical for a path that is not absolute.
var ErrRelative = errors.New("not an absolute path")

// Canonical turns a configured directory into the form the mount table
// uses: absolute, without trailing or doubled slashes, with symbolic links
// resolved as far as the path exists (like readlink -f). It reads the
// filesystem but forks nothing.
func Canonical(dir string) (string, error) {
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("%q: %w", dir, ErrRelative)
	}
	clean := filepath.Clean(dir)
	// Resolve the longest existing prefix; the missing rest is kept as is.
	existing, rest := clean, ""
	for {
		real, err := filepath.EvalSymlinks(existing)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("resolve %q: %w", dir, err)
		}
		if existing == "/" {
			return clean, nil
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = filepath.Dir(existing)
	}
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
