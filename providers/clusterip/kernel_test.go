package clusterip

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// node is the peer namespace of a veth pair playing one cluster node: the
// cluster address on its interface, the rules made in its namespace. The
// host end is the client, with many source addresses.
type node struct {
	v    *netiftest.Veth
	ns   netns.NsHandle
	conn *Conn
	cfg  Config
}

func newNode(t *testing.T, subnet int, hash Hash) *node {
	t.Helper()
	testenv.NeedRoot(t)
	pfx := fmt.Sprintf("198.18.%d.", subnet)
	v := netiftest.NewVeth(t, []string{pfx + "1/24"}, []string{pfx + "10/24"})
	ns, err := netns.GetFromName(v.NS)
	require.NoError(t, err)
	t.Cleanup(func() { ns.Close() })
	c, err := Open(int(ns))
	require.NoError(t, err)
	var link int
	require.NoError(t, c.inNamespace(func() error {
		ifi, err := net.InterfaceByName(v.Peer)
		if err == nil {
			link = ifi.Index
		}
		return err
	}))
	ip := netip.MustParseAddr(pfx + "10")
	seed, mac := Derive(ip, 24, netip.MustParseAddr(pfx+"255"))
	n := &node{v: v, ns: ns, conn: c, cfg: Config{IP: ip, Link: link, Total: 2, Seed: seed, Hash: hash, MAC: mac}}
	t.Cleanup(func() { c.Teardown(n.cfg) })
	// The client's sources, .100 to .139.
	for i := 100; i < 140; i++ {
		out, err := exec.Command("ip", "addr", "add", fmt.Sprintf("%s%d/24", pfx, i), "dev", v.Host).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	// The client reaches the address at the cluster MAC, as a node's ARP
	// answer (mangled) or a static entry would have it: the frames are
	// multicast, and only the rule's pkttype makes TCP take them.
	out, err := exec.Command("ip", "neigh", "replace", ip.String(), "lladdr", mac.String(), "dev", v.Host, "nud", "permanent").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return n
}

// accepted listens on the cluster address in the node's namespace and
// reports from which sources of the client a TCP connection succeeds.
func (n *node) accepted(t *testing.T, sources []netip.AddrPort) []netip.AddrPort {
	t.Helper()
	var l net.Listener
	require.NoError(t, n.conn.inNamespace(func() error {
		var err error
		l, err = net.Listen("tcp", netip.AddrPortFrom(n.cfg.IP, 0).String())
		return err
	}))
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	var mu sync.Mutex
	var ok []netip.AddrPort
	var wg sync.WaitGroup
	for _, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A dropped SYN is retried after 1 s; 2.5 s covers one retry.
			// SO_REUSEADDR: a fixed source port may still be in TIME_WAIT
			// from an earlier connection (to another listener port).
			d := net.Dialer{Timeout: 2500 * time.Millisecond, LocalAddr: net.TCPAddrFromAddrPort(src),
				Control: func(_, _ string, c syscall.RawConn) error {
					var serr error
					if err := c.Control(func(fd uintptr) {
						serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
					}); err != nil {
						return err
					}
					return serr
				}}
			c, err := d.Dial("tcp", netip.AddrPortFrom(n.cfg.IP, uint16(port)).String())
			if err == nil {
				c.Close()
				mu.Lock()
				ok = append(ok, src)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(ok, func(a, b netip.AddrPort) int { return a.Compare(b) })
	return ok
}

// split is the node holding bucket 1, then bucket 2 (left in place): the
// sources each served.
func (n *node) split(t *testing.T, sources []netip.AddrPort) (one, two []netip.AddrPort) {
	t.Helper()
	require.NoError(t, n.conn.AddNode(n.cfg, 1))
	one = n.accepted(t, sources)
	require.NoError(t, n.conn.DelNode(n.cfg.IP, 1))
	require.NoError(t, n.conn.AddNode(n.cfg, 2))
	return one, n.accepted(t, sources)
}

func sourceIPs(subnet int) []netip.AddrPort {
	var out []netip.AddrPort
	for i := 100; i < 140; i++ {
		out = append(out, netip.AddrPortFrom(netip.MustParseAddr(fmt.Sprintf("198.18.%d.%d", subnet, i)), 0))
	}
	return out
}

// Two nodes of a two-instance clone, played in turn by one namespace
// holding bucket 1 then bucket 2: every client is served by exactly one of
// them, and by the same one each time.
func TestBucketsShareTheClients(t *testing.T) {
	n := newNode(t, 62, SourceIP)
	require.NoError(t, n.conn.Setup(n.cfg))
	all := sourceIPs(62)
	assert.Empty(t, n.accepted(t, all[:4]), "no bucket: the drop rule takes everything")

	one, two := n.split(t, all)
	assert.NotEmpty(t, one)
	assert.NotEmpty(t, two)
	assert.Len(t, append(slices.Clone(one), two...), len(all), "each client in exactly one bucket:\n1: %v\n2: %v", one, two)
	for _, s := range one {
		assert.NotContains(t, two, s, "a client served by both nodes")
	}
	require.NoError(t, n.conn.DelNode(n.cfg.IP, 2))
	require.NoError(t, n.conn.AddNode(n.cfg, 1))
	assert.Equal(t, one, n.accepted(t, all), "the same bucket each time")
}

// With the source port in the hash, one client address is spread over
// both buckets.
func TestSourcePortHash(t *testing.T) {
	n := newNode(t, 63, SourceIPPort)
	require.NoError(t, n.conn.Setup(n.cfg))
	var ports []netip.AddrPort
	base := 20000 + rand.IntN(40000) // not the ports of an earlier run, still in TIME_WAIT
	for p := base; p < base+40; p++ {
		ports = append(ports, netip.AddrPortFrom(netip.MustParseAddr("198.18.63.100"), uint16(p)))
	}
	one, two := n.split(t, ports)
	assert.NotEmpty(t, one)
	assert.NotEmpty(t, two)
	assert.Len(t, append(slices.Clone(one), two...), len(ports))
}

func TestRulesAndTeardown(t *testing.T) {
	n := newNode(t, 64, SourceIP)
	n.cfg.MangleARP = true
	nodes, exists, err := n.conn.Nodes(n.cfg.IP)
	require.NoError(t, err)
	assert.False(t, exists)
	assert.Empty(t, nodes)

	require.NoError(t, n.conn.Setup(n.cfg))
	require.NoError(t, n.conn.AddNode(n.cfg, 2))
	require.NoError(t, n.conn.AddNode(n.cfg, 1))
	nodes, exists, err = n.conn.Nodes(n.cfg.IP)
	require.NoError(t, err)
	assert.True(t, exists)
	assert.ElementsMatch(t, []int{1, 2}, nodes)
	m, err := n.conn.Maddrs(n.cfg.Link)
	require.NoError(t, err)
	assert.Contains(t, m, n.cfg.MAC)
	_, err = n.conn.nft.ListTableOfFamily(TableName(n.cfg.IP), 3) // NFPROTO_ARP
	assert.NoError(t, err, "the ARP table")

	require.NoError(t, n.conn.DelNode(n.cfg.IP, 2))
	require.NoError(t, n.conn.DelNode(n.cfg.IP, 2), "deleting what is gone")
	nodes, _, _ = n.conn.Nodes(n.cfg.IP)
	assert.Equal(t, []int{1}, nodes)

	// Setup again (a start after a crash) replaces the table.
	require.NoError(t, n.conn.Setup(n.cfg))
	nodes, _, _ = n.conn.Nodes(n.cfg.IP)
	assert.Empty(t, nodes)

	require.NoError(t, n.conn.Teardown(n.cfg))
	require.NoError(t, n.conn.Teardown(n.cfg), "tearing down what is gone")
	_, exists, err = n.conn.Nodes(n.cfg.IP)
	require.NoError(t, err)
	assert.False(t, exists)
	m, err = n.conn.Maddrs(n.cfg.Link)
	require.NoError(t, err)
	assert.NotContains(t, m, n.cfg.MAC)

	// Nothing of this leaked into the test's own namespace.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	host, err := Open(-1)
	require.NoError(t, err)
	_, exists, err = host.Nodes(n.cfg.IP)
	require.NoError(t, err)
	assert.False(t, exists)
}

// With ARP mangling the node answers ARP for the address with the cluster
// MAC, so that clients send to all nodes at once.
func TestARPAnswersWithClusterMAC(t *testing.T) {
	n := newNode(t, 66, SourceIP)
	out, err := exec.Command("ip", "neigh", "del", n.cfg.IP.String(), "dev", n.v.Host).CombinedOutput()
	require.NoError(t, err, "%s", out)
	n.cfg.MangleARP = true
	require.NoError(t, n.conn.Setup(n.cfg))
	require.NoError(t, n.conn.AddNode(n.cfg, 1))
	var lladdr string
	for i := 0; i < 50 && lladdr == ""; i++ {
		// Any packet makes the client resolve the address.
		if c, err := net.Dial("udp", netip.AddrPortFrom(n.cfg.IP, 9).String()); err == nil {
			c.Write([]byte("x"))
			c.Close()
		}
		time.Sleep(100 * time.Millisecond)
		out, _ := exec.Command("ip", "-o", "neigh", "show", n.cfg.IP.String(), "dev", n.v.Host).CombinedOutput()
		if f := strings.Fields(string(out)); len(f) >= 4 && f[1] == "lladdr" {
			lladdr = f[2]
		}
	}
	assert.Equal(t, n.cfg.MAC.String(), lladdr, "the client learnt the cluster MAC")
}
