// Package netiftest gives tests a veth pair whose peer lives in a network
// namespace of the test's own, and captures what arrives at the peer.
// Everything is removed at cleanup, also when the test fails.
package netiftest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Veth is a veth pair: Host in the test's namespace, Peer in namespace NS.
type Veth struct {
	Host, Peer, NS string
	HostMAC        net.HardwareAddr
}

// NewVeth creates a veth pair with the peer in a new namespace, both up. The
// host end gets hostAddrs (e.g. "198.18.7.1/24"), the peer peerAddrs.
func NewVeth(t testing.TB, hostAddrs, peerAddrs []string) *Veth {
	t.Helper()
	testenv.NeedRoot(t)
	ip := testenv.NeedCmd(t, "ip")
	id := randomID()
	v := &Veth{Host: "ocfk" + id + "h", Peer: "ocfk" + id + "p", NS: "ocfkit-" + id}
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", v.NS)
	t.Cleanup(func() { exec.Command(ip, "netns", "del", v.NS).Run() })
	run("link", "add", v.Host, "type", "veth", "peer", "name", v.Peer, "netns", v.NS)
	t.Cleanup(func() { exec.Command(ip, "link", "del", v.Host).Run() })
	// No IPv6 DAD delays or router solicitations to wait for in tests.
	for _, sysctl := range []string{"accept_dad=0", "dad_transmits=0"} {
		exec.Command("sysctl", "-qw", "net.ipv6.conf."+v.Host+"."+sysctl).Run()
	}
	// Nor on the peer: its addresses must answer at once, e.g. to the
	// duplicate detection of a test that turns DAD back on at the host.
	for _, sysctl := range []string{"accept_dad=0", "dad_transmits=0"} {
		run("netns", "exec", v.NS, "sysctl", "-qw", "net.ipv6.conf."+v.Peer+"."+sysctl)
	}
	run("link", "set", v.Host, "up")
	run("-n", v.NS, "link", "set", v.Peer, "up")
	run("-n", v.NS, "link", "set", "lo", "up")
	for _, a := range hostAddrs {
		run(append(append([]string{"addr", "add"}, strings.Fields(a)...), "dev", v.Host)...)
	}
	for _, a := range peerAddrs {
		run(append(append([]string{"-n", v.NS, "addr", "add"}, strings.Fields(a)...), "dev", v.Peer)...)
	}
	l, err := net.InterfaceByName(v.Host)
	if err != nil {
		t.Fatal(err)
	}
	v.HostMAC = l.HardwareAddr
	return v
}

// EnableDAD turns IPv6 duplicate address detection back on for an
// interface (NewVeth turns it off so tests need not wait for it).
func EnableDAD(t testing.TB, ifname string) {
	t.Helper()
	for _, sysctl := range []string{"accept_dad=1", "dad_transmits=1"} {
		if out, err := exec.Command("sysctl", "-qw", "net.ipv6.conf."+ifname+"."+sysctl).CombinedOutput(); err != nil {
			t.Fatalf("sysctl %s: %v %s", sysctl, err, out)
		}
	}
}

func randomID() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Frame is one frame captured at the peer (link-layer payload, without the
// Ethernet header) with the Ethernet protocol and source MAC.
type Frame struct {
	Proto   uint16
	SrcMAC  net.HardwareAddr
	Payload []byte
}

// Capture listens at the peer end for the given Ethernet protocol
// (unix.ETH_P_ARP, unix.ETH_P_IPV6) until stop is called, which returns
// what arrived.
func (v *Veth) Capture(t testing.TB, proto uint16) (stop func() []Frame) {
	t.Helper()
	return v.capture(t, proto).stop
}

// CaptureWait is Capture for frames a background sender sends after the
// action returned: wait returns once n captured frames satisfy match, or
// when within has passed, and keeps listening for settle more so that a
// frame too many shows. Waiting for the frames themselves, not for a fixed
// time, keeps a slow sender on a loaded machine from failing the test.
func (v *Veth) CaptureWait(t testing.TB, proto uint16) (wait func(match func(Frame) bool, n int, within, settle time.Duration) []Frame) {
	t.Helper()
	c := v.capture(t, proto)
	return func(match func(Frame) bool, n int, within, settle time.Duration) []Frame {
		deadline := time.Now().Add(within)
		for time.Now().Before(deadline) && c.count(match) < n {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(settle)
		return c.stop()
	}
}

type capture struct {
	mu      sync.Mutex
	frames  []Frame
	done    chan struct{}
	result  chan []Frame
	once    sync.Once
	stopped []Frame
}

func (c *capture) count(match func(Frame) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, f := range c.frames {
		if match(f) {
			n++
		}
	}
	return n
}

func (c *capture) stop() []Frame {
	c.once.Do(func() {
		close(c.done)
		c.stopped = <-c.result
	})
	return c.stopped
}

func (v *Veth) capture(t testing.TB, proto uint16) *capture {
	t.Helper()
	fd := socketIn(t, v.NS, proto)
	ifi := ifindexIn(t, v.NS, v.Peer)
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(proto), Ifindex: ifi}); err != nil {
		unix.Close(fd)
		t.Fatalf("bind capture socket: %v", err)
	}
	tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	c := &capture{done: make(chan struct{}), result: make(chan []Frame, 1)}
	go func() {
		buf := make([]byte, 2048)
		for {
			select {
			case <-c.done:
				unix.Close(fd)
				c.mu.Lock()
				c.result <- c.frames
				c.mu.Unlock()
				return
			default:
			}
			n, from, err := unix.Recvfrom(fd, buf, 0)
			if err != nil || n <= 0 {
				continue
			}
			ll, ok := from.(*unix.SockaddrLinklayer)
			if !ok || ll.Pkttype == unix.PACKET_OUTGOING {
				continue
			}
			c.mu.Lock()
			c.frames = append(c.frames, Frame{
				Proto:   htons(ll.Protocol),
				SrcMAC:  append(net.HardwareAddr(nil), ll.Addr[:ll.Halen]...),
				Payload: append([]byte(nil), buf[:n]...),
			})
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() { c.stop() })
	return c
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// inNS runs f on a thread switched into the named namespace.
func inNS(t testing.TB, ns string, f func()) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	target, err := netns.GetFromName(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := netns.Set(target); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := netns.Set(orig); err != nil {
			panic(fmt.Sprintf("cannot return to the original namespace: %v", err))
		}
	}()
	f()
}

func socketIn(t testing.TB, ns string, proto uint16) int {
	var fd int
	var err error
	inNS(t, ns, func() {
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(htons(proto)))
	})
	if err != nil {
		t.Fatalf("capture socket: %v", err)
	}
	return fd
}

func ifindexIn(t testing.TB, ns, name string) int {
	var idx int
	var err error
	inNS(t, ns, func() {
		var l *net.Interface
		if l, err = net.InterfaceByName(name); err == nil {
			idx = l.Index
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return idx
}
