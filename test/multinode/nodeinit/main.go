// Command nodeinit is PID 1 of a test node of the multinode harness. The
// harness starts it in new mount, UTS, IPC, PID and network namespaces; it
// makes the node's private view of the machine (hostname, /proc, /sys, /run,
// /dev/shm, the cluster's state directories, the test's agents), waits for
// the harness to wire the network ("go" on stdin), then runs corosync -f and
// pacemakerd and reaps every orphan of the node until it is killed.
//
// SIGTERM is an orderly shutdown: pacemakerd first (which stops the
// resources), then Corosync. SIGKILL, from the harness, is a power cut:
// the kernel kills every process of the PID namespace with it.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	name := flag.String("name", "", "node name (hostname and Corosync node name)")
	dir := flag.String("dir", "", "the node's directory: its state trees live here")
	agents := flag.String("agents", "", "directory laid over /usr/lib/ocf/resource.d")
	sbin := flag.String("sbin", "", "directory laid over /usr/sbin (fence agents)")
	var binds bindList
	flag.Var(&binds, "bind", "src=dst: a directory of this node's own bound over a shared one (repeatable)")
	flag.Parse()
	if os.Getpid() != 1 || *name == "" || *dir == "" {
		fmt.Fprintln(os.Stderr, "nodeinit: run by the multinode harness as PID 1 of a new PID namespace")
		os.Exit(2)
	}
	if err := setup(*name, *dir, *agents, *sbin, binds); err != nil {
		fmt.Fprintf(os.Stderr, "nodeinit: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("nodeinit: ready")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "go" {
		fmt.Fprintf(os.Stderr, "nodeinit: no go from the harness (%q, %v)\n", line, err)
		os.Exit(1)
	}
	r := newReaper()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)

	coro, err := r.start(filepath.Join(*dir, "corosync.out"), "/usr/sbin/corosync", "-f")
	if err != nil {
		fmt.Fprintf(os.Stderr, "nodeinit: start corosync: %v\n", err)
		os.Exit(1)
	}
	// pacemakerd gives up when Corosync does not answer yet: wait until
	// Corosync listens on its IPC sockets (abstract unix sockets, which
	// /proc/net/unix lists for this network namespace).
	began := time.Now()
	for deadline := began.Add(time.Minute); !listening("@cfg") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Printf("nodeinit: corosync answers after %s\n", time.Since(began).Round(time.Millisecond))
	pcmk, err := r.start(filepath.Join(*dir, "pacemakerd.out"), "/usr/sbin/pacemakerd")
	if err != nil {
		fmt.Fprintf(os.Stderr, "nodeinit: start pacemakerd: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("nodeinit: corosync[%d] pacemakerd[%d] running\n", coro, pcmk)
	<-term
	fmt.Println("nodeinit: SIGTERM: stopping pacemakerd, then corosync")
	r.stop(pcmk, 2*time.Minute)
	r.stop(coro, 30*time.Second)
	fmt.Println("nodeinit: stopped")
}

// setup builds the node's private view of the file system.
func setup(name, dir, agents, sbin string, binds bindList) error {
	if err := syscall.Sethostname([]byte(name)); err != nil {
		return fmt.Errorf("sethostname: %w", err)
	}
	// Nothing mounted here may reach the host's mount namespace.
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	mounts := []struct{ src, dst, fstype, opts string }{
		{"proc", "/proc", "proc", ""},
		{"sysfs", "/sys", "sysfs", ""},
		// Corosync's and Pacemaker's runtime files, and libqb's shared
		// memory, which is named after pids: those of two PID namespaces
		// collide.
		{"tmpfs", "/run", "tmpfs", "mode=0755"},
		{"tmpfs", "/dev/shm", "tmpfs", "mode=1777"},
	}
	for _, m := range mounts {
		if err := syscall.Mount(m.src, m.dst, m.fstype, syscall.MS_NOSUID|syscall.MS_NODEV, m.opts); err != nil {
			return fmt.Errorf("mount %s on %s: %w", m.fstype, m.dst, err)
		}
	}
	for _, d := range []string{"/run/lock", "/run/resource-agents", "/run/crm"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// The harness made dir/<tree> for each; bind them over the real ones.
	for _, tree := range []string{"/etc/corosync", "/var/lib/corosync", "/var/lib/pacemaker",
		"/var/log/pacemaker", "/var/log/corosync"} {
		src := filepath.Join(dir, strings.ReplaceAll(strings.TrimPrefix(tree, "/"), "/", "-"))
		if err := os.MkdirAll(tree, 0o755); err != nil {
			return err
		}
		if err := syscall.Mount(src, tree, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s on %s: %w", src, tree, err)
		}
	}
	for _, b := range binds {
		if err := syscall.Mount(b[0], b[1], "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind %s on %s: %w", b[0], b[1], err)
		}
	}
	// The test's agents and fence agents join the installed ones, for this
	// node only: a read-only overlay with the test's directory on top.
	for _, o := range [][2]string{{agents, "/usr/lib/ocf/resource.d"}, {sbin, "/usr/sbin"}} {
		if o[0] == "" {
			continue
		}
		opts := "lowerdir=" + o[0] + ":" + o[1]
		if err := syscall.Mount("overlay", o[1], "overlay", syscall.MS_RDONLY, opts); err != nil {
			return fmt.Errorf("overlay %s on %s: %w", o[0], o[1], err)
		}
	}
	return nil
}

// listening reports whether an abstract unix socket of that name (with its
// leading @) is listed in /proc/net/unix.
func listening(sock string) bool {
	b, err := os.ReadFile("/proc/net/unix")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		// libqb pads the names with '@' (NULs, as the kernel shows them).
		if len(f) > 0 && f[len(f)-1][0] == '@' && "@"+strings.TrimRight(f[len(f)-1][1:], "@") == sock {
			return true
		}
	}
	return false
}

// reaper is PID 1's duty: it waits for every process of the node, its
// own children and the orphans the kernel hands it, and tells start's
// callers when theirs end.
type reaper struct {
	mu   sync.Mutex
	done map[int]chan struct{}
}

func newReaper() *reaper {
	r := &reaper{done: map[int]chan struct{}{}}
	go r.loop()
	return r
}

func (r *reaper) loop() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err != nil {
			time.Sleep(50 * time.Millisecond) // no children yet, or EINTR
			continue
		}
		r.mu.Lock()
		if ch, ok := r.done[pid]; ok {
			fmt.Printf("nodeinit: pid %d ended: %v\n", pid, ws)
			close(ch)
			delete(r.done, pid)
		}
		r.mu.Unlock()
	}
}

// start runs a daemon with its output appended to out and the init's
// environment (which the harness set for Pacemaker and the agents).
func (r *reaper) start(out, prog string, args ...string) (int, error) {
	f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	p, err := os.StartProcess(prog, append([]string{prog}, args...), &os.ProcAttr{
		Dir: "/", Env: os.Environ(), Files: []*os.File{nil, f, f},
	})
	if err != nil {
		return 0, err
	}
	r.done[p.Pid] = make(chan struct{})
	return p.Pid, nil
}

// stop sends SIGTERM to pid and waits up to grace, then SIGKILL.
func (r *reaper) stop(pid int, grace time.Duration) {
	r.mu.Lock()
	ch, ok := r.done[pid]
	r.mu.Unlock()
	if !ok {
		return
	}
	syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-ch:
	case <-time.After(grace):
		syscall.Kill(pid, syscall.SIGKILL)
		<-ch
	}
}

// bindList collects -bind src=dst flags.
type bindList [][2]string

func (b *bindList) String() string { return fmt.Sprint(*b) }

func (b *bindList) Set(v string) error {
	src, dst, ok := strings.Cut(v, "=")
	if !ok || !filepath.IsAbs(src) || !filepath.IsAbs(dst) {
		return fmt.Errorf("want /src=/dst, got %q", v)
	}
	*b = append(*b, [2]string{src, dst})
	return nil
}
