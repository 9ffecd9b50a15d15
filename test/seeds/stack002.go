package seeds

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Stack002 is the machine's side of seed 002 (Heartbeat + Pacemaker 1.0 on
// CentOS) that every cluster shares: ext4 on a loop device holding the
// page, a mount point apache's workers can reach, and an apache
// configuration serving that filesystem on the VIP. DRBD (the fake) and
// the VIP's interface belong to the cluster that runs the stack.
type Stack002 struct {
	VIP  string
	Port int    // apache's port on the VIP
	Page string // the index page, written on the filesystem only
	Mnt  string
	Loop string
	Web  *httpdtest.Server
}

// NewStack002 prepares the stack for an address vip; whatever is mounted
// on the mount point is unmounted at cleanup.
func NewStack002(t testing.TB, vip string) *Stack002 {
	t.Helper()
	testenv.NeedCmd(t, "mkfs.ext4")
	testenv.NeedFile(t, httpdtest.Binary)
	s := &Stack002{VIP: vip}
	s.Loop = mounttest.Loop(t, 32)
	mounttest.Mkfs(t, "ext4", s.Loop, "seed002")
	s.Mnt = mountPoint(t)
	s.Page = fmt.Sprintf("<html><body>seed 002: served from ext4 on %s</body></html>\n", s.Loop)
	mounttest.Mount(t, "-t", "ext4", s.Loop, s.Mnt)
	require.NoError(t, os.WriteFile(filepath.Join(s.Mnt, "index.html"), []byte(s.Page), 0o644))
	require.NoError(t, syscall.Unmount(s.Mnt, 0))

	s.Port = httpdtest.FreePort(t)
	s.Web = httpdtest.New(t, httpdtest.Options{
		// The document root is the mounted filesystem; the page is
		// served on the VIP. 127.0.0.1 keeps the status page local.
		Extra: fmt.Sprintf("Listen %s:%d\nDocumentRoot %s\n<Directory %s>\n  Require all granted\n</Directory>\n",
			s.VIP, s.Port, s.Mnt, s.Mnt),
	})
	return s
}

// mountPoint is a directory apache's workers (nobody) can reach, unlike
// t.TempDir; whatever is mounted there is unmounted at cleanup.
func mountPoint(t testing.TB) string {
	t.Helper()
	base, err := os.MkdirTemp("", "ocfkit-seed002-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(base, 0o755))
	mnt := filepath.Join(base, "html")
	require.NoError(t, os.Mkdir(mnt, 0o755))
	t.Cleanup(func() {
		mounttest.UnmountAll(t, base)
		// Remove, not RemoveAll: never delete through a mount.
		os.Remove(mnt)
		os.Remove(base)
	})
	return mnt
}

// URL is the page at the VIP.
func (s *Stack002) URL() string { return fmt.Sprintf("http://%s:%d/", s.VIP, s.Port) }

// Agents are the ocfkit agents the stack needs installed.
var Agents002 = []string{"drbd", "IPaddr2", "Filesystem", "apache"}

// Properties002 are the seed's cluster properties as pcs commands, for a
// single-node cluster: stonith-enabled="false" (the harness sets it),
// no-quorum-policy="Ignore", default-action-timeout="240",
// default-resource-stickiness="200". A multi-node cluster keeps its
// quorum policy: a partition without quorum must not run the stack.
var Properties002 = [][]string{
	{"property", "set", "no-quorum-policy=ignore"},
	{"resource", "op", "defaults", "update", "timeout=240s"},
	{"resource", "defaults", "update", "resource-stickiness=200"},
}

// Commands are the seed's resources and constraints as pcs commands (to run with
// -f on a copy of the CIB, then push at once as the seed's `commit`
// does), for the VIP on nic and the DRBD fake installed in drbdDir.
// Monitor intervals are shorter than the seed's 20s so that the tests
// react quickly, and the DRBD clone has a monitor for each role: the
// seed's single monitor runs only on the unpromoted instance, so a
// promoted instance whose disk turns Outdated would never be noticed.
func (s *Stack002) Commands(nic, drbdDir string) [][]string {
	d := drbdDir
	return [][]string{
		// primitive res_drbd0 ocf:linbit:drbd params drbd_resource="r0" ...
		// ms ms_drbd0 res_drbd0 meta master-max="1" master-node-max="1"
		//   clone-max="2" clone-node-max="1" notify="true"
		{"resource", "create", "res_drbd0", "ocf:ocfkit:drbd", "drbd_resource=r0",
			"drbdconf=" + filepath.Join(d, "drbd.conf"),
			"drbdadm=" + filepath.Join(d, "drbdadm"), "drbdsetup=" + filepath.Join(d, "drbdsetup"),
			"proc_drbd=" + filepath.Join(d, "proc_drbd"),
			"op", "monitor", "interval=2s", "role=Promoted",
			"op", "monitor", "interval=3s", "role=Unpromoted"},
		{"resource", "promotable", "res_drbd0", "ms_drbd0",
			"promoted-max=1", "promoted-node-max=1", "clone-max=2", "clone-node-max=1", "notify=true"},
		// primitive res_ip ocf:heartbeat:IPaddr2 params nic="eth0"
		//   ip="192.168.0.200" cidr_netmask="24"
		{"resource", "create", "res_ip", "ocf:ocfkit:IPaddr2", "nic=" + nic, "ip=" + s.VIP, "cidr_netmask=24",
			"op", "monitor", "interval=2s", "--group", "rg_httpd"},
		// primitive res_fs_drbd0 ocf:heartbeat:Filesystem params
		//   device="/dev/drbd0" fstype="ext3" directory="/var/www/html"
		{"resource", "create", "res_fs_drbd0", "ocf:ocfkit:Filesystem", "device=" + s.Loop, "fstype=ext4",
			"directory=" + s.Mnt, "op", "monitor", "interval=2s", "--group", "rg_httpd"},
		// primitive res_httpd ocf:heartbeat:apache params
		//   configfile="/etc/httpd/conf/httpd.conf" port="80"
		{"resource", "create", "res_httpd", "ocf:ocfkit:apache", "configfile=" + s.Web.ConfigFile,
			"httpd=" + httpdtest.Binary, "statusurl=" + s.Web.URL("/server-status"),
			"op", "monitor", "interval=2s", "--group", "rg_httpd"},
		// colocation c_rg_httpd_on_drbd0 inf: rg_httpd ms_drbd0:Master
		{"constraint", "colocation", "add", "rg_httpd", "with", "Promoted", "ms_drbd0", "INFINITY",
			"id=c_rg_httpd_on_drbd0"},
		// order o_drbd0_befor_rg_httpd inf: ms_drbd0:promote rg_httpd:start
		{"constraint", "order", "promote", "ms_drbd0", "then", "start", "rg_httpd",
			"id=o_drbd0_befor_rg_httpd"},
	}
}
