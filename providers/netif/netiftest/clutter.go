package netiftest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// Clutter creates an interface in the test's namespace (the host end of
// a veth pair: not every kernel has the dummy driver) carrying n
// host addresses (/32 in 198.19.0.0/16, the benchmarking range, so no
// route of the host's changes), the way an LVS director or a Kubernetes
// node with kube-proxy in IPVS mode carries its service addresses. It
// returns the interface's name; the interface and its addresses go at
// cleanup.
func Clutter(t testing.TB, n int) string {
	t.Helper()
	testenv.NeedRoot(t)
	name := NewVeth(t, nil, nil).Host
	HostAddrs(t, name, 0, n)
	return name
}

// HostAddrs adds the addresses numbered from to to-1 of Clutter's range
// to the interface name, so that a test can grow the clutter.
func HostAddrs(t testing.TB, name string, from, to int) {
	t.Helper()
	ip := testenv.NeedCmd(t, "ip")
	if from < 0 || to > 65534 {
		t.Fatalf("HostAddrs: %d-%d is out of 0-65534", from, to)
	}
	var b strings.Builder
	for i := from + 1; i <= to; i++ {
		fmt.Fprintf(&b, "addr add 198.19.%d.%d/32 dev %s\n", i/256, i%256, name)
	}
	cmd := exec.Command(ip, "-batch", "-")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ip -batch (%d addresses on %s): %v: %s", to-from, name, err, out)
	}
}
