package multinode

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// The switch and the client are named network namespaces (/run/netns):
// they outlive a node, and a crashed run's are found by name. The nodes'
// are not named: a node's network namespace must die with its processes,
// or its addresses would keep answering after a power off.
const (
	switchNS = "ocfkit-mn-switch"
	clientNS = "ocfkit-mn-client"
	bridge   = "br0"
)

// ip runs ip(8) with args and returns an error with its output.
func ip(args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// nsExists reports whether a named network namespace exists.
func nsExists(name string) bool {
	_, err := os.Stat("/run/netns/" + name)
	return err == nil
}

// makeSwitch creates the switch namespace with its bridge, and the client
// namespace plugged into it.
func makeSwitch() error {
	steps := [][]string{
		{"netns", "add", switchNS},
		{"-n", switchNS, "link", "set", "lo", "up"},
		{"-n", switchNS, "link", "add", bridge, "type", "bridge", "stp_state", "0", "forward_delay", "0"},
		{"-n", switchNS, "addr", "add", SwitchAddr + fmt.Sprintf("/%d", prefixLen), "dev", bridge},
		{"-n", switchNS, "link", "set", bridge, "up"},
		{"netns", "add", clientNS},
		{"-n", clientNS, "link", "set", "lo", "up"},
		{"-n", switchNS, "link", "add", "client", "type", "veth", "peer", "name", "eth0", "netns", clientNS},
		{"-n", switchNS, "link", "set", "client", "master", bridge, "up"},
		{"-n", clientNS, "addr", "add", ClientAddr + fmt.Sprintf("/%d", prefixLen), "dev", "eth0"},
		{"-n", clientNS, "link", "set", "eth0", "up"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			return err
		}
	}
	return nil
}

// plug connects node i, whose PID 1 is pid, to the switch: a veth pair
// with "node<i>" on the bridge and eth0 in the node, and the node's address.
func plug(i, pid int) error {
	port := NodeName(i)
	ns := fmt.Sprint(pid)
	steps := [][]string{
		// A node's MAC is its own across reboots, as a real NIC's is (the
		// OCI fake finds a VNIC's interface by it).
		{"-n", switchNS, "link", "add", port, "type", "veth", "peer", "name", "eth0", "address", NodeMAC(i), "netns", ns},
		{"-n", switchNS, "link", "set", port, "master", bridge, "up"},
	}
	for _, s := range steps {
		if err := ip(s...); err != nil {
			return err
		}
	}
	// Inside the node: lo and eth0 up, its address.
	netns := fmt.Sprintf("/proc/%d/ns/net", pid)
	for _, s := range [][]string{
		{"link", "set", "lo", "up"},
		{"addr", "add", NodeAddr(i) + fmt.Sprintf("/%d", prefixLen), "dev", "eth0"},
		{"link", "set", "eth0", "up"},
	} {
		if err := inNetns(netns, func() error { return ip(s...) }); err != nil {
			return err
		}
	}
	return nil
}

// NodeMAC is the MAC address of node i's eth0.
func NodeMAC(i int) string { return fmt.Sprintf("02:00:0a:d5:00:%02x", i) }

// unplug deletes node i's switch port (and so both ends of its veth). A
// node whose namespace is being torn down still holds the port name for a
// moment: waiting for it here lets a reboot add it again at once.
func unplug(i int) error {
	port := NodeName(i)
	err := ip("-n", switchNS, "link", "del", port)
	if err != nil && !strings.Contains(err.Error(), "Cannot find device") {
		return err
	}
	return nil
}

// setPort sets node i's switch port up or down: a cable cut and its repair.
func setPort(i int, up bool) error {
	state := "down"
	if up {
		state = "up"
	}
	return ip("-n", switchNS, "link", "set", NodeName(i), state)
}

// inNetns runs f on an OS thread that has joined the network namespace at
// path. Children f starts (ip, a listener's socket) inherit it. The thread
// is thrown away afterwards rather than trusted back into the pool.
func inNetns(path string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: the thread exits with this goroutine.
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", path, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// listenIn opens a TCP listener in the network namespace at path.
func listenIn(path, addr string) (net.Listener, error) {
	var l net.Listener
	err := inNetns(path, func() error {
		var err error
		l, err = net.Listen("tcp", addr)
		return err
	})
	return l, err
}

// ListenSwitch opens a TCP listener on the bridge's address (SwitchAddr) in
// the switch namespace: every node and the client reach it, and a node
// whose link is cut does not. Use port 0 for any free port.
func (c *Cluster) ListenSwitch(port int) (net.Listener, error) {
	return listenIn("/run/netns/"+switchNS, fmt.Sprintf("%s:%d", SwitchAddr, port))
}

// DialClient opens a TCP connection from the client namespace, as a user
// of the service would.
func (c *Cluster) DialClient(ctx context.Context, addr string) (net.Conn, error) {
	var conn net.Conn
	err := inNetns("/run/netns/"+clientNS, func() error {
		var err error
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		return err
	})
	return conn, err
}
