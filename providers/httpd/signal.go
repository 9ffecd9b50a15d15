package httpd

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// errNotInstance: the pid is no longer (or never was) a process of the
// instance; nothing was signalled.
var errNotInstance = errors.New("not a process of this instance")

// signal sends sig to pid only if it is a process of this server. The
// process is pinned with a pidfd before it is checked, so a pid recycled
// between the check and the signal is never hit: the signal goes to the
// process that was checked, or nowhere (ESRCH) once it has exited.
// Kernels without pidfds (before 5.3) get a plain kill after the check.
func (s *Server) signal(pid int, sig syscall.Signal) error {
	fd, err := unix.PidfdOpen(pid, 0)
	switch {
	case errors.Is(err, syscall.ENOSYS):
		if !s.isInstance(pid) {
			return errNotInstance
		}
		return syscall.Kill(pid, sig)
	case err != nil:
		return fmt.Errorf("pidfd of %d: %w", pid, err)
	}
	defer unix.Close(fd)
	if !s.isInstance(pid) {
		return errNotInstance
	}
	return unix.PidfdSendSignal(fd, sig, nil, 0)
}

// isInstance: pid is a live process of this server's binary with its
// configuration file on its command line.
func (s *Server) isInstance(pid int) bool {
	return IsInstance(pid, s.Binary, s.ConfigFile)
}
