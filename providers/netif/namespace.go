package netif

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/fault"
)

// ErrNoNamespace is returned (wrapped) when a named namespace does not exist.
var ErrNoNamespace = fault.Class(fault.ErrNotFound, "no such network namespace")

// ErrNotNamespace is returned (wrapped) when the name exists under
// /run/netns but is not a live network namespace: typically the empty file
// a crash leaves behind once the bind mount that held the namespace is
// gone. For the addresses it could hold, that is the same as no namespace.
var ErrNotNamespace = errors.New("not a network namespace (a stale entry?)")

// ErrNamespaceName is returned (wrapped) for a name that is not a plain
// name under /run/netns: a path such as ../../proc/1/ns/net would reach
// outside it.
var ErrNamespaceName = errors.New("a network namespace name must not be . or .. nor contain a slash")

// netnsDir is where `ip netns` keeps its namespaces.
var netnsDir = "/run/netns"

// CheckNamespaceName accepts what `ip netns add` accepts: a non-empty name
// of at most NAME_MAX bytes, without a slash, other than . and .. ("" is
// the caller's own namespace and is not a name).
func CheckNamespaceName(name string) error {
	if name == "" || len(name) > 255 || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
		return fmt.Errorf("network namespace %q: %w", name, ErrNamespaceName)
	}
	return nil
}

// openNamespace opens /run/netns/<name> and makes sure it is a network
// namespace. O_NONBLOCK: a FIFO put there must not hang the action.
func openNamespace(name string) (netns.NsHandle, error) {
	if err := CheckNamespaceName(name); err != nil {
		return -1, err
	}
	fd, err := unix.Open(filepath.Join(netnsDir, name), unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, fmt.Errorf("network namespace %q: %w", name, ErrNoNamespace)
	}
	if err != nil {
		return -1, fmt.Errorf("network namespace %q: %w", name, err)
	}
	if err := isNetNamespace(fd); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("network namespace %q: %w", name, err)
	}
	return netns.NsHandle(fd), nil
}

// isNetNamespace tells a namespace file (on nsfs, of type net) from
// anything else found under /run/netns.
func isNetNamespace(fd int) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(fd, &st); err != nil {
		return err
	}
	if st.Type != unix.NSFS_MAGIC {
		return ErrNotNamespace
	}
	t, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	switch {
	case errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL):
		return nil // a kernel before 4.11 cannot tell the type; setns will
	case err != nil:
		return err
	case t != unix.CLONE_NEWNET:
		return ErrNotNamespace
	}
	return nil
}

// Do runs f on a thread in the network namespace ns refers to (-1: the
// current one): a socket, and an interface looked up by name or index,
// belong to the namespace of the thread that makes them.
func Do(ns int, f func() error) error {
	if ns < 0 {
		return f()
	}
	runtime.LockOSThread()
	orig, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	if err := netns.Set(netns.NsHandle(ns)); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	ferr := f()
	if netns.Set(orig) == nil {
		// Only a thread back in its own namespace may serve other
		// goroutines; otherwise it stays locked and dies with this one.
		runtime.UnlockOSThread()
	}
	return ferr
}
