// Package mounttest makes the things filesystem tests mount and unmount:
// loop devices over files in a test's temp dir, filesystems on them, tmpfs
// and bind mounts, and helper processes that hold a mount. Everything is
// undone in t.Cleanup, also when the test fails. Only tests import it.
package mounttest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/sys/mountinfo"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Run runs a command and fails the test with its output when it fails.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Loop attaches a loop device over a new sparse file of sizeMB in the
// test's temp dir and detaches it at cleanup.
func Loop(t testing.TB, sizeMB int) string {
	t.Helper()
	testenv.NeedRoot(t)
	losetup := testenv.NeedCmd(t, "losetup")
	img := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(sizeMB) << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var dev string
	// Parallel test packages race for the first free loop device.
	for try := 0; ; try++ {
		out, err := exec.Command(losetup, "-f", "--show", img).CombinedOutput()
		if err == nil {
			dev = strings.TrimSpace(string(out))
			break
		}
		if try == 10 {
			t.Fatalf("losetup -f --show %s: %v\n%s", img, err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Cleanup(func() {
		for try := 0; try < 50; try++ {
			if exec.Command(losetup, "-d", dev).Run() == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("cannot detach %s", dev)
	})
	return dev
}

// Mkfs makes a filesystem (ext4 or xfs) with a label on dev and returns its UUID.
func Mkfs(t testing.TB, fstype, dev, label string) string {
	t.Helper()
	switch fstype {
	case "ext4", "ext3", "ext2":
		Run(t, testenv.NeedCmd(t, "mkfs."+fstype), "-q", "-F", "-L", label, dev)
	case "xfs":
		Run(t, testenv.NeedCmd(t, "mkfs.xfs"), "-q", "-f", "-L", label, dev)
	default:
		t.Fatalf("mkfs %s: not supported here", fstype)
	}
	return Run(t, testenv.NeedCmd(t, "blkid"), "-c", "/dev/null", "-s", "UUID", "-o", "value", dev)
}

// Dir makes a directory for mount points in the test's temp dir and
// unmounts whatever is still mounted at or below it at cleanup.
func Dir(t testing.TB, name string) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := filepath.EvalSymlinks(d)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { UnmountAll(t, d) })
	return d
}

// UnmountAll unmounts everything at or below dir, deepest first, lazily
// when a mount stays busy, so that a failed test leaves nothing behind.
func UnmountAll(t testing.TB, dir string) {
	t.Helper()
	for try := 0; try < 20; try++ {
		ms, err := mountinfo.GetMounts(mountinfo.PrefixFilter(dir))
		if err != nil || len(ms) == 0 {
			return
		}
		sort.Slice(ms, func(i, j int) bool { return len(ms[i].Mountpoint) > len(ms[j].Mountpoint) })
		for _, m := range ms {
			if syscall.Unmount(m.Mountpoint, 0) != nil && try > 10 {
				syscall.Unmount(m.Mountpoint, syscall.MNT_DETACH)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("mounts left under %s", dir)
}

// Mount runs mount(8) with args and fails the test when it fails; the
// mount point should come from Dir so that cleanup unmounts it.
func Mount(t testing.TB, args ...string) {
	t.Helper()
	Run(t, "mount", args...)
}

// Mounted reports whether something is mounted exactly at dir.
func Mounted(t testing.TB, dir string) bool {
	t.Helper()
	ms, err := mountinfo.GetMounts(mountinfo.SingleEntryFilter(dir))
	if err != nil {
		t.Fatal(err)
	}
	return len(ms) > 0
}

// Helper modes a test binary re-executes itself in to hold a mount.
const (
	HoldCwd        = "cwd"         // cwd at path
	HoldOpen       = "open"        // open file at path, cwd at /
	HoldMmap       = "mmap"        // mmapped file at path, file closed, cwd at /
	HoldIgnoreTerm = "ignore-term" // cwd at path, SIGTERM ignored
	HoldRoot       = "root"        // root directory at path (chroot), cwd outside it
)

const helperEnv = "OCFKIT_MOUNTTEST_HELPER"

// HelperMain turns the test binary into a holder process when started by
// Hold; call it first in TestMain.
func HelperMain() {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	path := os.Getenv(helperEnv + "_PATH")
	switch mode {
	case HoldCwd:
		must(os.Chdir(path))
	case HoldIgnoreTerm:
		signal.Ignore(syscall.SIGTERM)
		must(os.Chdir(path))
	case HoldRoot:
		outside, err := os.Open("/")
		must(err)
		must(syscall.Chroot(path))
		must(syscall.Fchdir(int(outside.Fd())))
		outside.Close()
	case HoldOpen:
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		must(err)
		defer f.Close()
		must(os.Chdir("/"))
	case HoldMmap:
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		must(err)
		must(f.Truncate(4096))
		b, err := syscall.Mmap(int(f.Fd()), 0, 4096, syscall.PROT_READ, syscall.MAP_SHARED)
		must(err)
		f.Close()
		defer syscall.Munmap(b)
		must(os.Chdir("/"))
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode", mode)
		os.Exit(2)
	}
	os.Stdout.WriteString("ready\n")
	// Exit when the test goes away (stdin closes) or on a signal.
	buf := make([]byte, 1)
	os.Stdin.Read(buf)
	os.Exit(0)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
}

// Holder is a helper process started by Hold.
type Holder struct {
	Cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Hold starts a helper process holding path in the given mode, waits
// until it holds it, and kills it at cleanup if it is still there.
func Hold(t testing.TB, mode, path string) *Holder {
	t.Helper()
	return hold(t, os.Args[0], mode, path)
}

// HoldExe copies the test binary into dir and runs the copy with its cwd
// at /: the process holds the mount only through its executable (and the
// executable's mappings).
func HoldExe(t testing.TB, dir string) *Holder {
	t.Helper()
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "holder.test")
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return hold(t, exe, HoldCwd, "/")
}

func hold(t testing.TB, exe, mode, path string) *Holder {
	t.Helper()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperEnv+"_PATH="+path)
	cmd.Dir = "/"
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &Holder{Cmd: cmd, done: make(chan struct{})}
	ready := make(chan bool, 1)
	go func() {
		b := make([]byte, 6)
		n, _ := stdout.Read(b)
		ready <- string(b[:n]) == "ready\n"
	}()
	go func() {
		h.err = cmd.Wait()
		close(h.done)
	}()
	t.Cleanup(func() {
		stdin.Close()
		if h.Alive() {
			cmd.Process.Kill()
		}
		<-h.done
	})
	select {
	case ok := <-ready:
		if !ok {
			<-h.done
			t.Fatalf("holder %s %s did not start: %v %s", mode, path, h.err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("holder %s %s did not start in time", mode, path)
	}
	return h
}

// Alive reports whether the helper has not exited yet.
func (h *Holder) Alive() bool {
	select {
	case <-h.done:
		return false
	default:
		return true
	}
}

// Wait waits up to d for the helper to exit and reports whether it did.
func (h *Holder) Wait(d time.Duration) bool {
	select {
	case <-h.done:
		return true
	case <-time.After(d):
		return false
	}
}

// PID is the helper's process id.
func (h *Holder) PID() int { return h.Cmd.Process.Pid }
