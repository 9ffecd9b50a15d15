package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// seed002 is the stack of seed 002 (Heartbeat + Pacemaker 1.0 on CentOS):
// DRBD promotable clone ms_drbd0, and the group rg_httpd of a VIP, a
// filesystem and apache, colocated with the promoted DRBD instance and
// ordered after its promotion. Here DRBD is the fake, the VIP lives on a
// veth pair the test makes, the filesystem is ext4 on a loop device, and
// apache is a throw-away configuration serving the filesystem on the VIP.
type seed002 struct {
	c       *cluster.Cluster
	vip     string
	nic     string
	loop    string
	mnt     string
	web     *httpdtest.Server
	port    int    // apache's port on the VIP
	page    string // the index page, written on the filesystem only
	drbdDir string
	state   string // the fake DRBD's world
	verbose bool   // print the pcs commands (the demo)
}

const seed002VIP = "198.18.52.10"

// newSeed002 prepares the machine's side (veth, loop device, apache
// configuration, fake DRBD) and then starts the cluster, so that the
// cluster stops before those are removed. more adds agents and environment
// for other resources in the same cluster (the demo's).
func newSeed002(t *testing.T, more cluster.Options) *seed002 {
	t.Helper()
	testenv.NeedCmd(t, "mkfs.ext4")
	testenv.NeedFile(t, httpdtest.Binary)
	s := &seed002{vip: seed002VIP}
	v := netiftest.NewVeth(t, []string{"198.18.52.1/24"}, []string{"198.18.52.2/24"})
	s.nic = v.Host

	s.loop = mounttest.Loop(t, 32)
	mounttest.Mkfs(t, "ext4", s.loop, "seed002")
	s.mnt = mountPoint(t)
	s.page = fmt.Sprintf("<html><body>seed 002: served from ext4 on %s</body></html>\n", s.loop)
	mounttest.Mount(t, "-t", "ext4", s.loop, s.mnt)
	require.NoError(t, os.WriteFile(filepath.Join(s.mnt, "index.html"), []byte(s.page), 0o644))
	require.NoError(t, syscall.Unmount(s.mnt, 0))

	s.port = httpdtest.FreePort(t)
	s.web = httpdtest.New(t, httpdtest.Options{
		// The document root is the mounted filesystem; the page is
		// served on the VIP. 127.0.0.1 keeps the status page local.
		Extra: fmt.Sprintf("Listen %s:%d\nDocumentRoot %s\n<Directory %s>\n  Require all granted\n</Directory>\n",
			s.vip, s.port, s.mnt, s.mnt),
	})

	fake := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")
	s.drbdDir = t.TempDir()
	require.NoError(t, os.Chmod(s.drbdDir, 0o755))
	require.NoError(t, drbdfake.Install(fake, s.drbdDir))
	w := drbdfake.NewWorld(s.drbdDir, "9.2.7", 1, 0)
	r0 := w.Resources["r0"]
	r0.Up, r0.Attached, r0.Connected = false, false, false
	s.state = drbdfake.Path(s.drbdDir)
	require.NoError(t, w.Save(s.state))
	require.NoError(t, os.WriteFile(filepath.Join(s.drbdDir, "drbd.conf"), nil, 0o644))

	s.c = cluster.Start(t, cluster.Options{
		Agents: append([]string{"drbd", "IPaddr2", "Filesystem", "apache"}, more.Agents...),
		Env:    more.Env,
	})
	return s
}

// mountPoint is a directory apache's workers (nobody) can reach, unlike
// t.TempDir; whatever is mounted there is unmounted at cleanup.
func mountPoint(t *testing.T) string {
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

// configure writes the seed's crm configuration with pcs into a copy of the
// CIB and pushes it at once, as the seed's `commit` does. Monitor intervals
// are shorter than the seed's 20s so that the test reacts quickly, and the
// DRBD clone has a monitor for each role: the seed's single monitor runs
// only on the unpromoted instance, so a promoted instance whose disk turns
// Outdated would never be noticed.
func (s *seed002) configure(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	cib, orig := filepath.Join(dir, "seed002.xml"), filepath.Join(dir, "orig.xml")
	s.c.Pcs(t, "cluster", "cib", orig)
	b, err := os.ReadFile(orig)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cib, b, 0o600))
	pcs := func(args ...string) {
		s.echo("pcs %s", strings.Join(args, " "))
		s.c.Pcs(t, append([]string{"-f", cib}, args...)...)
	}

	// property stonith-enabled="false" (the harness sets it),
	// no-quorum-policy="Ignore", default-action-timeout="240",
	// default-resource-stickiness="200"
	pcs("property", "set", "no-quorum-policy=ignore")
	pcs("resource", "op", "defaults", "update", "timeout=240s")
	pcs("resource", "defaults", "update", "resource-stickiness=200")

	// primitive res_drbd0 ocf:linbit:drbd params drbd_resource="r0" ...
	// ms ms_drbd0 res_drbd0 meta master-max="1" master-node-max="1"
	//   clone-max="2" clone-node-max="1" notify="true"
	pcs("resource", "create", "res_drbd0", "ocf:ocfkit:drbd", "drbd_resource=r0",
		"drbdconf="+filepath.Join(s.drbdDir, "drbd.conf"),
		"drbdadm="+filepath.Join(s.drbdDir, "drbdadm"), "drbdsetup="+filepath.Join(s.drbdDir, "drbdsetup"),
		"proc_drbd="+filepath.Join(s.drbdDir, "proc_drbd"),
		"op", "monitor", "interval=2s", "role=Promoted",
		"op", "monitor", "interval=3s", "role=Unpromoted")
	pcs("resource", "promotable", "res_drbd0", "ms_drbd0",
		"promoted-max=1", "promoted-node-max=1", "clone-max=2", "clone-node-max=1", "notify=true")

	// primitive res_ip ocf:heartbeat:IPaddr2 params nic="eth0"
	//   ip="192.168.0.200" cidr_netmask="24"
	pcs("resource", "create", "res_ip", "ocf:ocfkit:IPaddr2", "nic="+s.nic, "ip="+s.vip, "cidr_netmask=24",
		"op", "monitor", "interval=2s", "--group", "rg_httpd")
	// primitive res_fs_drbd0 ocf:heartbeat:Filesystem params
	//   device="/dev/drbd0" fstype="ext3" directory="/var/www/html"
	pcs("resource", "create", "res_fs_drbd0", "ocf:ocfkit:Filesystem", "device="+s.loop, "fstype=ext4",
		"directory="+s.mnt, "op", "monitor", "interval=2s", "--group", "rg_httpd")
	// primitive res_httpd ocf:heartbeat:apache params
	//   configfile="/etc/httpd/conf/httpd.conf" port="80"
	pcs("resource", "create", "res_httpd", "ocf:ocfkit:apache", "configfile="+s.web.ConfigFile,
		"httpd="+httpdtest.Binary, "statusurl="+s.web.URL("/server-status"),
		"op", "monitor", "interval=2s", "--group", "rg_httpd")

	// colocation c_rg_httpd_on_drbd0 inf: rg_httpd ms_drbd0:Master
	pcs("constraint", "colocation", "add", "rg_httpd", "with", "Promoted", "ms_drbd0", "INFINITY",
		"id=c_rg_httpd_on_drbd0")
	// order o_drbd0_befor_rg_httpd inf: ms_drbd0:promote rg_httpd:start
	pcs("constraint", "order", "promote", "ms_drbd0", "then", "start", "rg_httpd",
		"id=o_drbd0_befor_rg_httpd")

	s.echo("pcs cluster cib-push (all of the above at once)")
	s.c.Pcs(t, "cluster", "cib-push", cib, "diff-against="+orig)
}

// echo shows a command in the demo; tests stay quiet.
func (s *seed002) echo(format string, args ...any) {
	if s.verbose {
		fmt.Printf("  # "+format+"\n", args...)
	}
}

// up reports whether the whole stack runs: DRBD Primary and promoted, the
// group started, the filesystem mounted, the page served at the VIP.
func (s *seed002) up(t *testing.T) bool {
	t.Helper()
	return s.c.ResourceRole(t, "ms_drbd0") == "Promoted" && s.drbdRole(t) == "Primary" &&
		s.c.ResourceRole(t, "rg_httpd") == "Started" && mounttest.Mounted(t, s.mnt) && s.get() == s.page
}

func (s *seed002) waitUp(t *testing.T, what string) {
	t.Helper()
	s.c.WaitFor(t, 3*time.Minute, what, func() bool { return s.up(t) })
}

func (s *seed002) drbdRole(t *testing.T) string {
	t.Helper()
	w, err := drbdfake.Read(s.state)
	require.NoError(t, err)
	return w.Resources["r0"].Role
}

func (s *seed002) setDisk(t *testing.T, disk string) {
	t.Helper()
	require.NoError(t, drbdfake.Modify(s.state, func(w *drbdfake.World) {
		w.Resources["r0"].Volumes[0].Disk = disk
	}))
}

// url is the page at the VIP.
func (s *seed002) url() string { return "http://" + s.vip + ":" + strconv.Itoa(s.port) + "/" }

// get fetches the page at the VIP ("" when it cannot).
func (s *seed002) get() string {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(s.url())
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	return string(b)
}

// unmount takes the filesystem away behind Pacemaker's back.
func (s *seed002) unmount(t *testing.T) {
	t.Helper()
	for try := 0; ; try++ {
		err := syscall.Unmount(s.mnt, 0)
		if err == nil {
			return
		}
		if try == 50 {
			require.NoError(t, err, "unmount %s", s.mnt)
		}
		time.Sleep(100 * time.Millisecond) // a request in flight holds it
	}
}

// firstIndex is the index in ops of the first successful action on rsc at
// or after from, or -1.
func firstIndex(ops []cluster.Op, from int, rsc, action string) int {
	for i := from; i < len(ops); i++ {
		if ops[i].Resource == rsc && ops[i].Action == action && (ops[i].RC == 0 || ops[i].RC == 8 && action == "monitor") {
			return i
		}
	}
	return -1
}

// assertOrder checks that each (resource, action) happened, after the
// previous one, at or after index from.
func assertOrder(t *testing.T, ops []cluster.Op, from int, steps ...[2]string) {
	t.Helper()
	at := from
	for _, st := range steps {
		i := firstIndex(ops, at, st[0], st[1])
		if !assert.GreaterOrEqual(t, i, 0, "%s %s after operation %d (of %d): %v", st[1], st[0], at, len(ops), ops[from:]) {
			return
		}
		at = i + 1
	}
}

// TestSeed002 runs seed 002's cluster under a real Pacemaker and breaks it
// in each way the seed's author planned for.
func TestSeed002(t *testing.T) {
	s := newSeed002(t, cluster.Options{})
	c := s.c
	s.configure(t)
	s.waitUp(t, "the seed 002 stack up")
	ops := c.Operations(t)
	assertOrder(t, ops, 0,
		[2]string{"res_drbd0", "start"}, [2]string{"res_drbd0", "promote"},
		[2]string{"res_ip", "start"}, [2]string{"res_fs_drbd0", "start"}, [2]string{"res_httpd", "start"})
	assert.Equal(t, "10000", c.NodeAttr(t, "master-res_drbd0"))

	// Apache killed: Pacemaker restarts it.
	pid := s.web.MainPid()
	require.NotZero(t, pid)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	c.WaitFor(t, time.Minute, "res_httpd fail count 1", func() bool { return c.Failcount(t, "res_httpd") == 1 })
	s.waitUp(t, "apache restarted")
	assert.NotEqual(t, pid, s.web.MainPid())

	// The filesystem unmounted: Pacemaker mounts it again (and restarts
	// apache, which comes after it in the group).
	s.unmount(t)
	c.WaitFor(t, time.Minute, "res_fs_drbd0 fail count 1", func() bool { return c.Failcount(t, "res_fs_drbd0") == 1 })
	s.waitUp(t, "the filesystem mounted again")

	// DRBD's data Outdated: no promotion score, so Pacemaker stops the
	// group in reverse order and demotes DRBD.
	mark := len(c.Operations(t))
	s.setDisk(t, "Outdated")
	c.WaitFor(t, 2*time.Minute, "DRBD demoted and the group stopped", func() bool {
		return c.ResourceRole(t, "ms_drbd0") == "Unpromoted" && s.drbdRole(t) == "Secondary" &&
			c.ResourceRole(t, "rg_httpd") == "Stopped"
	})
	assertOrder(t, c.Operations(t), mark,
		[2]string{"res_httpd", "stop"}, [2]string{"res_fs_drbd0", "stop"}, [2]string{"res_ip", "stop"},
		[2]string{"res_drbd0", "demote"})
	assert.Equal(t, "", c.NodeAttr(t, "master-res_drbd0"))
	assert.False(t, mounttest.Mounted(t, s.mnt))
	assert.Equal(t, "", s.get(), "nothing served at the VIP")

	// UpToDate again: promoted, and the group starts in order.
	mark = len(c.Operations(t))
	s.setDisk(t, "UpToDate")
	s.waitUp(t, "the stack back once DRBD is UpToDate")
	assertOrder(t, c.Operations(t), mark,
		[2]string{"res_drbd0", "promote"},
		[2]string{"res_ip", "start"}, [2]string{"res_fs_drbd0", "start"}, [2]string{"res_httpd", "start"})
}
