package multinode

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/test/cluster"
)

// cmdBound is the most any single command in a node may take.
const cmdBound = 2 * time.Minute

// Exec runs a command in the node (its mount, UTS, IPC, network and PID
// namespaces, through nsenter) and returns its combined output.
func (n *Node) Exec(name string, args ...string) (string, error) {
	return n.ExecTimeout(cmdBound, name, args...)
}

// ExecTimeout is Exec with its own bound.
func (n *Node) ExecTimeout(d time.Duration, name string, args ...string) (string, error) {
	pid := n.PID()
	if pid == 0 {
		return "", fmt.Errorf("%s is off", n.Name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	argv := append([]string{"-t", fmt.Sprint(pid), "-m", "-u", "-i", "-n", "-p", "--", name}, args...)
	cmd := exec.CommandContext(ctx, "nsenter", argv...)
	cmd.Env = n.c.env()
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("no answer within %s", d)
	}
	return string(out), err
}

// Run is Exec that fails the test on error.
func (n *Node) Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := n.Exec(name, args...)
	if err != nil {
		t.Fatalf("%s: %s %s: %v\n%s", n.Name, name, strings.Join(args, " "), err, out)
	}
	return out
}

// Pcs runs pcs in the node, failing the test on error.
func (n *Node) Pcs(t testing.TB, args ...string) string {
	t.Helper()
	return n.Run(t, "pcs", args...)
}

// Listen opens a TCP listener in the node's network namespace. It is
// closed when the node loses power, so that nothing outlives the node.
func (n *Node) Listen(addr string) (net.Listener, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pid == 0 {
		return nil, fmt.Errorf("%s is off", n.Name)
	}
	l, err := listenIn(fmt.Sprintf("/proc/%d/ns/net", n.pid), addr)
	if err == nil {
		n.listeners = append(n.listeners, l)
	}
	return l, err
}

// InNetns runs f on a thread inside the node's network namespace (for ip
// commands started by f, or netlink).
func (n *Node) InNetns(f func() error) error {
	ns := n.NetNS()
	if ns == "" {
		return fmt.Errorf("%s is off", n.Name)
	}
	return inNetns(ns, f)
}

// CrmMonXML is `crm_mon -1 -r --output-as=xml` as node n sees the cluster.
func (n *Node) CrmMonXML() (string, error) {
	return n.ExecTimeout(20*time.Second, "crm_mon", "-1", "-r", "--output-as=xml")
}

// CrmMon is `crm_mon -1 -r -A -f` from node n, for a person to read.
func (n *Node) CrmMon() string {
	out, err := n.ExecTimeout(20*time.Second, "crm_mon", "-1", "-r", "-A", "-f")
	if err != nil {
		return fmt.Sprintf("(crm_mon on %s: %v)\n%s", n.Name, err, out)
	}
	return out
}

// Status is what crm_mon shows from one node.
type Status struct {
	DC    string
	Nodes []NodeStatus
	// Active maps a primitive's id (clone instances under the clone's
	// primitive id, without :N) to the nodes it is active on, and Roles
	// its role on each of them.
	Active map[string][]string
	Roles  map[string]map[string]string
	Failed map[string][]string
}

// NodeStatus is one node in crm_mon's view.
type NodeStatus = cluster.MonNode

// Online lists the online nodes.
func (s *Status) Online() []string {
	var out []string
	for _, n := range s.Nodes {
		if n.Online {
			out = append(out, n.Name)
		}
	}
	return out
}

// Where lists the nodes where resource id is active.
func (s *Status) Where(id string) []string { return s.Active[id] }

// Role is the role of resource id on node ("" when not active there).
func (s *Status) Role(id, node string) string { return s.Roles[id][node] }

// Promoted lists the nodes where id runs Promoted.
func (s *Status) Promoted(id string) []string {
	var out []string
	for node, r := range s.Roles[id] {
		if r == "Promoted" {
			out = append(out, node)
		}
	}
	sort.Strings(out)
	return out
}

// ParseStatus reads crm_mon's XML.
func ParseStatus(b []byte) (*Status, error) {
	m, err := cluster.ParseMon(b)
	if err != nil {
		return nil, err
	}
	s := &Status{Nodes: m.Nodes, Active: map[string][]string{}, Roles: map[string]map[string]string{}, Failed: map[string][]string{}}
	if m.DC.Present {
		s.DC = m.DC.Name
	}
	var walk func(e cluster.MonElement)
	walk = func(e cluster.MonElement) {
		if e.XMLName.Local == "resource" {
			id := e.ID
			if i := strings.IndexByte(id, ':'); i > 0 {
				id = id[:i]
			}
			for _, k := range e.Kids {
				if k.XMLName.Local != "node" {
					continue
				}
				if e.Active {
					s.Active[id] = append(s.Active[id], k.Name)
					if s.Roles[id] == nil {
						s.Roles[id] = map[string]string{}
					}
					s.Roles[id][k.Name] = e.Role
				}
				if e.Failed {
					s.Failed[id] = append(s.Failed[id], k.Name)
				}
			}
			return
		}
		for _, k := range e.Kids {
			walk(k)
		}
	}
	walk(m.Resources)
	for _, v := range s.Active {
		sort.Strings(v)
	}
	return s, nil
}

// StatusFrom is crm_mon's view from node n.
func (c *Cluster) StatusFrom(n *Node) (*Status, error) {
	out, err := n.CrmMonXML()
	if err != nil {
		return nil, fmt.Errorf("%s: crm_mon: %v: %s", n.Name, err, firstLine(out))
	}
	return ParseStatus([]byte(out))
}

// Status is crm_mon's view from the first node that has power and
// answers; it fails the test when none does.
func (c *Cluster) Status(t testing.TB) *Status {
	t.Helper()
	var errs []error
	for try := 0; try < 5; try++ {
		for _, n := range c.Nodes {
			if !n.On() {
				continue
			}
			st, err := c.StatusFrom(n)
			if err == nil {
				return st
			}
			errs = append(errs, err)
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("multinode: no node answers crm_mon: %v", errors.Join(errs...))
	return nil
}

// StatusOn is crm_mon's view from a node that has power, or nil.
func (c *Cluster) StatusOn(n *Node) *Status {
	st, err := c.StatusFrom(n)
	if err != nil {
		return nil
	}
	return st
}

// WaitFor polls cond every 200 ms until it is true, and fails the test
// after timeout. Timeouts are liveness bounds, not performance targets.
func (c *Cluster) WaitFor(t testing.TB, timeout time.Duration, desc string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("multinode: waited %s for %s", timeout, desc)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// explain logs what a person needs to understand a failure: each live
// node's crm_mon and the notable lines of every node's logs.
func (c *Cluster) explain(t testing.TB) {
	for _, n := range c.Nodes {
		if n.On() {
			t.Logf("multinode: crm_mon on %s:\n%s", n.Name, n.CrmMon())
		}
		t.Logf("multinode: %s init:\n%s", n.Name, tail(filepath.Join(n.dir, "init.out"), 15))
		t.Logf("multinode: %s pacemaker.log (notable):\n%s", n.Name,
			grepTail(filepath.Join(n.dir, "var-log-pacemaker", "pacemaker.log"), 40,
				"error", "warning", "notice: Result of", "fenc", "Initiating", "Lost", "crit"))
		t.Logf("multinode: %s agents.log:\n%s", n.Name, tail(filepath.Join(n.dir, "var-log-pacemaker", "agents.log"), 20))
	}
}

func tail(path string, n int) string { return grepTail(path, n) }

// grepTail is the last n lines of path that contain one of words (all
// lines when none is given).
func grepTail(path string, n int, words ...string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(" + err.Error() + ")"
	}
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if len(words) == 0 {
			keep = append(keep, l)
			continue
		}
		if strings.Contains(l, " info: ") || strings.Contains(l, " debug: ") {
			continue
		}
		for _, w := range words {
			if strings.Contains(l, w) {
				keep = append(keep, l)
				break
			}
		}
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return strings.Join(keep, "\n")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
