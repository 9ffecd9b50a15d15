package netif

import (
	"context"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the test binary be a background sender, as the agents
// are: StartBackground re-executes os.Executable. With impostorEnv set it
// only looks like one (argv) and sleeps.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == BackgroundCmd {
		if os.Getenv(impostorEnv) != "" {
			time.Sleep(30 * time.Second)
			os.Exit(0)
		}
		if err := RunBackground(os.Args[2:]); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const impostorEnv = "NETIF_TEST_IMPOSTOR"

func TestSenderOf(t *testing.T) {
	b := Background{Namespace: "blue", Link: "eth0", Prefix: netip.MustParsePrefix("198.18.36.10/24"),
		Count: 5, Interval: 200 * time.Millisecond, Reply: true}
	cmdline := []byte(strings.Join(append([]string{"/usr/lib/ocf/resource.d/ocfkit/IPaddr2"}, b.args()...), "\x00") + "\x00")
	got, ok := senderOf(cmdline)
	require.True(t, ok)
	assert.Equal(t, b, got)

	b.Namespace = "" // an empty argument is two NULs in a row
	got, ok = senderOf([]byte(strings.Join(append([]string{"x"}, b.args()...), "\x00") + "\x00"))
	require.True(t, ok)
	assert.Equal(t, b, got)

	for _, bad := range []string{
		"", "\x00", "IPaddr2\x00start\x00",
		"x\x00__announce\x00\x00eth0\x00198.18.36.10\x005\x00200ms\x00false\x00", // no prefix length
		"x\x00__announce\x00..\x00eth0\x00198.18.36.10/24\x005\x00200ms\x00false\x00",
		"x\x00__announce\x00\x00\x00198.18.36.10/24\x005\x00200ms\x00false\x00",
		"x\x00__announce\x00\x00eth0\x00198.18.36.10/24\x00-1\x00200ms\x00false\x00",
		"x\x00__announce\x00\x00eth0\x00198.18.36.10/24\x005\x00200ms\x00false\x00extra\x00",
	} {
		_, ok := senderOf([]byte(bad))
		assert.False(t, ok, "%q", bad)
	}
}

func TestRootOwned(t *testing.T) {
	assert.True(t, rootOwned([]byte("Name:\tIPaddr2\nUmask:\t0022\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n")))
	assert.False(t, rootOwned([]byte("Name:\tx\nUid:\t65534\t65534\t65534\t65534\n")))
	assert.False(t, rootOwned([]byte("Uid:\t65534\t0\t0\t0\n")), "real uid not root")
	assert.False(t, rootOwned([]byte("Uid:\t0\t0\t0\n")))
	assert.False(t, rootOwned([]byte("Name:\tx\n")))
	assert.False(t, rootOwned(nil))
}

func FuzzSenderOf(f *testing.F) {
	f.Add([]byte("/bin/IPaddr2\x00__announce\x00\x00eth0\x00198.18.36.10/24\x005\x00200ms\x00false\x00"))
	f.Add([]byte("/bin/IPaddr2\x00__announce\x00blue\x00eth0\x002001:db8::1/64\x00100\x001s\x00true\x00"))
	f.Add([]byte("x\x00__announce\x00"))
	f.Fuzz(func(t *testing.T, cmdline []byte) {
		b, ok := senderOf(cmdline)
		if !ok {
			return
		}
		// What is accepted spells itself out again the same way.
		again, ok := senderOf([]byte(strings.Join(append([]string{"x"}, b.args()...), "\x00")))
		if !ok || again != b {
			t.Fatalf("%q read as %+v, which reads back as %+v (%v)", cmdline, b, again, ok)
		}
		if b.Namespace != "" && CheckNamespaceName(b.Namespace) != nil || b.Link == "" || b.Count < 0 || b.Interval < 0 {
			t.Fatalf("%q accepted as %+v", cmdline, b)
		}
	})
}

func FuzzRootOwned(f *testing.F) {
	f.Add([]byte("Name:\tx\nUid:\t0\t0\t0\t0\n"))
	f.Add([]byte("Uid:\t0\t1\t0\t0\n"))
	f.Fuzz(func(t *testing.T, status []byte) {
		if !rootOwned(status) {
			return
		}
		for _, line := range strings.Split(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
				if strings.Join(strings.Fields(rest), " ") != "0 0 0 0" {
					t.Fatalf("%q: root owned with %q", status, line)
				}
				return
			}
		}
		t.Fatalf("%q: root owned without a Uid line", status)
	})
}

// alive reports whether pid still runs (a zombie does not).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}

// spawn runs the test binary as bin with b's argv; the process is killed
// and reaped at the end of the test.
func spawn(t *testing.T, bin string, b Background, impostor bool, uid uint32) int {
	t.Helper()
	cmd := exec.Command(bin, b.args()...)
	if uid != 0 {
		// The build directory is root's alone: nobody runs the same
		// file (the same inode) through a descriptor it inherits.
		f, err := os.Open(bin)
		require.NoError(t, err)
		defer f.Close()
		cmd = exec.Command("/proc/self/fd/3", b.args()...)
		cmd.ExtraFiles = []*os.File{f}
	}
	cmd.Env = os.Environ()
	if impostor {
		cmd.Env = append(cmd.Env, impostorEnv+"=1")
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if uid != 0 {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uid, Gid: uid}
	}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid
}

// copyFile makes a copy of the file at src (another inode, same bytes).
func copyFile(t *testing.T, src, dst string) {
	in, err := os.Open(src)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

// StopBackground ends the senders of the address, all of them, and
// nothing that only looks like one.
func TestStopBackground(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.36.1/24", "198.18.36.10/24", "198.18.36.11/24"}, nil)
	v2 := netiftest.NewVeth(t, []string{"198.18.36.10/24"}, nil)
	self, err := os.Executable()
	require.NoError(t, err)
	vip := netip.MustParsePrefix("198.18.36.10/24")
	b := Background{Link: v.Host, Prefix: vip, Count: 100000, Interval: 50 * time.Millisecond}

	var real []int
	for i := 0; i < 3; i++ {
		real = append(real, spawn(t, self, b, false, 0))
	}
	other := b
	other.Prefix = netip.MustParsePrefix("198.18.36.11/24")
	otherIP := spawn(t, self, other, false, 0)
	elsewhere := b
	elsewhere.Link = "lo"
	onLo := spawn(t, self, elsewhere, true, 0)
	onV2 := b
	onV2.Link = v2.Host
	realOnV2 := spawn(t, self, onV2, false, 0)
	inNS := b
	inNS.Namespace = v.NS
	inOtherNS := spawn(t, self, inNS, true, 0)
	copied := filepath.Join(t.TempDir(), "copy")
	copyFile(t, self, copied)
	otherBinary := spawn(t, copied, b, true, 0)
	var notRoot int
	if os.Geteuid() == 0 {
		notRoot = spawn(t, self, b, true, 65534)
	}
	if notRoot != 0 {
		// Only its uid tells it from a sender.
		mine, err := fileID("/proc/self/exe")
		require.NoError(t, err)
		its, err := fileID("/proc/" + strconv.Itoa(notRoot) + "/exe")
		require.NoError(t, err)
		require.Equal(t, mine, its, "nobody runs the same file")
	}
	for _, pid := range append(real, realOnV2, otherIP) {
		require.True(t, alive(pid), "sender %d runs", pid)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := StopBackground(ctx, "", v.Host, vip.Addr())
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	for _, pid := range real {
		assert.False(t, alive(pid), "sender %d ended", pid)
	}
	assert.True(t, alive(otherIP), "a sender of another address")
	assert.True(t, alive(realOnV2), "a sender on another interface")
	assert.True(t, alive(onLo), "a sender on another interface")
	assert.True(t, alive(inOtherNS), "a sender in another namespace")
	assert.True(t, alive(otherBinary), "a process of another executable")
	if notRoot != 0 {
		assert.True(t, alive(notRoot), "a process of another user")
	}

	// With the interface unknown, every sender of the address goes (the
	// one on lo only sleeps, but is one by all its marks), and still
	// nothing else.
	n, err = StopBackground(ctx, "", "", vip.Addr())
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.False(t, alive(realOnV2))
	assert.False(t, alive(onLo))
	assert.True(t, alive(otherIP))
	assert.True(t, alive(inOtherNS))
	assert.True(t, alive(otherBinary))
	if notRoot != 0 {
		assert.True(t, alive(notRoot))
	}
}

// A sender stops by itself once the address has left the interface.
func TestAnnounceWhileHeld(t *testing.T) {
	v := netiftest.NewVeth(t, []string{"198.18.37.1/24", "198.18.37.10/24"}, nil)
	h, err := Open("")
	require.NoError(t, err)
	defer h.Close()
	link, err := h.Link(v.Host)
	require.NoError(t, err)
	vip := netip.MustParsePrefix("198.18.37.10/24")
	done := make(chan error, 1)
	go func() {
		// 100000 packets 10 ms apart would take 1000 s.
		done <- h.AnnounceWhileHeld(context.Background(), link, vip, 100000, 10*time.Millisecond, false)
	}()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, h.Del(link, vip))
	select {
	case err := <-done:
		require.NoError(t, err, "a sender whose address left has done its job")
	case <-time.After(10 * time.Second):
		t.Fatal("the sender went on after the address left")
	}
}
