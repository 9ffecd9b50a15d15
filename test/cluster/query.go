package cluster

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cmdBound is the most any single command against the cluster may take.
const cmdBound = 2 * time.Minute

// Node is the name of the cluster's only node (this host's short name).
func (c *Cluster) Node() string { return c.node }

// Pcs runs pcs with args, fails the test if it fails, and returns its
// combined output.
func (c *Cluster) Pcs(t testing.TB, args ...string) string {
	t.Helper()
	return c.Run(t, c.tools["pcs"], args...)
}

// Run runs any command (crm_resource, cibadmin, ...) with a bound, fails
// the test if it fails, and returns its combined output.
func (c *Cluster) Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := run(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func run(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdBound)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("no answer within %s", cmdBound)
	}
	return string(out), err
}

// CrmMon returns `crm_mon -1 -A -f -r`: resources (also inactive), node
// attributes and fail counts, as a person would read them.
func (c *Cluster) CrmMon(t testing.TB) string {
	t.Helper()
	return c.Run(t, c.tools["crm_mon"], "-1", "-A", "-f", "-r")
}

// WaitFor polls cond until it is true and fails the test if that takes
// longer than timeout. desc says what was awaited, for the failure message.
func (c *Cluster) WaitFor(t testing.TB, timeout time.Duration, desc string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster: waited %s for %s", timeout, desc)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// ResourceRole is the current role of resource id as crm_mon reports it:
// "Started", "Stopped", "Promoted", "Unpromoted", or "" when crm_mon does
// not know the resource. For a clone (or a primitive inside one) it is the
// highest role of its instances, so a promotable clone promoted on this
// node is "Promoted"; for a group it is the lowest role of its members, so
// a group is "Started" only when all of it is.
func (c *Cluster) ResourceRole(t testing.TB, id string) string {
	t.Helper()
	st, err := c.status()
	if err != nil {
		t.Fatalf("cluster: %v", err)
	}
	return st.role(id)
}

// Failcount is the fail count of resource id on this node, summed over its
// operations (INFINITY is 1000000, as Pacemaker counts it).
func (c *Cluster) Failcount(t testing.TB, id string) int {
	t.Helper()
	var n int
	out, err := retry(func() (string, error) {
		out, err := run(c.tools["crm_failcount"], "--query", "-r", id, "-N", c.node)
		if err == nil {
			n, err = parseFailcount(out)
		}
		return out, err
	})
	if err != nil {
		t.Fatalf("cluster: crm_failcount for %s: %v\n%s", id, err, out)
	}
	return n
}

// NodeAttr is the value of the transient (reboot-lifetime) node attribute
// name on this node, e.g. "master-drbd0" for a promotion score, or "" when
// it is not set.
func (c *Cluster) NodeAttr(t testing.TB, name string) string {
	t.Helper()
	unset := false
	out, err := retry(func() (string, error) {
		out, err := run(c.tools["crm_attribute"], "-N", c.node, "-l", "reboot", "-n", name, "-G", "-q")
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 105 { // CRM_EX_NOSUCH
			unset = true
			return out, nil
		}
		return out, err
	})
	if unset {
		return ""
	}
	if err != nil {
		t.Fatalf("crm_attribute -G %s: %v\n%s", name, err, out)
	}
	return strings.TrimSpace(out)
}

func parseFailcount(out string) (int, error) {
	i := strings.LastIndex(out, "value=")
	if i < 0 {
		return 0, fmt.Errorf("no value in %q", out)
	}
	v := strings.Fields(out[i+len("value="):])
	if len(v) == 0 {
		return 0, fmt.Errorf("empty value in %q", out)
	}
	switch strings.ToUpper(v[0]) {
	case "INFINITY", "+INFINITY":
		return 1000000, nil
	case "(NULL)":
		return 0, nil
	}
	return strconv.Atoi(v[0])
}

// MonXML is the part of `crm_mon --output-as=xml` the harnesses read: this
// one and test/multinode, which reads it per node.
type MonXML struct {
	DC struct {
		Present bool   `xml:"present,attr"`
		Name    string `xml:"name,attr"`
	} `xml:"summary>current_dc"`
	Nodes     []MonNode  `xml:"nodes>node"`
	Resources MonElement `xml:"resources"`
}

// MonNode is one node in crm_mon's view.
type MonNode struct {
	Name    string `xml:"name,attr"`
	Online  bool   `xml:"online,attr"`
	Standby bool   `xml:"standby,attr"`
	Unclean bool   `xml:"unclean,attr"`
	Pending bool   `xml:"pending,attr"`
}

// MonElement is any resource element: resource (a primitive), group,
// clone, bundle; and the node elements inside them (Name), which this
// harness skips.
type MonElement struct {
	XMLName xml.Name
	ID      string       `xml:"id,attr"`
	Role    string       `xml:"role,attr"`
	Active  bool         `xml:"active,attr"`
	Failed  bool         `xml:"failed,attr"`
	Name    string       `xml:"name,attr"`
	Kids    []MonElement `xml:",any"`
}

// status reads crm_mon's view, retrying briefly (see retry).
func (c *Cluster) status() (*MonXML, error) {
	var st *MonXML
	out, err := retry(func() (string, error) {
		var out string
		var err error
		st, out, err = c.statusOnce()
		return out, err
	})
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, out)
	}
	return st, nil
}

func (c *Cluster) statusOnce() (*MonXML, string, error) {
	out, err := exec.Command(c.tools["crm_mon"], "-1", "-r", "--output-as=xml").Output()
	if err != nil {
		return nil, string(out), fmt.Errorf("crm_mon: %w", err)
	}
	st, err := ParseMon(out)
	return st, string(out), err
}

// retry runs a query up to five times, half a second apart: the tools
// cannot connect for a moment while the CIB is replaced (cib-push) or the
// controller restarts a transition, and that is not the test's failure.
func retry(query func() (string, error)) (string, error) {
	var out string
	var err error
	for try := 0; try < 5; try++ {
		if out, err = query(); err == nil {
			return out, nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return out, err
}

// ParseMon reads crm_mon's XML.
func ParseMon(b []byte) (*MonXML, error) {
	st := &MonXML{}
	if err := xml.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("crm_mon XML: %w", err)
	}
	return st, nil
}

func (st *MonXML) dcReady(node string) bool {
	if !st.DC.Present || st.DC.Name != node {
		return false
	}
	for _, n := range st.Nodes {
		if n.Name == node {
			return n.Online
		}
	}
	return false
}

var rank = map[string]int{"Stopped": 0, "Started": 1, "Unpromoted": 1, "Promoted": 2}

func (st *MonXML) role(id string) string {
	for _, e := range st.Resources.Kids {
		if r, ok := e.role(id); ok {
			return r
		}
	}
	return ""
}

// role finds id in e's tree and returns its role.
func (e MonElement) role(id string) (string, bool) {
	if e.ID == id {
		return e.ownRole(), true
	}
	if e.XMLName.Local == "clone" {
		// Instances of a primitive in a clone may be named id or id:N.
		var roles []string
		for _, k := range e.Kids {
			if k.XMLName.Local == "resource" && (k.ID == id || strings.HasPrefix(k.ID, id+":")) {
				roles = append(roles, k.Role)
			}
		}
		if len(roles) > 0 {
			return highest(roles), true
		}
	}
	for _, k := range e.Kids {
		if r, ok := k.role(id); ok {
			return r, true
		}
	}
	return "", false
}

func (e MonElement) ownRole() string {
	var roles []string
	for _, k := range e.Kids {
		if k.XMLName.Local != "node" {
			roles = append(roles, k.ownRole())
		}
	}
	switch e.XMLName.Local {
	case "resource":
		return e.Role
	case "group":
		return lowest(roles)
	default: // clone, bundle
		return highest(roles)
	}
}

func highest(roles []string) string {
	best := ""
	for _, r := range roles {
		if best == "" || rank[r] > rank[best] {
			best = r
		}
	}
	return best
}

func lowest(roles []string) string {
	low := ""
	for _, r := range roles {
		if low == "" || rank[r] < rank[low] {
			low = r
		}
	}
	return low
}
