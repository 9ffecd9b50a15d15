package multinode

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// DRBD is one replicated DRBD resource, r0 with one volume, between the
// first two nodes, made of the DRBD fake: each node runs the fake
// (drbdadm, drbdsetup) over its own state file in its private copy of Dir,
// and a reconciler in the test process keeps the two states one world,
// as the replication link would:
//
//   - each node sees its peer's role and disk while both nodes have
//     power, both cables are in and both resources are up and connected;
//     otherwise the peer is unreachable (connection lost, disk DUnknown);
//   - a node that boots comes up with DRBD down (the kernel state was lost
//     with the power) and, when its peer is Primary, with its disk
//     Outdated: the peer wrote while it was away;
//   - an Outdated disk connected to an UpToDate Primary resyncs: it is
//     UpToDate after a second of connection.
//
// Promotion follows what the drbd agent makes of that (its scores).
type DRBD struct {
	Dir string // as the nodes see it: drbdadm, drbdsetup, drbd.conf, proc_drbd
	c   *Cluster

	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	conn map[string]time.Time // node → connected since
	// reset is, per node, the init pid of the boot whose DRBD state
	// OnBoot has reset. A node that has power but is not in it yet is in
	// the moment between its boot and OnBoot: its state file still holds
	// what the power cut left (Up, Primary), which the kernel has lost.
	reset map[string]int
}

// NewDRBDDir makes the shared directory that each node gets its own copy
// of: pass it in Options.Private, then call StartDRBD after Start.
func NewDRBDDir(t testing.TB) string {
	d, err := os.MkdirTemp("", "ocfkit-mn-drbd-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(d, 0o755)
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// StartDRBD installs the fake in each node's copy of dir, writes each
// node's world (r0 configured, down, UpToDate, the other node its peer),
// and runs the reconciler until the test ends. Pass its OnBoot in Options.
func StartDRBD(t testing.TB, c *Cluster, d *DRBD) {
	t.Helper()
	fake := testenv.BuildCmd(t, "test/drbdfake/cmd/drbdfake", "drbdfake")
	d.c = c
	d.conn = map[string]time.Time{}
	d.reset = map[string]int{}
	for _, n := range c.Nodes[:2] {
		host := n.PrivateDir(d.Dir)
		if err := drbdfake.Install(fake, host); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(host+"/drbd.conf", nil, 0o644); err != nil {
			t.Fatal(err)
		}
		w := drbdfake.NewWorld(d.Dir, "9.2.7", 1, 1)
		w.Node = n.Name
		r0 := w.Resources["r0"]
		r0.NodeID = n.ID - 1
		r0.Up, r0.Attached, r0.Connected = false, false, false
		peer := d.peerOf(n)
		r0.Peers[0].Name, r0.Peers[0].NodeID, r0.Peers[0].Reachable = peer.Name, peer.ID-1, false
		r0.Peers[0].Volumes[0].Disk = "DUnknown"
		if err := w.Save(d.state(n)); err != nil {
			t.Fatal(err)
		}
		// Save wrote the module's proc file at the path the nodes see,
		// which on the host is the shared directory: the node's copy
		// needs it (the fake keeps it up to date from then on).
		b, err := os.ReadFile(w.Proc)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(host+"/proc_drbd", b, 0o644); err != nil {
			t.Fatal(err)
		}
		d.mu.Lock()
		d.reset[n.Name] = n.PID()
		d.mu.Unlock()
	}
	d.stop, d.done = make(chan struct{}), make(chan struct{})
	go d.loop()
	t.Cleanup(func() { close(d.stop); <-d.done })
}

func (d *DRBD) peerOf(n *Node) *Node {
	if n == d.c.Nodes[0] {
		return d.c.Nodes[1]
	}
	return d.c.Nodes[0]
}

// state is the host path of node n's world.
func (d *DRBD) state(n *Node) string { return drbdfake.Path(n.PrivateDir(d.Dir)) }

// World reads node n's world.
func (d *DRBD) World(n *Node) (*drbdfake.World, error) { return drbdfake.Read(d.state(n)) }

// live reports whether node n has power and its DRBD state is of this
// boot (see reset).
func (d *DRBD) live(n *Node) bool {
	pid := n.PID()
	d.mu.Lock()
	defer d.mu.Unlock()
	return pid != 0 && d.reset[n.Name] == pid
}

// Role is r0's role on node n ("" when down, off, or not yet reset after
// a boot).
func (d *DRBD) Role(n *Node) string {
	w, err := d.World(n)
	if err != nil || !d.live(n) || !w.Resources["r0"].Up {
		return ""
	}
	return w.Resources["r0"].Role
}

// Disk is r0's disk state on node n, as its meta data has it.
func (d *DRBD) Disk(n *Node) string {
	w, err := d.World(n)
	if err != nil {
		return ""
	}
	return w.Resources["r0"].Volumes[0].Disk
}

// Primaries lists the powered nodes where r0 is Primary.
func (d *DRBD) Primaries() []string {
	var out []string
	if d.c == nil { // before StartDRBD
		return nil
	}
	for _, n := range d.c.Nodes[:2] {
		if d.Role(n) == "Primary" {
			out = append(out, n.Name)
		}
	}
	return out
}

// OnBoot resets node n's DRBD as a boot finds it: down, and Outdated when
// the peer is Primary.
func (d *DRBD) OnBoot(n *Node) error {
	if d.c == nil { // the first boot, before StartDRBD wrote the worlds
		return nil
	}
	peer := d.peerOf(n)
	peerPrimary := d.Role(peer) == "Primary"
	err := drbdfake.Modify(d.state(n), func(w *drbdfake.World) {
		r0 := w.Resources["r0"]
		r0.Up, r0.Attached, r0.Connected, r0.Role = false, false, false, "Secondary"
		r0.Peers[0].Reachable = false
		if peerPrimary && r0.Volumes[0].Disk == "UpToDate" {
			r0.Volumes[0].Disk = "Outdated"
		}
	})
	if err == nil {
		d.mu.Lock()
		d.reset[n.Name] = n.PID()
		d.mu.Unlock()
	}
	return err
}

func (d *DRBD) loop() {
	defer close(d.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-tick.C:
		}
		for _, n := range d.c.Nodes[:2] {
			if err := d.reconcile(n, d.peerOf(n)); err != nil {
				d.c.logf("multinode: drbd: %s: %v", n.Name, err)
			}
		}
	}
}

func (d *DRBD) linked(n *Node) bool { return d.live(n) && !n.LinkCut() }

// reconcile sets what node n sees of its peer, and resyncs n's disk.
func (d *DRBD) reconcile(n, peer *Node) error {
	wn, err := drbdfake.Read(d.state(n))
	if err != nil {
		return err
	}
	wp, err := drbdfake.Read(d.state(peer))
	if err != nil {
		return err
	}
	rn, rp := wn.Resources["r0"], wp.Resources["r0"]
	connected := d.linked(n) && d.linked(peer) && rn.Up && rn.Connected && rp.Up && rp.Connected
	d.mu.Lock()
	if !connected {
		delete(d.conn, n.Name)
	} else if d.conn[n.Name].IsZero() {
		d.conn[n.Name] = time.Now()
	}
	since := d.conn[n.Name]
	d.mu.Unlock()

	want := rn.Peers[0]
	peerDisk := "DUnknown"
	if connected {
		peerDisk = rp.Volumes[0].Disk
	}
	resync := connected && rn.Volumes[0].Disk != "UpToDate" && rp.Volumes[0].Disk == "UpToDate" &&
		time.Since(since) > time.Second
	if want.Reachable == connected && want.Role == rp.Role && want.Volumes[0].Disk == peerDisk && !resync {
		return nil
	}
	return drbdfake.Modify(d.state(n), func(w *drbdfake.World) {
		p := w.Resources["r0"].Peers[0]
		p.Reachable, p.Role, p.Volumes[0].Disk = connected, rp.Role, peerDisk
		if resync {
			w.Resources["r0"].Volumes[0].Disk = "UpToDate"
		}
	})
}

// Mounted lists the powered nodes that have dir mounted (read from each
// node's own mount table).
func (c *Cluster) Mounted(dir string) []string {
	var out []string
	for _, n := range c.Nodes {
		pid := n.PID()
		if pid == 0 {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) > 4 && f[4] == dir {
				out = append(out, n.Name)
				break
			}
		}
	}
	return out
}
