package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vishvananda/netlink"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/providers/netif/netiftest"
	"github.com/ocfkit/ocfkit/test/bench"
	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/dofake"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/ocifake"
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

// TestSeedsRecovery measures, under `make bench` only, how long Pacemaker
// takes from each injected failure to recording the resource started again
// (the controller's log time of the successful start), as a median of 5:
// the seed 002 stack, the DigitalOcean reserved IP (seeds 000, 001, 004)
// and the OCI secondary IP (seed 003), all in one cluster. The monitors run
// every 2 s, so about half of that is detection.
func TestSeedsRecovery(t *testing.T) {
	bench.Need(t)
	cl := newClouds(t)
	s := newSeed002(t, cl.options())
	c := s.c
	s.configure(t)
	s.waitUp(t, "the seed 002 stack up")
	cl.create(t, s)
	vip, err := netlink.ParseAddr(s.vip + "/24")
	require.NoError(t, err)
	link, err := netlink.LinkByName(s.nic)
	require.NoError(t, err)
	now := func(f func()) func() time.Time {
		return func() time.Time {
			start := time.Now()
			f()
			return start
		}
	}
	seedUp := func() bool { return s.up(t) }

	// Each inject returns the moment the clock starts.
	kinds := []struct {
		what, rsc string
		inject    func() time.Time
		up        func() bool
	}{
		{"seed 002, apache killed", "res_httpd",
			now(func() { require.NoError(t, syscall.Kill(s.web.MainPid(), syscall.SIGKILL)) }), seedUp},
		{"seed 002, filesystem unmounted", "res_fs_drbd0", now(func() { s.unmount(t) }), seedUp},
		{"seed 002, VIP deleted", "res_ip", now(func() { require.NoError(t, netlink.AddrDel(link, vip)) }), seedUp},
		{"seed 002, DRBD UpToDate again, apache up", "res_httpd", func() time.Time {
			s.setDisk(t, "Outdated")
			c.WaitFor(t, 2*time.Minute, "the group stopped", func() bool { return c.ResourceRole(t, "rg_httpd") == "Stopped" })
			return now(func() { s.setDisk(t, "UpToDate") })()
		}, seedUp},
		{"DigitalOcean, reserved IP moved", "fip", now(cl.moveFloatingIP), func() bool { return cl.fipHome(t, c) }},
		{"OCI, secondary IP moved", "ocivip", now(cl.moveOCIVIP), func() bool { return cl.ociHome(t, c) }},
	}
	const runs = 5
	for _, k := range kinds {
		var d []time.Duration
		for i := 0; i < runs; i++ {
			since := k.inject()
			d = append(d, c.Recovery(t, k.rsc, since, 2*time.Minute))
			c.WaitFor(t, 2*time.Minute, "all well again after: "+k.what, k.up)
		}
		bench.Printf("%-44s median %9s  (n=%d, monitors every 2s)", "recovery: "+k.what,
			bench.Median(d).Round(time.Millisecond), runs)
	}
}

// TestDemo is `make demo` (scripts/demo.sh, OCFKIT_DEMO=1): the seed 002
// stack, a DigitalOcean reserved IP (seeds 000, 001, 004) and an OCI
// secondary private IP (seed 003) on one single-node cluster, each broken
// in turn while it prints what Pacemaker does. Everything is removed at the
// end, as after any test.
func TestDemo(t *testing.T) {
	if os.Getenv("OCFKIT_DEMO") != "1" {
		t.Skip("the demo: run `make demo` as root")
	}
	// Ctrl-C ends the demo through its cleanups, which stop the cluster
	// and remove everything; a killed test binary would leave that to the
	// next run.
	d := &demo{t: t, stop: make(chan os.Signal, 1)}
	signal.Notify(d.stop, os.Interrupt, syscall.SIGTERM)
	t.Cleanup(func() { signal.Stop(d.stop) })
	d.say("ocfkit demo: the seed clusters on a single-node Pacemaker")
	d.say("Preparing: fake DigitalOcean and OCI APIs on 127.0.0.1, a fake DRBD, veth pairs, " +
		"an ext4 filesystem on a loop device, an apache configuration; then Corosync and Pacemaker")

	cl := newClouds(t)
	s := newSeed002(t, cl.options())
	s.verbose = true
	c := s.c
	d.c = c

	d.say("Seed 002 (DRBD + VIP + Filesystem + apache), as the seed's crm configuration, written with pcs:")
	s.configure(t)
	s.waitUp(t, "the seed 002 stack up")
	d.say("Seeds 000/001/004 (DigitalOcean reserved IP, token in a 0600 file) and 003 (OCI secondary IP, instance principal):")
	cl.create(t, s)
	c.WaitFor(t, 2*time.Minute, "fip and ocivip Started", func() bool {
		return c.ResourceRole(t, "fip") == "Started" && c.ResourceRole(t, "ocivip") == "Started"
	})
	d.show("crm_mon -1", c.Run(t, "crm_mon", "-1"))
	d.say("curl %s  →  %s", s.url(), strings.TrimSpace(s.get()))
	d.say("The reserved IP %s is on droplet %d (was %d); the OCI IP %s is on this node's VNIC: %v",
		demoFloatingIP, cl.do.Holder(demoFloatingIP), demoOtherDroplet, demoOCIVIP, cl.oci.VNICOf(demoOCIVIP) == cl.ourVNIC)

	d.fail("kill -9 apache's main process", "res_httpd", func() {
		require.NoError(t, syscall.Kill(s.web.MainPid(), syscall.SIGKILL))
	}, func() bool { return s.up(t) })
	d.fail("umount the filesystem behind Pacemaker's back", "res_fs_drbd0", func() { s.unmount(t) },
		func() bool { return s.up(t) })
	link, err := netlink.LinkByName(s.nic)
	require.NoError(t, err)
	addr, err := netlink.ParseAddr(s.vip + "/24")
	require.NoError(t, err)
	d.fail("delete the VIP "+s.vip+" from "+s.nic, "res_ip", func() { require.NoError(t, netlink.AddrDel(link, addr)) },
		func() bool { return s.up(t) })
	d.fail("DRBD's disk turns Outdated (no promotion score)", "", func() { s.setDisk(t, "Outdated") },
		func() bool {
			return c.ResourceRole(t, "ms_drbd0") == "Unpromoted" && c.ResourceRole(t, "rg_httpd") == "Stopped"
		})
	d.fail("DRBD's disk is UpToDate again", "res_httpd", func() { s.setDisk(t, "UpToDate") },
		func() bool { return s.up(t) })
	d.fail("someone moves the reserved IP to droplet 1002", "fip", cl.moveFloatingIP, func() bool { return cl.fipHome(t, c) })
	d.fail("the DigitalOcean API and the metadata service go down", "", func() {
		cl.do.SetMetadataDown(demoDroplet, true)
		cl.do.SetFaults(dofake.Faults{APIDown: true})
	}, func() bool { return d.degraded("fip") })
	d.say("fip stays %s: a monitor that cannot tell is not a failure", c.ResourceRole(t, "fip"))
	cl.do.SetFaults(dofake.Faults{})
	cl.do.SetMetadataDown(demoDroplet, false)
	d.fail("someone moves the OCI IP to node2's VNIC", "ocivip", cl.moveOCIVIP, func() bool { return cl.ociHome(t, c) })
	d.fail("OCI's auth service goes down and the cached token is gone", "", func() {
		cl.oci.SetFault(ocifake.OpFederation, ocifake.Fault{Status: 503})
		tokens, _ := filepath.Glob(filepath.Join(cl.rsctmp, "ocivip*token*"))
		for _, f := range tokens {
			os.Remove(f)
		}
	}, func() bool { return d.degraded("ocivip") })
	d.say("ocivip stays %s: no failover because a login failed", c.ResourceRole(t, "ocivip"))
	cl.oci.ClearFaults()

	d.show("crm_mon -1 -A -f", c.Run(t, "crm_mon", "-1", "-A", "-f"))
	d.say("Tearing down: Pacemaker stops the resources, then Corosync stops; the veths, the loop device, " +
		"apache, the fakes and every file the cluster wrote are removed.")
}

// clouds are the cloud seeds' side of the demo and the recovery figures:
// the DigitalOcean fake with this node as droplet 1001 and a reserved IP
// on droplet 1002, and the OCI fake with this node's VNIC on a veth and the
// secondary IP on node2's VNIC.
type clouds struct {
	t         *testing.T
	do        *dofake.Fake
	doEnv     *dofake.Env
	tokenFile string
	oci       *ocifake.Fake
	ociURL    string
	ociNIC    string
	ourVNIC   string
	otherVNIC string
	rsctmp    string // the agents' state directory (cached tokens)
}

const demoDOToken = "dop_v1_demo_00112233445566778899aabbccddeeff"

// newClouds starts the fakes; call it before the cluster starts, so that
// they outlive it.
func newClouds(t *testing.T) *clouds {
	t.Helper()
	cl := &clouds{t: t, rsctmp: t.TempDir()}
	cl.do = dofake.New(demoDOToken)
	cl.do.AddDroplet(demoDroplet, "node1")
	cl.do.AddDroplet(demoOtherDroplet, "node2")
	require.NoError(t, cl.do.AddReservedIP(demoFloatingIP, demoOtherDroplet))
	env, err := dofake.Start(cl.do)
	require.NoError(t, err)
	t.Cleanup(env.Close)
	cl.doEnv = env
	cl.tokenFile = filepath.Join(t.TempDir(), "do.token")
	require.NoError(t, os.WriteFile(cl.tokenFile, []byte(demoDOToken+"\n"), 0o600))

	cl.oci = ocifake.New(ocifake.Options{})
	cl.ociURL = ocifake.Serve(t, cl.oci)
	subnet := cl.oci.AddSubnet("198.19.53.0/24")
	v := netiftest.NewVeth(t, []string{"198.19.53.11/24"}, nil)
	cl.ociNIC = v.Host
	cl.oci.AddInstance("node1")
	cl.oci.AddInstance("node2")
	cl.ourVNIC = cl.oci.AddVNIC("node1", subnet.ID, "198.19.53.11", v.HostMAC.String())
	cl.otherVNIC = cl.oci.AddVNIC("node2", subnet.ID, "198.19.53.12", "02:00:17:00:00:02")
	_, err = cl.oci.AssignSecondary(demoOCIVIP, cl.otherVNIC)
	require.NoError(t, err)
	return cl
}

// options are what the cluster needs for the cloud agents.
func (cl *clouds) options() cluster.Options {
	return cluster.Options{Agents: []string{"floatip", "ocivip"}, Env: []string{"HA_RSCTMP=" + cl.rsctmp}}
}

// create adds fip and ocivip to s's cluster and waits for them.
func (cl *clouds) create(t *testing.T, s *seed002) {
	t.Helper()
	c := s.c
	fip := []string{"resource", "create", "fip", "ocf:ocfkit:floatip", "floating_ip=" + demoFloatingIP,
		"token_file=" + cl.tokenFile, "api_url=" + cl.doEnv.APIURL, "metadata_url=" + cl.doEnv.Metadata[demoDroplet],
		"op", "monitor", "interval=2s", "timeout=20s", "op", "start", "timeout=60s"}
	s.echo("pcs %s", strings.Join(fip, " "))
	c.Pcs(t, fip...)
	vip := []string{"resource", "create", "ocivip", "ocf:ocfkit:ocivip", "secondary_private_ip=" + demoOCIVIP,
		"nic=" + cl.ociNIC, "metadata_url=" + ocifake.IMDSURL(cl.ociURL, "node1"),
		"api_endpoint=" + cl.ociURL, "auth_endpoint=" + cl.ociURL,
		"op", "monitor", "interval=2s", "timeout=20s"}
	s.echo("pcs %s", strings.Join(vip, " "))
	c.Pcs(t, vip...)
	c.WaitFor(t, 2*time.Minute, "fip and ocivip home", func() bool { return cl.fipHome(t, c) && cl.ociHome(t, c) })
}

func (cl *clouds) moveFloatingIP() {
	require.NoError(cl.t, cl.do.Assign(demoFloatingIP, demoOtherDroplet))
}

func (cl *clouds) moveOCIVIP() {
	_, err := cl.oci.AssignSecondary(demoOCIVIP, cl.otherVNIC)
	require.NoError(cl.t, err)
}

func (cl *clouds) fipHome(t *testing.T, c *cluster.Cluster) bool {
	return cl.do.Holder(demoFloatingIP) == demoDroplet && c.ResourceRole(t, "fip") == "Started"
}

func (cl *clouds) ociHome(t *testing.T, c *cluster.Cluster) bool {
	return cl.oci.VNICOf(demoOCIVIP) == cl.ourVNIC && c.ResourceRole(t, "ocivip") == "Started"
}

const (
	demoDroplet      = 1001
	demoOtherDroplet = 1002
	demoFloatingIP   = "203.0.113.10"
	demoOCIVIP       = "198.19.53.200"
)

type demo struct {
	t       *testing.T
	c       *cluster.Cluster
	printed int // operations already shown
	mark    int // operations before the current failure
	stop    chan os.Signal
}

func (d *demo) say(format string, args ...any) {
	d.interrupted()
	fmt.Printf("\n"+format+"\n", args...)
}

// interrupted ends the test (running its cleanups) after a Ctrl-C.
func (d *demo) interrupted() {
	select {
	case sig := <-d.stop:
		d.t.Fatalf("%v: stopping the demo and cleaning up", sig)
	default:
	}
}

func (d *demo) show(cmd, out string) {
	fmt.Printf("\n$ %s\n%s", cmd, out)
}

// fail injects a failure, prints what Pacemaker does until rsc has been
// started again (unless rsc is "") and done holds, and how long the restart
// took.
func (d *demo) fail(what, rsc string, inject func(), done func() bool) {
	t := d.t
	t.Helper()
	d.printed = len(d.c.Operations(t))
	d.mark = d.printed
	d.say(">>> %s", what)
	since := time.Now()
	inject()
	d.c.WaitFor(t, 3*time.Minute, "recovery from: "+what, func() bool {
		d.interrupted()
		d.news()
		return (rsc == "" || d.since(rsc, "start", "promote")) && done()
	})
	d.news()
	if rsc != "" {
		fmt.Printf("    %s started again %s after the failure\n", rsc,
			d.c.Recovery(t, rsc, since, time.Minute).Round(time.Millisecond))
	}
}

// news prints the operations Pacemaker finished since the last call,
// leaving out the recurring monitors that found everything well.
func (d *demo) news() {
	ops := d.c.Operations(d.t)
	for _, op := range ops[min(d.printed, len(ops)):] {
		if op.Action == "monitor" && (op.RC == 0 || op.RC == 8) {
			continue
		}
		fmt.Printf("    %s  %-13s %-8s %s (rc %d)\n", op.Time.Format("15:04:05.000"), op.Resource, op.Action, op.Result, op.RC)
	}
	d.printed = len(ops)
}

// since reports whether one of actions succeeded on rsc since the failure
// was injected.
func (d *demo) since(rsc string, actions ...string) bool {
	ops := d.c.Operations(d.t)
	for _, op := range ops[min(d.mark, len(ops)):] {
		if op.Resource == rsc && op.RC == 0 && slices.Contains(actions, op.Action) {
			return true
		}
	}
	return false
}

// degraded reports whether a monitor of rsc said "degraded" (190) since the
// failure was injected.
func (d *demo) degraded(rsc string) bool {
	ops := d.c.Operations(d.t)
	for _, op := range ops[min(d.mark, len(ops)):] {
		if op.Resource == rsc && op.Action == "monitor" && op.RC == 190 {
			return true
		}
	}
	return false
}
