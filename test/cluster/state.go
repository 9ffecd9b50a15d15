package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/ocfkit/ocfkit/test/procs"
)

// watched are the trees a running Pacemaker and Corosync write into. The
// harness records them before it starts and puts them back afterwards.
var watched = []string{
	"/var/lib/pacemaker",
	"/var/lib/corosync",
	"/var/log/pacemaker",
	"/run/crm",
}

// smallFile is the size up to which a file's content is saved, so that the
// few small files Pacemaker rewrites in place (cib.last, pe-input.last,
// Corosync's ringid_<node>) get their old content back. Larger files
// (pe-input-N.bz2, cores) are never rewritten: new ones get new names.
const smallFile = 4096

type entry struct {
	Dir  bool        `json:"dir,omitempty"`
	Link string      `json:"link,omitempty"`
	Mode fs.FileMode `json:"mode"`
	UID  int         `json:"uid"`
	GID  int         `json:"gid"`
	Time time.Time   `json:"time"`
	Data []byte      `json:"data,omitempty"`
	Full bool        `json:"full,omitempty"` // Data holds the whole file
}

// snapshot maps every path under the watched trees to what it was.
type snapshot map[string]entry

func takeSnapshot(roots []string) (snapshot, error) {
	s := snapshot{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			e, err := describe(p)
			if err != nil {
				return err
			}
			s[p] = e
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", root, err)
		}
	}
	return s, nil
}

func describe(p string) (entry, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return entry{}, err
	}
	e := entry{Mode: fi.Mode(), Time: fi.ModTime()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		e.UID, e.GID = int(st.Uid), int(st.Gid)
	}
	switch {
	case fi.IsDir():
		e.Dir = true
	case fi.Mode()&fs.ModeSymlink != 0:
		e.Link, err = os.Readlink(p)
	case fi.Mode().IsRegular() && fi.Size() <= smallFile:
		e.Data, err = os.ReadFile(p)
		e.Full = err == nil
	}
	return e, err
}

// restore puts the watched trees back as s recorded them: it removes what
// is new, rewrites small files whose content changed, recreates small files
// that disappeared, and resets owners and modes. It returns every problem
// it met rather than stopping at the first.
func (s snapshot) restore(roots []string) error {
	var errs []error
	for _, root := range roots {
		var paths []string
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				paths = append(paths, p)
			}
			return nil
		})
		// Deepest first, so a new directory is emptied before it is judged.
		sort.Sort(sort.Reverse(sort.StringSlice(paths)))
		for _, p := range paths {
			if _, ok := s[p]; !ok {
				if err := os.RemoveAll(p); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	var paths []string
	for p := range s {
		paths = append(paths, p)
	}
	// Content parents first (a missing directory before its files), then
	// owners, modes and times children first, so that putting a file back
	// does not change its directory's time again.
	sort.Strings(paths)
	for _, p := range paths {
		if err := s[p].putContent(p); err != nil {
			errs = append(errs, err)
		}
	}
	for i := len(paths) - 1; i >= 0; i-- {
		if err := s[paths[i]].putMeta(paths[i]); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (e entry) putContent(p string) error {
	cur, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		switch {
		case e.Dir:
			return os.Mkdir(p, e.Mode.Perm())
		case e.Link != "":
			return os.Symlink(e.Link, p)
		case e.Full:
			return os.WriteFile(p, e.Data, e.Mode.Perm())
		}
		return fmt.Errorf("%s was removed and was too large to save", p)
	case err != nil:
		return err
	case e.Full && cur.Mode().IsRegular():
		old, err := os.ReadFile(p)
		if err != nil || bytes.Equal(old, e.Data) {
			return err
		}
		return os.WriteFile(p, e.Data, e.Mode.Perm())
	}
	return nil
}

func (e entry) putMeta(p string) error {
	if err := os.Lchown(p, e.UID, e.GID); err != nil || e.Link != "" {
		return err
	}
	if err := os.Chmod(p, e.Mode&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
		return err
	}
	return os.Chtimes(p, time.Time{}, e.Time)
}

// markerPath records a running test cluster, so that a test binary killed
// before its cleanup does not leave the machine unusable: the next Start
// reads it, stops what was started and restores what was recorded. It is
// on disk, not in /run, because the CIB files it accounts for outlive a
// reboot too.
const markerPath = "/var/tmp/ocfkit-test-cluster.json"

type marker struct {
	Owner    int          `json:"owner"` // pid of the test binary
	Boot     string       `json:"boot"`  // procs.BootID when written
	Dir      string       `json:"dir"`   // private temporary directory
	Link     string       `json:"link,omitempty"`
	Target   string       `json:"target,omitempty"`
	Parent   *entry       `json:"parent,omitempty"` // the link's directory, to put its time back
	Procs    []procs.Proc `json:"procs,omitempty"`
	Snapshot snapshot     `json:"snapshot"`
}

func (m *marker) save() error { return procs.SaveRecord(markerPath, m) }

func loadMarker() (*marker, error) {
	m := &marker{}
	if err := procs.LoadRecord(markerPath, m); err != nil {
		return nil, err
	}
	return m, nil
}
