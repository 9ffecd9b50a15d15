// Package credfile reads the files that hold credentials (API tokens, the
// OCI config file with its pass phrase, private keys) the way an agent
// running as root must: only a regular file, owned by root (or by the user
// the process runs as, for tests and tools run by hand), that neither group
// nor others can access, and of a bounded size. Its errors name the file
// and the fix (the chmod or chown to run), never the content.
package credfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Sentinel errors: every *Error unwraps to one of them.
var (
	ErrMissing     = errors.New("credential file does not exist")
	ErrPermissions = errors.New("credential file is not private to root")
	ErrNotRegular  = errors.New("credential file is not a regular file")
	ErrUnreadable  = errors.New("credential file cannot be read")
	ErrTooLarge    = errors.New("credential file is too large")
	// ErrMalformed is for the readers of a format (a token, a config
	// file): the file was read but does not hold what it should.
	ErrMalformed = errors.New("credential file does not hold a usable credential")
)

// Error is a credential file that cannot be used. Its text is the path and
// what is wrong, with the command that fixes it where there is one.
type Error struct {
	Path   string
	Err    error // one of the sentinels
	Detail string
}

func (e *Error) Error() string { return e.Path + " " + e.Detail }
func (e *Error) Unwrap() error { return e.Err }

// Read returns the content of the credential file at path, at most limit
// bytes. Symbolic links are followed: the checks are on the file opened.
func Read(path string, limit int) ([]byte, error) { return read(path, limit, true) }

// ReadUnchecked is Read without the ownership and mode checks (the type
// and size checks remain). It is for an action that must not fail on a
// file that is too open, such as a stop that releases what it holds: the
// secret is exposed already, and refusing it would only get the node
// fenced. Everything else uses Read.
func ReadUnchecked(path string, limit int) ([]byte, error) { return read(path, limit, false) }

func read(path string, limit int, checkPrivate bool) ([]byte, error) {
	fail := func(sentinel error, format string, args ...any) ([]byte, error) {
		return nil, &Error{Path: path, Err: sentinel, Detail: fmt.Sprintf(format, args...)}
	}
	// The type is checked before opening: opening a FIFO blocks until a
	// writer comes, and opening a device may do something. The open is
	// non-blocking all the same, and the opened file is checked again, in
	// case the path changed in between. Symbolic links are followed (a
	// link to a private file is fine): the checks are on the file itself.
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(ErrMissing, "does not exist")
	case errors.Is(err, fs.ErrPermission):
		return fail(ErrPermissions, "cannot be examined: permission denied")
	case err != nil:
		return fail(ErrUnreadable, "cannot be examined: %v", unwrapPath(err))
	case !st.Mode().IsRegular():
		return fail(ErrNotRegular, "is not a regular file")
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(ErrMissing, "does not exist")
	case errors.Is(err, fs.ErrPermission):
		return fail(ErrPermissions, "cannot be opened: permission denied")
	case err != nil:
		return fail(ErrUnreadable, "cannot be opened: %v", unwrapPath(err))
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return fail(ErrUnreadable, "cannot be examined: %v", unwrapPath(err))
	}
	if !st.Mode().IsRegular() {
		return fail(ErrNotRegular, "is not a regular file")
	}
	if checkPrivate {
		if err := private(path, st); err != nil {
			return nil, err
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return fail(ErrUnreadable, "cannot be read: %v", unwrapPath(err))
	}
	if len(b) > limit {
		return fail(ErrTooLarge, "is larger than %d bytes", limit)
	}
	return b, nil
}

// private checks that only root (or the process's own user) owns the file
// and that group and others have no access to it.
func private(path string, st fs.FileInfo) error {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid != 0 && int(sys.Uid) != os.Geteuid() {
		return &Error{Path: path, Err: ErrPermissions,
			Detail: fmt.Sprintf("is owned by uid %d, not root (chown root:root %s)", sys.Uid, path)}
	}
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		return &Error{Path: path, Err: ErrPermissions,
			Detail: fmt.Sprintf("has mode %04o: group and others must have no access (chmod 600 %s)", perm, path)}
	}
	return nil
}

// unwrapPath drops the *PathError wrapper, whose text repeats the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
