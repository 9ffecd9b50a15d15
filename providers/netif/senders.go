package netif

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// procDir is where the senders are looked for.
const procDir = "/proc"

// StopBackground ends every background sender announcing ip in namespace
// (on link, or on any interface when link is ""), and waits, within ctx
// and at most a few seconds, until they are gone. Senders are found by
// what they are, not by a pid file that overlapping starts overwrite: a
// process of root whose executable is this very binary (same file, by
// inode) and whose argv names the address. It returns how many it ended.
func StopBackground(ctx context.Context, namespace, link string, ip netip.Addr) (int, error) {
	self, err := fileID(procDir + "/self/exe")
	if err != nil {
		return 0, err
	}
	ents, err := os.ReadDir(procDir)
	if err != nil {
		return 0, err
	}
	var fds []int
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	ended := 0
	for _, d := range ents {
		pid, err := strconv.Atoi(d.Name())
		if err != nil || pid == os.Getpid() || !sends(pid, self, namespace, link, ip) {
			continue
		}
		// The pidfd pins the process: checked again after it is open, the
		// signal cannot reach another process that reused the pid.
		fd, err := unix.PidfdOpen(pid, 0)
		if errors.Is(err, unix.ENOSYS) {
			if syscall.Kill(pid, syscall.SIGTERM) == nil {
				ended++
			}
			continue
		}
		if err != nil {
			continue // gone already
		}
		if !sends(pid, self, namespace, link, ip) || unix.PidfdSendSignal(fd, unix.SIGTERM, nil, 0) != nil {
			unix.Close(fd)
			continue
		}
		fds = append(fds, fd)
		ended++
	}
	if !waitExit(ctx, fds, 2*time.Second) {
		for _, fd := range fds {
			unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0)
		}
		waitExit(ctx, fds, time.Second)
	}
	return ended, nil
}

// waitExit waits until every process (pidfd) has exited, at most max and
// never past ctx's deadline; it reports whether they all did.
func waitExit(ctx context.Context, fds []int, max time.Duration) bool {
	end := time.Now().Add(max)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	pending := append([]int(nil), fds...)
	for len(pending) > 0 {
		left := time.Until(end)
		if left <= 0 {
			return false
		}
		pfd := make([]unix.PollFd, len(pending))
		for i, fd := range pending {
			pfd[i] = unix.PollFd{Fd: int32(fd), Events: unix.POLLIN}
		}
		// Poll in short steps so that a cancelled ctx is noticed.
		n, err := unix.Poll(pfd, int(min(left, 100*time.Millisecond)/time.Millisecond)+1)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return false
		}
		if ctx.Err() != nil {
			return false
		}
		if n <= 0 {
			continue
		}
		pending = pending[:0]
		for _, p := range pfd {
			if p.Revents&unix.POLLIN == 0 {
				pending = append(pending, int(p.Fd))
			}
		}
	}
	return true
}

// sends tells whether pid is a background sender of ip in namespace (on
// link unless link is "") started from the same binary as self, by root.
// The executable comes first: it is the cheapest test (a third of reading
// argv) and rules out nearly every process.
func sends(pid int, self [2]uint64, namespace, link string, ip netip.Addr) bool {
	dir := procDir + "/" + strconv.Itoa(pid)
	if exe, err := fileID(dir + "/exe"); err != nil || exe != self {
		return false
	}
	cmdline, err := os.ReadFile(dir + "/cmdline")
	if err != nil {
		return false
	}
	b, ok := senderOf(cmdline)
	if !ok || b.Namespace != namespace || b.Prefix.Addr() != ip || (link != "" && b.Link != link) {
		return false
	}
	status, err := os.ReadFile(dir + "/status")
	return err == nil && rootOwned(status)
}

// senderOf reads a /proc/<pid>/cmdline: the Background a sender's argv
// spells out, and whether it is one.
func senderOf(cmdline []byte) (Background, bool) {
	argv := strings.Split(string(bytes.TrimSuffix(cmdline, []byte{0})), "\x00")
	if len(argv) < 2 || argv[1] != BackgroundCmd {
		return Background{}, false
	}
	b, err := parseBackground(argv[2:])
	return b, err == nil
}

// rootOwned reads a /proc/<pid>/status: whether all of the process's uids
// (real, effective, saved, filesystem) are 0.
func rootOwned(status []byte) bool {
	for _, line := range strings.Split(string(status), "\n") {
		rest, ok := strings.CutPrefix(line, "Uid:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 4 {
			return false
		}
		for _, u := range f {
			if u != "0" {
				return false
			}
		}
		return true
	}
	return false
}

// fileID is the device and inode of the file at path, following links:
// for /proc/<pid>/exe, the executable the process runs.
func fileID(path string) ([2]uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return [2]uint64{}, err
	}
	return [2]uint64{st.Dev, st.Ino}, nil
}
