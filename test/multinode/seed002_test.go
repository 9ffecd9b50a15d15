package multinode

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Seed002 is seed 002's stack on the multinode cluster: DRBD (the fake,
// one world for both nodes) promotable clone ms_drbd0, and the group
// rg_httpd of ocfkit's IPaddr2 on eth0, Filesystem (ext4 on a loop device
// both nodes see, mounted in the node's own mount namespace) and apache (a
// configuration of the test's serving the filesystem on the VIP, its pid
// file in a directory each node has to itself), with the seed's
// colocation and order.
type Seed002 struct {
	VIP  string
	Port int
	Page string
	Mnt  string
	DRBD *DRBD
	// Prefer, when set, is a node the group prefers a little (50), so
	// that a fresh cluster starts it there.
	Prefer string
	loop   string
	web    *httpdtest.Server
}

// Seed002VIP is the stack's address on the bridge.
const Seed002VIP = "10.213.0.70"

// NewSeed002 prepares the machine's side; pass Options() to Start, then
// Configure.
func NewSeed002(t testing.TB) *Seed002 {
	t.Helper()
	testenv.NeedCmd(t, "mkfs.ext4")
	testenv.NeedFile(t, httpdtest.Binary)
	s := &Seed002{VIP: Seed002VIP}
	s.loop = mounttest.Loop(t, 32)
	mounttest.Mkfs(t, "ext4", s.loop, "seed002")
	base, err := os.MkdirTemp("", "ocfkit-mn-seed002-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(base, 0o755))
	s.Mnt = filepath.Join(base, "html")
	require.NoError(t, os.Mkdir(s.Mnt, 0o755))
	t.Cleanup(func() {
		mounttest.UnmountAll(t, base)
		os.Remove(s.Mnt)
		os.Remove(base)
	})
	s.Page = fmt.Sprintf("<html><body>seed 002: served from ext4 on %s</body></html>\n", s.loop)
	mounttest.Mount(t, "-t", "ext4", s.loop, s.Mnt)
	require.NoError(t, os.WriteFile(filepath.Join(s.Mnt, "index.html"), []byte(s.Page), 0o644))
	require.NoError(t, syscall.Unmount(s.Mnt, 0))

	s.Port = httpdtest.FreePort(t)
	s.web = httpdtest.New(t, httpdtest.Options{
		Extra: fmt.Sprintf("Listen %s:%d\nDocumentRoot %s\n<Directory %s>\n  Require all granted\n</Directory>\n",
			s.VIP, s.Port, s.Mnt, s.Mnt),
	})
	s.DRBD = &DRBD{Dir: NewDRBDDir(t)}
	return s
}

// Options are what the cluster needs for the stack.
func (s *Seed002) Options() Options {
	return Options{
		Agents:  []string{"drbd", "IPaddr2", "Filesystem", "apache"},
		Private: []string{s.DRBD.Dir, filepath.Dir(s.web.PidFile)},
		OnBoot:  s.DRBD.OnBoot,
	}
}

// Configure starts the DRBD world and creates the seed's configuration
// from node n with pcs, pushed at once as the seed's commit does. echo,
// when set, is shown each pcs command.
func (s *Seed002) Configure(t testing.TB, c *Cluster, n *Node, echo func(string)) {
	t.Helper()
	StartDRBD(t, c, s.DRBD)
	cib := filepath.Join(c.Dir(), "seed002.xml")
	n.Pcs(t, "cluster", "cib", cib)
	pcs := func(args ...string) {
		if echo != nil {
			echo("pcs " + strings.Join(args, " "))
		}
		n.Pcs(t, append([]string{"-f", cib}, args...)...)
	}
	d := s.DRBD.Dir
	pcs("resource", "create", "res_drbd0", "ocf:ocfkit:drbd", "drbd_resource=r0",
		"drbdconf="+d+"/drbd.conf", "drbdadm="+d+"/drbdadm", "drbdsetup="+d+"/drbdsetup",
		"proc_drbd="+d+"/proc_drbd",
		"op", "monitor", "interval=2s", "role=Promoted",
		"op", "monitor", "interval=3s", "role=Unpromoted")
	pcs("resource", "promotable", "res_drbd0", "ms_drbd0",
		"promoted-max=1", "promoted-node-max=1", "clone-max=2", "clone-node-max=1", "notify=true")
	pcs("resource", "create", "res_ip", "ocf:ocfkit:IPaddr2", "nic=eth0", "ip="+s.VIP, "cidr_netmask=24",
		"op", "monitor", "interval=2s", "--group", "rg_httpd")
	pcs("resource", "create", "res_fs_drbd0", "ocf:ocfkit:Filesystem", "device="+s.loop, "fstype=ext4",
		"directory="+s.Mnt, "op", "monitor", "interval=2s", "--group", "rg_httpd")
	pcs("resource", "create", "res_httpd", "ocf:ocfkit:apache", "configfile="+s.web.ConfigFile,
		"httpd="+httpdtest.Binary, "statusurl="+s.web.URL("/server-status"),
		"op", "monitor", "interval=2s", "--group", "rg_httpd")
	pcs("constraint", "colocation", "add", "rg_httpd", "with", "Promoted", "ms_drbd0", "INFINITY",
		"id=c_rg_httpd_on_drbd0")
	pcs("constraint", "order", "promote", "ms_drbd0", "then", "start", "rg_httpd",
		"id=o_drbd0_befor_rg_httpd")
	if s.Prefer != "" {
		pcs("constraint", "location", "rg_httpd", "prefers", s.Prefer+"=50")
	}
	if echo != nil {
		echo("pcs cluster cib-push (all of the above at once)")
	}
	n.Pcs(t, "cluster", "cib-push", cib)
}

// URL is the page at the VIP.
func (s *Seed002) URL() string { return fmt.Sprintf("http://%s:%d/", s.VIP, s.Port) }

// Holders are who holds the address, the mount and the Primary role.
func (s *Seed002) Holders(c *Cluster) map[string][]string {
	return map[string][]string{
		"address": c.AddrHolders(s.VIP),
		"mount":   c.Mounted(s.Mnt),
		"primary": s.DRBD.Primaries(),
	}
}

// Serves reports whether node runs the whole stack and the client gets
// the page from the VIP.
func (s *Seed002) Serves(c *Cluster, node string) bool {
	n := c.Node(node)
	if !n.HasAddr(s.VIP) || s.DRBD.Role(n) != "Primary" {
		return false
	}
	if m := c.Mounted(s.Mnt); len(m) != 1 || m[0] != node {
		return false
	}
	got, err := c.ClientGet(s.URL(), time.Second)
	return err == nil && got+"\n" == s.Page
}

// TestSeed002 is seed 002 on two nodes through scenarios 1-5: DRBD, the
// VIP, the filesystem and apache move together, never held by two nodes
// at once, and a node that comes back resyncs to Secondary.
func TestSeed002(t *testing.T) {
	s := NewSeed002(t)
	o := s.Options()
	o.Nodes, o.Token = 2, time.Second
	c := Start(t, o)
	s.Configure(t, c, c.Nodes[0], nil)
	runScenarios(t, c, stack{
		rsc:     "res_httpd",
		create:  func(t *testing.T, c *Cluster, n *Node) {},
		holders: func() map[string][]string { return s.Holders(c) },
		serves:  s.Serves,
		fail: func(t *testing.T, node string) {
			// The address vanishes behind Pacemaker's back.
			require.NoError(t, c.Node(node).InNetns(func() error {
				return ip("addr", "del", s.VIP+"/24", "dev", "eth0")
			}))
		},
		rejoined: func(t *testing.T, n *Node) {
			c.WaitFor(t, time.Minute, n.Name+" DRBD Secondary and UpToDate", func() bool {
				return s.DRBD.Role(n) == "Secondary" && s.DRBD.Disk(n) == "UpToDate"
			})
			assert.Equal(t, "Secondary", s.DRBD.Role(n))
		},
	})
}
