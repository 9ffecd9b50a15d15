package cluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/procs"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// Options says what a test cluster needs.
type Options struct {
	// Agents are built from ./agents/<name> and shown to Pacemaker as
	// ocf:ocfkit:<name>.
	Agents []string
	// Env is added to pacemakerd's environment, which Pacemaker passes to
	// the agents. Prefer resource parameters; this is for what cannot be one.
	Env []string
}

// Cluster is a running single-node test cluster.
type Cluster struct {
	node  string
	dir   string
	m     *marker
	tools map[string]string
}

// ProviderDir is where Pacemaker looks for ocf:ocfkit agents.
const ProviderDir = "/usr/lib/ocf/resource.d/ocfkit"

const (
	cibDir      = "/var/lib/pacemaker/cib"
	startBound  = 2 * time.Minute
	pcmkStopMax = 90 * time.Second // above shutdown-escalation
	coroStopMax = 20 * time.Second
)

// one guards against two clusters in one test process: they would share
// the machine's single Corosync and CIB.
var one sync.Mutex

// Start starts a single-node cluster for t and stops it at t's cleanup.
// It fails the test, with the reason, when the machine has a cluster it
// did not start. See the package documentation for what it touches.
func Start(t testing.TB, o Options) *Cluster {
	t.Helper()
	testenv.NeedRoot(t)
	tools := map[string]string{}
	for _, name := range []string{"corosync", "corosync-quorumtool", "pacemakerd", "pcs",
		"crm_mon", "crm_attribute", "crm_resource", "crm_failcount"} {
		tools[name] = testenv.NeedCmd(t, name)
	}
	bins := map[string]string{}
	for _, a := range o.Agents {
		bins[a] = testenv.BuildAgent(t, a)
	}
	testenv.LockSystem(t)
	if !one.TryLock() {
		t.Fatal("cluster.Start: this test process already runs a cluster")
	}
	t.Cleanup(one.Unlock)

	if old, err := loadMarker(); err == nil {
		t.Logf("cluster: stopping a test cluster left behind by pid %d and restoring the machine", old.Owner)
		if err := old.teardown(t.Logf); err != nil {
			t.Fatalf("cluster: cannot clean up the test cluster left behind (%s): %v", markerPath, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("cluster: %v (remove it if no test cluster runs)", err)
	}
	if err := refuse(procs.Daemons, cibDir, ProviderDir); err != nil {
		t.Fatalf("cluster: refusing to start a test cluster: %v", err)
	}

	node, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.IndexByte(node, '.'); i > 0 {
		node = node[:i]
	}
	c := &Cluster{node: node, tools: tools}
	snap, err := takeSnapshot(watched)
	if err != nil {
		t.Fatalf("cluster: %v", err)
	}
	// Readable by all: pacemaker-based and friends run as hacluster and
	// write their log here.
	dir, err := os.MkdirTemp("", "ocfkit-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir = dir
	c.m = &marker{Owner: os.Getpid(), Boot: procs.BootID(), Dir: dir, Snapshot: snap}
	if err := c.m.save(); err != nil {
		os.RemoveAll(dir)
		t.Fatalf("cluster: %v", err)
	}
	t.Cleanup(func() { c.stop(t) })

	began := time.Now()
	if err := c.setup(bins); err != nil {
		t.Fatalf("cluster: %v", err)
	}
	if err := c.startCorosync(); err != nil {
		t.Fatalf("cluster: %v", err)
	}
	if err := c.startPacemaker(o.Env); err != nil {
		t.Fatalf("cluster: %v", err)
	}
	t.Logf("cluster: node %s online and DC after %s", node, time.Since(began).Round(time.Millisecond))
	return c
}

// refuse says why this machine is not free for a test cluster, or nil.
func refuse(daemons map[string]bool, cibDir, providerDir string) error {
	if d := procs.Foreign(daemons, nil); len(d) > 0 {
		return fmt.Errorf("cluster daemons not started by this harness are running: %s; stop that cluster first "+
			"(on a fresh Debian or Ubuntu, installing the packages starts them with the example configuration: "+
			"systemctl disable --now pacemaker corosync)", strings.Join(d, " "))
	}
	if _, err := os.Lstat(filepath.Join(cibDir, "cib.xml")); err == nil {
		return fmt.Errorf("%s/cib.xml exists: this machine has a cluster configuration, which a test cluster would replace; "+
			"move it away to run these tests (if it is only what the packages' example cluster wrote at installation, "+
			"remove the files in %s)", cibDir, cibDir)
	}
	if _, err := os.Lstat(providerDir); err == nil {
		return fmt.Errorf("%s exists (an installed ocfkit?): a test cluster would hide it; remove it (e.g. uninstall the package) to run these tests", providerDir)
	}
	return nil
}

// setup writes the configuration and links the agents.
func (c *Cluster) setup(bins map[string]string) error {
	if err := os.Chmod(c.dir, 0o755); err != nil {
		return err
	}
	agents := filepath.Join(c.dir, "agents")
	if err := os.Mkdir(agents, 0o755); err != nil {
		return err
	}
	for name, bin := range bins {
		if err := os.Symlink(bin, filepath.Join(agents, name)); err != nil {
			return err
		}
	}
	parent, err := describe(filepath.Dir(ProviderDir))
	if err != nil {
		return err
	}
	c.m.Link, c.m.Target, c.m.Parent = ProviderDir, agents, &parent
	if err := c.m.save(); err != nil {
		return err
	}
	if err := os.Symlink(agents, ProviderDir); err != nil {
		c.m.Link = ""
		return err
	}

	if err := os.WriteFile(c.path("corosync.conf"), []byte(corosyncConf(c.node)), 0o644); err != nil {
		return err
	}
	uid, gid, err := Hacluster()
	if err != nil {
		return err
	}
	if err := writeOwned(filepath.Join(cibDir, "cib.xml"), freshCIB(), 0o600, uid, gid); err != nil {
		return err
	}
	if err := writeOwned(c.path("pacemaker.log"), "", 0o660, uid, gid); err != nil {
		return err
	}
	if err := os.Mkdir(c.path("rsctmp"), 0o755); err != nil {
		return err
	}
	return writeOwned(c.path("agents.log"), "", 0o666, 0, 0)
}

// Hacluster is the uid of hacluster and the gid of haclient, which own
// Pacemaker's state and log files (in test/multinode too).
func Hacluster() (uid, gid int, err error) {
	u, err := user.Lookup("hacluster")
	if err != nil {
		return 0, 0, fmt.Errorf("user hacluster (from the pacemaker package): %w", err)
	}
	g, err := user.LookupGroup("haclient")
	if err != nil {
		return 0, 0, fmt.Errorf("group haclient (from the pacemaker package): %w", err)
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(g.Gid)
	return uid, gid, nil
}

func writeOwned(p, content string, mode os.FileMode, uid, gid int) error {
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		return err
	}
	if err := os.Chmod(p, mode); err != nil {
		return err
	}
	return os.Chown(p, uid, gid)
}

func (c *Cluster) path(name string) string { return filepath.Join(c.dir, name) }

// daemon starts name as a child with its output in <dir>/<logName> and
// records it, so that it is stopped by pid whatever happens to the test.
func (c *Cluster) daemon(logName string, env []string, name string, args ...string) (procs.Proc, error) {
	out, err := os.OpenFile(c.path(logName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return procs.Proc{}, err
	}
	defer out.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = env
	cmd.Dir = "/"
	// Their own process group: a Ctrl-C meant for `go test` must not
	// half-kill the cluster. If the test binary dies without its cleanup,
	// the next Start stops them by pid.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return procs.Proc{}, err
	}
	p, err := procs.Identify(cmd.Process.Pid)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return procs.Proc{}, err
	}
	c.m.Procs = append(c.m.Procs, p)
	go cmd.Wait() // reap it; alive() watches /proc
	return p, c.m.save()
}

func baseEnv() []string {
	return []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"}
}

func (c *Cluster) startCorosync() error {
	p, err := c.daemon("corosync.log", baseEnv(), c.tools["corosync"], "-f", "-c", c.path("corosync.conf"))
	if err != nil {
		return fmt.Errorf("start corosync: %w", err)
	}
	return c.until(p, "corosync", "Corosync quorate", func() bool {
		return exec.Command(c.tools["corosync-quorumtool"], "-s").Run() == nil
	})
}

func (c *Cluster) startPacemaker(extra []string) error {
	env := append(baseEnv(),
		"PCMK_logfile="+c.path("pacemaker.log"),
		"PCMK_logfacility=none",
		"PCMK_blackbox=no",
		// The agents log to a file the harness shows on failure, not syslog.
		"HA_LOGFACILITY=none",
		"HA_LOGFILE="+c.path("agents.log"),
		// State files and locks of the agents (and tokens the cloud
		// agents cache) stay in the temporary directory, not in
		// /run/resource-agents.
		"HA_RSCTMP="+c.path("rsctmp"),
	)
	env = append(env, extra...)
	p, err := c.daemon("pacemakerd.log", env, c.tools["pacemakerd"])
	if err != nil {
		return fmt.Errorf("start pacemakerd: %w", err)
	}
	return c.until(p, "pacemakerd", "node online and DC", func() bool {
		st, _, err := c.statusOnce()
		return err == nil && st.dcReady(c.node)
	})
}

// until polls ready while p runs, for at most startBound.
func (c *Cluster) until(p procs.Proc, name, what string, ready func() bool) error {
	deadline := time.Now().Add(startBound)
	for time.Now().Before(deadline) {
		if ready() {
			return nil
		}
		if !p.Alive() {
			return fmt.Errorf("%s exited before %s:\n%s", name, what, tail(c.path(name+".log"), 30, nil))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no %s within %s", what, startBound)
}

// stop is the cleanup: explain a failure, stop the daemons, restore.
func (c *Cluster) stop(t testing.TB) {
	if t.Failed() {
		c.explain(t)
	}
	began := time.Now()
	if err := c.m.teardown(t.Logf); err != nil {
		t.Errorf("cluster: cleanup: %v", err)
	}
	t.Logf("cluster: stopped and cleaned up in %s", time.Since(began).Round(time.Millisecond))
}

// teardown stops the recorded daemons, newest first (pacemakerd stops the
// resources, then Corosync), and puts the machine back as recorded.
func (m *marker) teardown(logf func(string, ...any)) error {
	var errs []error
	pids := map[int]bool{}
	recorded := m.Procs
	if m.Boot != procs.BootID() {
		logf("cluster: the test cluster was left behind before a reboot: nothing of it runs any more")
		recorded = nil
	}
	for i := len(recorded) - 1; i >= 0; i-- {
		p := recorded[i]
		grace := coroStopMax
		if p.Name != "corosync" {
			grace = pcmkStopMax
		}
		kids := procs.Descendants(p)
		pids[p.Pid] = true
		for _, k := range kids {
			pids[k.Pid] = true
		}
		if procs.Terminate(p, grace) {
			logf("cluster: %s[%d] ignored SIGTERM for %s: killed", p.Name, p.Pid, grace)
		}
		// Children still alive after their parent left were not stopped
		// by it; they are ours all the same.
		procs.KillAll(kids)
	}
	for _, f := range shmLeftovers("/dev/shm", pids) {
		if err := os.RemoveAll(f); err != nil {
			errs = append(errs, err)
		}
	}
	if m.Link != "" {
		if target, err := os.Readlink(m.Link); err == nil && target == m.Target {
			if err := os.Remove(m.Link); err != nil {
				errs = append(errs, err)
			} else if m.Parent != nil {
				m.Parent.putMeta(filepath.Dir(m.Link))
			}
		}
	}
	if err := m.Snapshot.restore(watched); err != nil {
		errs = append(errs, err)
	}
	if m.Dir != "" && strings.HasPrefix(filepath.Base(m.Dir), "ocfkit-cluster-") {
		if err := os.RemoveAll(m.Dir); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		if err := os.Remove(markerPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
