package multinode

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/cluster"
	"github.com/ocfkit/ocfkit/test/procs"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Options says what a multinode test cluster needs.
type Options struct {
	// Nodes is the number of nodes, 2 (two_node quorum) or more (majority).
	Nodes int
	// Agents are built from ./agents/<name> and shown to Pacemaker on every
	// node as ocf:ocfkit:<name>.
	Agents []string
	// FenceAgents maps a fence agent's name (fence_x) to a binary that
	// every node sees as /usr/sbin/fence_x. The harness's own fence agent,
	// fence_harness, is always there.
	FenceAgents map[string]string
	// Token is Corosync's token timeout; 0 keeps Corosync's default (3 s).
	Token time.Duration
	// Stonith sets stonith-enabled in the seeded CIB (false by default:
	// tests that fence create their devices first, then enable it).
	Stonith bool
	// Properties are more cluster options for the seeded CIB.
	Properties [][2]string
	// Env is added to pacemakerd's environment on every node.
	Env []string
	// Private are directories (absolute paths, created if missing) that
	// each node has its own copy of, at the same path: Node.PrivateDir
	// is where the test fills a node's copy. Per-node state of fakes (the
	// DRBD fake's world) and pid files live there.
	Private []string
	// OnBoot runs for each node at every boot, after its network is wired
	// and before Corosync starts: the place to open the node's own
	// services with Node.Listen (a metadata server at 169.254.169.254).
	OnBoot func(n *Node) error

	// lockHeld: the caller already holds testenv.LockSystem for this
	// cluster (the crash test holds it across its victim's life and death,
	// so that no other package's cluster starts beside the leftovers).
	lockHeld bool
}

// Cluster is a running multinode test cluster.
type Cluster struct {
	Nodes []*Node

	dir      string
	opt      Options
	initBin  string
	mu       sync.Mutex // guards rec and the fence log
	rec      *record
	fenceURL string
	fenced   []FenceEvent
	closers  []io.Closer // the switch's listeners, closed at teardown
	down     bool        // torn down: nothing may log any more
	t        testing.TB
}

// Node is one node: its PID 1 runs in its own namespaces.
type Node struct {
	Name string
	ID   int    // 1-based, also the Corosync nodeid
	Addr string // on the bridge

	c         *Cluster
	dir       string
	mu        sync.Mutex
	pid       int
	exited    chan struct{}
	listeners []io.Closer
	cut       bool
}

// one guards against two clusters in one test process.
var one sync.Mutex

const startBound = 2 * time.Minute

// Start starts o.Nodes nodes and waits until every node is online and a
// DC is elected. Everything is torn down at t's cleanup, also when the
// test fails. It fails the test, with the reason, when the machine runs a
// Corosync or Pacemaker it did not start.
func Start(t testing.TB, o Options) *Cluster {
	t.Helper()
	testenv.NeedRoot(t)
	for _, name := range []string{"ip", "nsenter", "corosync", "pacemakerd", "pcs", "crm_mon"} {
		testenv.NeedCmd(t, name)
	}
	if o.Nodes < 2 {
		o.Nodes = 2
	}
	c := &Cluster{opt: o, t: t}
	c.initBin = testenv.BuildCmd(t, "test/multinode/nodeinit", "nodeinit")
	fenceBin := testenv.BuildCmd(t, "test/multinode/fence_harness", "fence_harness")
	bins := map[string]string{}
	for _, a := range o.Agents {
		bins[a] = testenv.BuildAgent(t, a)
	}
	if !o.lockHeld {
		testenv.LockSystem(t)
	}
	if !one.TryLock() {
		t.Fatal("multinode: this test process already runs a cluster")
	}
	t.Cleanup(one.Unlock)

	if err := cleanLeftovers(t.Logf); err != nil {
		t.Fatalf("multinode: %v", err)
	}
	if d := foreignDaemons(nil); len(d) > 0 {
		t.Fatalf("multinode: refusing to start: cluster daemons not started by this harness are running: %s; "+
			"stop that cluster first (systemctl disable --now pacemaker corosync)", strings.Join(d, " "))
	}
	for _, ns := range []string{switchNS, clientNS} {
		if nsExists(ns) {
			t.Fatalf("multinode: refusing to start: network namespace %s exists and no record of ours explains it; "+
				"remove it (ip netns del %s) if no test runs", ns, ns)
		}
	}

	dir, err := os.MkdirTemp("", "ocfkit-multinode-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	c.rec = &record{Owner: os.Getpid(), Boot: procs.BootID(), Dir: dir, Inits: map[int]uint64{}}
	if err := c.rec.save(); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("multinode: %v", err)
	}
	t.Cleanup(func() { c.teardown(t) })

	if err := makeSwitch(); err != nil {
		t.Fatalf("multinode: %v", err)
	}
	if err := c.layout(bins, fenceBin); err != nil {
		t.Fatalf("multinode: %v", err)
	}
	if err := c.serveFence(); err != nil {
		t.Fatalf("multinode: fence control: %v", err)
	}
	began := time.Now()
	for i := 1; i <= o.Nodes; i++ {
		n := &Node{Name: NodeName(i), ID: i, Addr: NodeAddr(i), c: c, dir: filepath.Join(dir, NodeName(i))}
		c.Nodes = append(c.Nodes, n)
		if err := n.layout(o); err != nil {
			t.Fatalf("multinode: %s: %v", n.Name, err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(c.Nodes))
	for i, n := range c.Nodes {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = n.boot() }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("multinode: boot %s: %v", c.Nodes[i].Name, err)
		}
	}
	c.WaitFor(t, startBound, "every node online with a DC", func() bool {
		st, err := c.StatusFrom(c.Nodes[0])
		return err == nil && st.DC != "" && len(st.Online()) == len(c.Nodes)
	})
	t.Logf("multinode: %d nodes online with a DC after %s", len(c.Nodes), time.Since(began).Round(time.Millisecond))
	return c
}

// Dir is the cluster's run directory (nodes' state, logs).
func (c *Cluster) Dir() string { return c.dir }

// Node returns the node called name, or nil.
func (c *Cluster) Node(name string) *Node {
	for _, n := range c.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// layout writes what all nodes share: the agents and the fence agents.
func (c *Cluster) layout(bins map[string]string, fenceBin string) error {
	if err := os.Chmod(c.dir, 0o755); err != nil {
		return err
	}
	agents := filepath.Join(c.dir, "agents", "ocfkit")
	sbin := filepath.Join(c.dir, "sbin")
	for _, d := range []string{agents, sbin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	for name, bin := range bins {
		if err := os.Symlink(bin, filepath.Join(agents, name)); err != nil {
			return err
		}
	}
	fence := map[string]string{"fence_harness": fenceBin}
	for name, bin := range c.opt.FenceAgents {
		fence[name] = bin
	}
	for name, bin := range fence {
		if err := os.Symlink(bin, filepath.Join(sbin, name)); err != nil {
			return err
		}
	}
	return nil
}

// trees are the directories each node has to itself, bound over the real
// ones by its init (named as the init names them).
var trees = []string{"etc-corosync", "var-lib-corosync", "var-lib-pacemaker", "var-log-pacemaker", "var-log-corosync"}

// layout writes the node's own state directories, its Corosync
// configuration and the seeded CIB.
func (n *Node) layout(o Options) error {
	uid, gid, err := cluster.Hacluster()
	if err != nil {
		return err
	}
	for _, d := range trees {
		if err := os.MkdirAll(filepath.Join(n.dir, d), 0o755); err != nil {
			return err
		}
	}
	pcmk := filepath.Join(n.dir, "var-lib-pacemaker")
	for _, d := range []string{"cib", "pengine", "blackbox", "cores"} {
		p := filepath.Join(pcmk, d)
		if err := os.Mkdir(p, 0o750); err != nil {
			return err
		}
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	logs := filepath.Join(n.dir, "var-log-pacemaker")
	if err := os.Chmod(logs, 0o770); err != nil {
		return err
	}
	if err := os.Chown(logs, uid, gid); err != nil {
		return err
	}
	for _, p := range o.Private {
		if !filepath.IsAbs(p) {
			return fmt.Errorf("private directory %q is not absolute", p)
		}
		if err := os.MkdirAll(p, 0o755); err != nil {
			return err
		}
		if err := os.MkdirAll(n.PrivateDir(p), 0o755); err != nil {
			return err
		}
	}
	etc := filepath.Join(n.dir, "etc-corosync")
	if err := os.WriteFile(filepath.Join(etc, "corosync.conf"), []byte(corosyncConf(o.Nodes, o.Token)), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(etc, "authkey"), n.c.authkey(), 0o400); err != nil {
		return err
	}
	props := [][2]string{
		{"stonith-enabled", strconv.FormatBool(o.Stonith)},
		{"dc-deadtime", "2s"},
		{"cluster-recheck-interval", "1min"},
		{"shutdown-escalation", "1min"},
	}
	if o.Nodes == 2 {
		// two_node keeps quorum for the survivor; the property says what
		// a node without it does.
		props = append(props, [2]string{"no-quorum-policy", "stop"})
	}
	props = append(props, o.Properties...)
	cib := filepath.Join(pcmk, "cib", "cib.xml")
	if err := os.WriteFile(cib, []byte(cluster.CIB(props)), 0o600); err != nil {
		return err
	}
	return os.Chown(cib, uid, gid)
}

var (
	keyOnce sync.Once
	key     []byte
)

// authkey is the cluster's Corosync key, the same on every node.
func (c *Cluster) authkey() []byte {
	keyOnce.Do(func() {
		key = make([]byte, 256)
		rand.Read(key)
	})
	return key
}

// env is the init's environment, which it passes to Corosync and
// pacemakerd, which passes it to the agents.
func (c *Cluster) env() []string {
	env := []string{
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
		"PCMK_logfile=/var/log/pacemaker/pacemaker.log",
		"PCMK_logfacility=none",
		"PCMK_blackbox=no",
		"HA_LOGFACILITY=none",
		"HA_LOGFILE=/var/log/pacemaker/agents.log",
	}
	return append(env, c.opt.Env...)
}

// boot starts the node's init in new namespaces, wires its network, runs
// OnBoot and lets the init start the cluster daemons.
func (n *Node) boot() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pid != 0 {
		return fmt.Errorf("%s is already on", n.Name)
	}
	n.c.mu.Lock()
	down := n.c.down
	n.c.mu.Unlock()
	if down {
		// A fence device's late reboot must not boot a node nobody
		// would clean up.
		return fmt.Errorf("the cluster is torn down")
	}
	out, err := os.OpenFile(filepath.Join(n.dir, "init.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	args := []string{"-name", n.Name, "-dir", n.dir,
		"-agents", filepath.Join(n.c.dir, "agents"), "-sbin", filepath.Join(n.c.dir, "sbin")}
	for _, p := range n.c.opt.Private {
		args = append(args, "-bind", n.PrivateDir(p)+"="+p)
	}
	cmd := exec.Command(n.c.initBin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = n.c.env()
	cmd.Dir = "/"
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC |
			syscall.CLONE_NEWPID | syscall.CLONE_NEWNET,
		// A Ctrl-C meant for go test must not half-kill a node.
		Setpgid: true,
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	n.pid, n.exited, n.cut = pid, exited, false
	n.c.remember(pid, true)
	fail := func(err error) error {
		stdin.Close()
		n.killLocked()
		return err
	}
	if err := plug(n.ID, pid); err != nil {
		return fail(err)
	}
	if n.c.opt.OnBoot != nil {
		n.mu.Unlock()
		err := n.c.opt.OnBoot(n)
		n.mu.Lock()
		if err != nil {
			return fail(fmt.Errorf("OnBoot: %w", err))
		}
	}
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		return fail(fmt.Errorf("init did not take its go: %w\n%s", err, tail(filepath.Join(n.dir, "init.out"), 20)))
	}
	stdin.Close()
	return nil
}

// remember adds or removes a node's init in the record.
func (c *Cluster) remember(pid int, on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on {
		c.rec.Inits[pid] = procs.StartTime(pid)
	} else {
		delete(c.rec.Inits, pid)
	}
	if err := c.rec.save(); err != nil && !c.down {
		c.t.Logf("multinode: %v", err)
	}
}

// killLocked is the power cut: the node's own listeners close (so nothing
// keeps its network namespace alive), kill -9 of its PID 1 ends every
// process of the node, and its switch port goes.
func (n *Node) killLocked() {
	for _, l := range n.listeners {
		l.Close()
	}
	n.listeners = nil
	if n.pid == 0 {
		return
	}
	syscall.Kill(n.pid, syscall.SIGKILL)
	<-n.exited
	n.c.remember(n.pid, false)
	n.pid = 0
	if err := unplug(n.ID); err != nil {
		n.c.logf("multinode: %s: %v", n.Name, err)
	}
}

// PowerOff cuts the node's power: every process in it ends at once, with
// no stop of anything, and its network port disappears.
func (n *Node) PowerOff() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.killLocked()
}

// PowerOn boots a node that is off. Its state directories (the CIB on
// disk) are as the power cut left them; /run is new.
func (n *Node) PowerOn() error { return n.boot() }

// Reboot is a power cycle.
func (n *Node) Reboot() error {
	n.PowerOff()
	return n.boot()
}

// PrivateDir is the host path of the node's own copy of the private
// directory p (see Options.Private): what the test writes there, the node
// sees at p.
func (n *Node) PrivateDir(p string) string {
	return filepath.Join(n.dir, "private", strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"))
}

// On reports whether the node has power.
func (n *Node) On() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.pid != 0
}

// Shutdown is an orderly stop: SIGTERM to the init, which stops
// pacemakerd (and so the resources) and then Corosync. It returns when the
// node is off.
func (n *Node) Shutdown(timeout time.Duration) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pid == 0 {
		return nil
	}
	syscall.Kill(n.pid, syscall.SIGTERM)
	select {
	case <-n.exited:
		n.c.remember(n.pid, false)
		n.pid = 0
		for _, l := range n.listeners {
			l.Close()
		}
		n.listeners = nil
		return unplug(n.ID)
	case <-time.After(timeout):
		n.killLocked()
		return fmt.Errorf("%s did not shut down within %s: powered off", n.Name, timeout)
	}
}

// CutLink unplugs the node's cable (its switch port goes down); HealLink
// plugs it back. The node keeps running.
func (n *Node) CutLink() error  { return n.link(false) }
func (n *Node) HealLink() error { return n.link(true) }

func (n *Node) link(up bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pid == 0 {
		return fmt.Errorf("%s is off", n.Name)
	}
	n.cut = !up
	return setPort(n.ID, up)
}

// LinkCut reports whether the node's cable is cut.
func (n *Node) LinkCut() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cut
}

// PID is the host pid of the node's PID 1, 0 when off.
func (n *Node) PID() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.pid
}

// NetNS is the path of the node's network namespace ("" when off).
func (n *Node) NetNS() string {
	if pid := n.PID(); pid != 0 {
		return fmt.Sprintf("/proc/%d/ns/net", pid)
	}
	return ""
}

// logf logs unless the cluster is torn down (t.Logf after the test has
// ended panics).
func (c *Cluster) logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.down {
		c.t.Logf(format, args...)
	}
}

// teardown kills every node, removes the namespaces and the run directory.
func (c *Cluster) teardown(t testing.TB) {
	if t.Failed() {
		c.explain(t)
	}
	began := time.Now()
	c.mu.Lock()
	c.down = true
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, n := range c.Nodes {
		wg.Add(1)
		go func() { defer wg.Done(); n.PowerOff() }()
	}
	wg.Wait()
	c.mu.Lock()
	for _, l := range c.closers {
		l.Close()
	}
	c.mu.Unlock()
	if err := removeShared(c.dir); err != nil {
		t.Errorf("multinode: cleanup: %v", err)
	}
	t.Logf("multinode: torn down in %s", time.Since(began).Round(time.Millisecond))
}
