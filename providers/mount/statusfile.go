package mount

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// StatusFile is the file the depth-20 monitor writes: Name in Sub, a
// directory right under the mount point ("" for the mount point itself).
//
// The mount is often writable by users, and the monitor runs as root, so
// no path is ever followed by name from the mount point down: everything
// is opened relative to a directory descriptor, without following
// symbolic links and without leaving the mount. A status directory that
// root does not own alone (a user made it, or it is writable by group or
// others) is moved aside, whole and untouched, and a fresh one made: a
// user can write in it, so whatever is in it (links to /etc/shadow) may
// be a trap, and removing a tree a user controls is itself a classic
// race. Moving it aside keeps the monitor working (refusing would let
// any user fail the resource) and loses nothing: the user's files stay,
// under the new name. The file itself is written under a temporary name
// made with O_EXCL and renamed into place, so concurrent monitors never
// share a half-written file, and a link planted at the file's name is
// replaced, never written through.
type StatusFile struct {
	Sub, Name string
}

// ParseStatusFile splits <prefix><name> the way the anchor builds the
// path (<directory>/<prefix><name>), and refuses anything that is not one
// file in the mount point or in one directory under it: prefix may end in
// "/" (its default is ".Filesystem_status/"), and otherwise contains no
// "/" and no "..".
func ParseStatusFile(prefix, name string) (StatusFile, error) {
	if strings.Contains(prefix, "..") || strings.ContainsRune(prefix, 0) {
		return StatusFile{}, fmt.Errorf("statusfile_prefix %q must not contain \"..\": the status file stays in the mount", prefix)
	}
	sub, file := "", prefix
	if i := strings.IndexByte(prefix, '/'); i >= 0 {
		if i != len(prefix)-1 || i == 0 || prefix == "./" {
			return StatusFile{}, fmt.Errorf("statusfile_prefix %q may only end in \"/\" (a directory under the mount point, like .Filesystem_status/), not contain one", prefix)
		}
		sub, file = prefix[:i], ""
	}
	file += name
	if file == "" || file == "." || file == ".." || strings.ContainsAny(file, "/\x00") || len(file) > 255 {
		return StatusFile{}, fmt.Errorf("status file name %q is not a file name", file)
	}
	return StatusFile{Sub: sub, Name: file}, nil
}

// Path is the status file's path under the mount point dir, for messages.
func (s StatusFile) Path(dir string) string {
	return filepath.Join(dir, s.Sub, s.Name)
}

// Check writes content into the status file of the mount e at dir, syncs
// it and reads it back (OCF_CHECK_LEVEL 20), bypassing the page cache
// where the filesystem allows it (not tmpfs or cifs), as the anchor does.
// warn reports a status directory moved aside.
func (s StatusFile) Check(dir string, e *Entry, content string, warn func(string, ...any)) error {
	root, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("cannot open mount point %s: %w", dir, err)
	}
	defer unix.Close(root)
	mountID, ok := fdMountID(root)
	if !ok || !isMount(root, mountID, e) {
		return fmt.Errorf("%s is not the mount being checked (something was mounted on it or it was unmounted meanwhile)", dir)
	}
	fd := root
	if s.Sub != "" {
		if fd, err = statusDir(root, dir, s.Sub, mountID, warn); err != nil {
			return err
		}
		defer unix.Close(fd)
	}
	return writeBack(fd, s.Name, content, s.Path(dir), warn)
}

// isMount reports whether the directory fd, on mount mountID, is on the
// mount e: by its mount ID, or by its device number when e was found
// without one (from the device number alone).
func isMount(fd, mountID int, e *Entry) bool {
	if e.ID != 0 {
		return mountID == e.ID
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return false
	}
	ma, mi := devOf(st.Dev)
	return ma == e.Major && mi == e.Minor
}

// statusDir opens the directory sub of the mount at root, making it when
// missing and moving it aside when root cannot trust it.
func statusDir(root int, dir, sub string, mountID int, warn func(string, ...any)) (int, error) {
	path := filepath.Join(dir, sub)
	// made: the previous round made the directory, so what is opened now
	// is, short of a race, root's own new directory.
	made := false
	for try := 0; try < 4; try++ {
		fd, err := openBeneath(root, sub, unix.O_RDONLY|unix.O_DIRECTORY)
		justMade := made
		made = false
		if errors.Is(err, unix.ENOENT) {
			err := unix.Mkdirat(root, sub, 0o755)
			if err != nil && !errors.Is(err, unix.EEXIST) {
				return -1, fmt.Errorf("cannot create status directory %s: %w", path, err)
			}
			made = err == nil
			continue
		}
		var why string
		switch {
		case err == nil:
			why = untrusted(fd, mountID)
			if why == "" {
				return fd, nil
			}
			if justMade {
				// Made by root and still not root's: the server maps root
				// to another user (NFS root_squash). Moving it aside would
				// only repeat on every monitor.
				unix.Close(fd)
				unix.Unlinkat(root, sub, unix.AT_REMOVEDIR)
				return -1, fmt.Errorf("status directory %s made by root %s: the filesystem does not let root own its files (NFS root_squash?)", path, why)
			}
		case errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.EXDEV):
			fd, why = -1, "is not a directory of this mount (a symbolic link, a file or a mount point)"
		default:
			return -1, fmt.Errorf("cannot open status directory %s: %w", path, err)
		}
		aside, err := moveAside(root, sub, fd)
		if fd >= 0 {
			unix.Close(fd)
		}
		if errors.Is(err, errReplaced) {
			continue // someone else (another monitor) moved it first
		}
		if err != nil {
			return -1, fmt.Errorf("status directory %s %s, and cannot be moved aside: %w; not writing in it", path, why, err)
		}
		warn("status directory %s %s: moved aside to %s, a new one is made", path, why, filepath.Join(dir, aside))
	}
	return -1, fmt.Errorf("status directory %s keeps changing: not writing in it", path)
}

// untrusted says why the directory fd is not root's alone, or "".
func untrusted(fd, mountID int) string {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "cannot be checked (" + err.Error() + ")"
	}
	switch {
	case st.Uid != 0:
		return "is owned by uid " + strconv.Itoa(int(st.Uid))
	case st.Mode&0o022 != 0:
		return fmt.Sprintf("is writable by group or others (mode %04o)", st.Mode&0o7777)
	}
	if id, ok := fdMountID(fd); !ok || id != mountID {
		return "is on another mount"
	}
	return ""
}

// errReplaced: the entry moveAside was to move is no longer the one that
// was checked.
var errReplaced = errors.New("replaced meanwhile")

// moveAside renames root's entry sub to a new name beside it. fd, when
// not -1, is the directory that was checked: the entry is moved only if
// it still is that directory.
func moveAside(root int, sub string, fd int) (string, error) {
	if fd >= 0 {
		var want, got unix.Stat_t
		if err := unix.Fstat(fd, &want); err != nil {
			return "", err
		}
		if err := unix.Fstatat(root, sub, &got, unix.AT_SYMLINK_NOFOLLOW); err != nil || got.Dev != want.Dev || got.Ino != want.Ino {
			return "", errReplaced
		}
	}
	aside := sub + ".untrusted-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	err := unix.Renameat2(root, sub, root, aside, unix.RENAME_NOREPLACE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
		err = unix.Renameat(root, sub, root, aside) // no RENAME_NOREPLACE here
	}
	if errors.Is(err, unix.ENOENT) {
		return "", errReplaced
	}
	return aside, err
}

// openBeneath opens rel below the directory root without following any
// symbolic link and without crossing into another mount: openat2 with
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_XDEV where the kernel has
// it (5.6), one component at a time with O_NOFOLLOW before that. The
// fallback cannot see a mount crossing: callers check the mount of what
// they opened.
func openBeneath(root int, rel string, flags int) (int, error) {
	flags |= unix.O_NOFOLLOW | unix.O_CLOEXEC
	if !noOpenat2 {
		fd, err := unix.Openat2(root, rel, &unix.OpenHow{
			Flags:   uint64(flags),
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV,
		})
		if !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EPERM) {
			return fd, err
		}
	}
	parts := strings.Split(rel, "/")
	cur := root
	for i, p := range parts {
		if p == "" || p == "." || p == ".." {
			if cur != root {
				unix.Close(cur)
			}
			return -1, unix.EXDEV
		}
		f := unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if i == len(parts)-1 {
			f = flags
		}
		next, err := unix.Openat(cur, p, f, 0)
		if cur != root {
			unix.Close(cur)
		}
		if err != nil {
			return -1, err
		}
		cur = next
	}
	return cur, nil
}

// noOpenat2 makes openBeneath take its fallback, as on kernels before
// 5.6 (or under a seccomp filter that refuses openat2): tests set it.
var noOpenat2 bool

// fdMountID is the mount an open descriptor lies on, from our fdinfo.
func fdMountID(fd int) (int, bool) {
	b, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(fd))
	if err != nil {
		return 0, false
	}
	return parseFdinfoMntID(b)
}

// writeBack writes content in a new file in the directory dir, syncs it,
// reads it back through the same descriptor and renames it to name. The
// block is the anchor's: content padded with NULs to 4 KiB.
func writeBack(dir int, name, content, path string, warn func(string, ...any)) error {
	buf, free, err := alignedBlock()
	if err != nil {
		return err
	}
	defer free()
	clear(buf)
	copy(buf, content+"\n")
	want := append([]byte(nil), buf...)

	fd, tmp, direct, err := createTemp(dir, name)
	if err != nil {
		return fmt.Errorf("cannot write status file %s: %w", path, err)
	}
	defer unix.Close(fd)
	placed := false
	defer func() {
		if !placed {
			unix.Unlinkat(dir, tmp, 0)
		}
	}()
	n, err := unix.Write(fd, buf)
	if err == nil && n != len(buf) {
		err = fmt.Errorf("short write (%d of %d bytes)", n, len(buf))
	}
	if err == nil {
		err = unix.Fsync(fd)
	}
	if err != nil {
		return fmt.Errorf("cannot write status file %s: %w", path, err)
	}
	clear(buf)
	n, err = unix.Pread(fd, buf, 0)
	if err != nil {
		return fmt.Errorf("cannot read status file %s: %w", path, err)
	}
	if n != len(want) || !bytes.Equal(buf[:n], want) {
		what := "cached"
		if direct {
			what = "direct"
		}
		return fmt.Errorf("status file %s reads back different from what was written (%s I/O)", path, what)
	}
	if err := unix.Renameat(dir, tmp, dir, name); err != nil {
		// The check itself passed: something a user put at the name (a
		// directory) only keeps the file from its usual place.
		warn("status file %s written and read back, but cannot be put in place: %v", path, err)
		return nil
	}
	placed = true
	return nil
}

// createTemp makes a new file beside name in dir, with O_DIRECT when the
// filesystem takes it. The name is random: O_EXCL fails on anything
// already there, a symbolic link included.
func createTemp(dir int, name string) (fd int, tmp string, direct bool, err error) {
	flags := unix.O_RDWR | unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_SYNC | unix.O_CLOEXEC
	for try := 0; try < 5; try++ {
		tmp = tempName(name)
		fd, err = unix.Openat(dir, tmp, flags|unix.O_DIRECT, 0o644)
		direct = err == nil
		if errors.Is(err, unix.EINVAL) {
			fd, err = unix.Openat(dir, tmp, flags, 0o644)
		}
		if !errors.Is(err, unix.EEXIST) {
			return fd, tmp, direct, err
		}
	}
	return -1, "", false, err
}

// tempName is a hidden name for name's temporary file, unique to this
// invocation, at most 255 bytes. It need not be secret: O_EXCL refuses
// whatever is already there, and createTemp draws again.
func tempName(name string) string {
	suffix := ".tmp-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(rand.Uint64(), 36)
	if len(name) > 255-1-len(suffix) {
		name = name[:255-1-len(suffix)]
	}
	return "." + name + suffix
}
