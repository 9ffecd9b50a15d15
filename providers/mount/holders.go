package mount

import (
	"bufio"
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Holder is a process that keeps a mount busy.
type Holder struct {
	PID  int
	Comm string
	Why  string // cwd, root, exe, fd N, mapped file
	// Protected is set for processes that are never signalled: this
	// process, its ancestors, init, and the cluster's own daemons.
	Protected bool
}

// daemonNames are the cluster daemons a stop must never kill: killing
// them takes the node out of the cluster (and gets it fenced). A name
// alone proves nothing (any user can run a copy of sleep called
// pacemaker-x, or run the daemon's own binary and stop it): see isDaemon.
var daemonNames = set("pacemakerd", "pacemaker-based", "pacemaker-fenced",
	"pacemaker-execd", "pacemaker-attrd", "pacemaker-schedulerd", "pacemaker-controld",
	"pacemaker-remoted", "pacemaker_remoted", "corosync", "sbd", "crmd", "cib", "lrmd",
	"stonithd", "attrd", "pengine", "heartbeat", "dlm_controld", "systemd")

// daemonDirs are where distributions install those daemons: Debian and
// Ubuntu (/usr/sbin, /usr/lib/pacemaker), RHEL and SUSE (/usr/libexec/
// pacemaker), the heartbeat-era layouts, and systemd's own directory.
// Only root can put a file there.
var daemonDirs = set("/usr/sbin", "/sbin", "/usr/lib/pacemaker", "/usr/libexec/pacemaker",
	"/usr/lib/heartbeat", "/usr/lib64/heartbeat", "/usr/libexec/heartbeat",
	"/usr/lib/systemd", "/lib/systemd")

// clusterUser is the user Pacemaker runs some of its daemons as
// (pacemaker-based, -attrd, -schedulerd, -controld run as hacluster).
const clusterUser = "hacluster"

// clusterUID is clusterUser's uid, or -1 when there is no such user.
var clusterUID = sync.OnceValue(func() int {
	u, err := user.Lookup(clusterUser)
	if err != nil {
		return -1
	}
	id, err := strconv.Atoi(u.Uid)
	if err != nil {
		return -1
	}
	return id
})

// Scanner finds the holders of a mount by reading /proc. Every check is
// made against the mount's own identity (mount ID for cwd, root, exe and
// open files; device number plus path for mapped files), so a bind mount
// of / does not make every process a holder. Following a /proc link may
// still make the kernel revalidate what it points to on a dead NFS
// server and block: Unmount runs the scan in the background.
type Scanner struct {
	Proc string // procfs root, "/proc" when empty
}

func (s Scanner) proc() string {
	if s.Proc == "" {
		return "/proc"
	}
	return s.Proc
}

// Holders returns the processes holding the mount e, protected ones
// included and marked. It may block in the kernel when the mount's
// server is gone: Unmount runs it in the background (see holdersWithin).
func (s Scanner) Holders(e *Entry) ([]Holder, error) {
	hs, _, err := s.scan(e)
	return hs, err
}

// scan is Holders, also returning the device numbers it matched.
func (s Scanner) scan(e *Entry) ([]Holder, map[[2]int]bool, error) {
	proc := s.proc()
	dir, err := os.Open(proc)
	if err != nil {
		return nil, nil, err
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return nil, nil, err
	}
	devs := entryDevs(e)
	protected := s.ancestors()
	var out []Holder
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil || pid <= 0 {
			continue
		}
		why := s.holds(pid, e, devs)
		if why == "" {
			continue
		}
		h := Holder{PID: pid, Comm: s.comm(pid), Why: why}
		h.Protected = protected[pid] || pid == 1 || s.isDaemon(pid)
		out = append(out, h)
	}
	return out, devs, nil
}

// holds says why pid holds the mount, or "".
func (s Scanner) holds(pid int, e *Entry, devs map[[2]int]bool) string {
	base := filepath.Join(s.proc(), strconv.Itoa(pid))
	for _, l := range []string{"cwd", "root", "exe"} {
		if p, err := os.Readlink(base + "/" + l); err == nil && pathUnder(p, e.Mountpoint) {
			// Only a positive match counts: a process that exited
			// meanwhile must not become a holder whose pid may be reused.
			if id, ok := linkMountID(base + "/" + l); ok && id == e.ID {
				return l
			}
		}
	}
	fds, _ := os.ReadDir(base + "/fd")
	for _, fd := range fds {
		p, err := os.Readlink(base + "/fd/" + fd.Name())
		if err != nil || !pathUnder(p, e.Mountpoint) {
			continue
		}
		b, err := os.ReadFile(base + "/fdinfo/" + fd.Name())
		if err != nil {
			continue // closed meanwhile
		}
		if id, ok := parseFdinfoMntID(b); ok && id == e.ID {
			return "fd " + fd.Name()
		}
	}
	f, err := os.Open(base + "/maps")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		m, ok := parseMapsLine(sc.Text())
		if ok && devs[[2]int{m.Major, m.Minor}] && pathUnder(m.Path, e.Mountpoint) {
			return "mapped file " + m.Path
		}
	}
	return ""
}

// stillHolds re-checks one process, once a pidfd pins it: the process
// the pidfd refers to is the one whose /proc entry is read now. devs come
// from the scan. Like the scan it may block on a dead server, so it gives
// up (false: not signalled) at the context's deadline.
func (s Scanner) stillHolds(ctx context.Context, pid int, e *Entry, devs map[[2]int]bool) bool {
	ch := make(chan bool, 1)
	go func() { ch <- s.holds(pid, e, devs) != "" }()
	select {
	case ok := <-ch:
		return ok
	case <-ctx.Done():
		return false
	}
}

// pathUnder is isUnder for a path read from a /proc link, which may end
// in " (deleted)".
func pathUnder(p, dir string) bool {
	return isUnder(strings.TrimSuffix(p, " (deleted)"), dir)
}

// linkMountID opens a /proc magic link without opening what it points to
// (O_PATH; the kernel may still revalidate it, see Scanner) and reads the
// mount it lies on from our own fdinfo.
func linkMountID(link string) (int, bool) {
	fd, err := unix.Open(link, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, false
	}
	defer unix.Close(fd)
	b, err := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(fd))
	if err != nil {
		return 0, false
	}
	return parseFdinfoMntID(b)
}

// entryDevs is the device numbers files on the mount report: the table's
// and, when it differs (btrfs subvolumes), the mount point's own st_dev.
// The stat asks the mounted filesystem: only the background scan calls it.
func entryDevs(e *Entry) map[[2]int]bool {
	devs := map[[2]int]bool{{e.Major, e.Minor}: true}
	var st unix.Stat_t
	if unix.Stat(e.Mountpoint, &st) == nil {
		ma, mi := devOf(st.Dev)
		devs[[2]int{ma, mi}] = true
	}
	return devs
}

// ancestors is this process and its parent chain: the agent, the executor
// that runs it, and whoever runs that.
func (s Scanner) ancestors() map[int]bool {
	out := map[int]bool{}
	pid := os.Getpid()
	for pid > 0 && !out[pid] {
		out[pid] = true
		b, err := os.ReadFile(filepath.Join(s.proc(), strconv.Itoa(pid), "status"))
		if err != nil {
			break
		}
		ppid, ok := parseStatusPPid(b)
		if !ok {
			break
		}
		pid = ppid
	}
	return out
}

func (s Scanner) comm(pid int) string {
	b, _ := os.ReadFile(filepath.Join(s.proc(), strconv.Itoa(pid), "comm"))
	return strings.TrimSpace(string(b))
}

// isDaemon reports whether pid is a cluster daemon: its executable, as
// the kernel resolved it, is one of daemonNames in one of daemonDirs (a
// daemon still running after its package was upgraded shows the old
// file as deleted, and stays protected), and it runs as root or as the
// cluster's user, both its real and its effective uid.
func (s Scanner) isDaemon(pid int) bool {
	base := filepath.Join(s.proc(), strconv.Itoa(pid))
	exe, err := os.Readlink(base + "/exe")
	if err != nil {
		return false
	}
	exe = strings.TrimSuffix(exe, " (deleted)")
	if filepath.Clean(exe) != exe || !daemonDirs[filepath.Dir(exe)] || !daemonNames[filepath.Base(exe)] {
		return false
	}
	b, err := os.ReadFile(base + "/status")
	if err != nil {
		return false
	}
	ruid, euid, ok := parseStatusUid(b)
	if !ok {
		return false
	}
	trusted := func(uid int) bool { return uid == 0 || uid == clusterUID() }
	return trusted(ruid) && trusted(euid)
}
