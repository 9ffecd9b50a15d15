package multinode

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// FenceEvent is one power action a fence device asked the harness for.
type FenceEvent struct {
	Target string    // the node fenced
	Action string    // off, on, reboot
	By     string    // the node that asked (its address on the bridge)
	At     time.Time // asked
	Done   time.Time // carried out (the node off, or booting again)
	OK     bool
}

// FenceURL is where fence_harness reaches the harness (host:port on the
// bridge): give it as the device's ip parameter.
func (c *Cluster) FenceURL() string { return c.fenceURL }

// Fenced lists the power actions the harness carried out for fence
// devices, in order.
func (c *Cluster) Fenced() []FenceEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]FenceEvent(nil), c.fenced...)
}

// serveFence answers fence_harness on the bridge: GET /<action>/<node>
// with action off, on, reboot or status, and GET /list. Only the nodes
// reach it: a node whose link is cut cannot fence anyone, as with a real
// fence device behind the same switch.
func (c *Cluster) serveFence() error {
	l, err := c.ListenSwitch(0)
	if err != nil {
		return err
	}
	c.fenceURL = l.Addr().String()
	c.mu.Lock()
	c.closers = append(c.closers, l)
	c.mu.Unlock()
	srv := &http.Server{Handler: http.HandlerFunc(c.fenceHandler), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(l)
	return nil
}

func (c *Cluster) fenceHandler(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) == 1 && parts[0] == "list" {
		for _, n := range c.Nodes {
			fmt.Fprintf(w, "%s,%s\n", n.Name, n.Name)
		}
		return
	}
	if len(parts) != 2 {
		http.Error(w, "want /<action>/<node>", http.StatusNotFound)
		return
	}
	n := c.Node(parts[1])
	if n == nil {
		http.Error(w, "no such node: "+parts[1], http.StatusNotFound)
		return
	}
	by, _, _ := net.SplitHostPort(r.RemoteAddr)
	for _, m := range c.Nodes {
		if m.Addr == by {
			by = m.Name
		}
	}
	ev := FenceEvent{Target: n.Name, Action: parts[0], By: by, At: time.Now()}
	var err error
	switch parts[0] {
	case "status":
		if n.On() {
			fmt.Fprintln(w, "on")
		} else {
			fmt.Fprintln(w, "off")
		}
		return
	case "off":
		n.PowerOff()
	case "on":
		if !n.On() {
			err = n.PowerOn()
		}
	case "reboot":
		err = n.Reboot()
	default:
		http.Error(w, "unknown action "+parts[0], http.StatusBadRequest)
		return
	}
	ev.OK, ev.Done = err == nil, time.Now()
	c.mu.Lock()
	c.fenced = append(c.fenced, ev)
	if !c.down { // t.Logf after the test has ended would panic
		c.t.Logf("multinode: fence %s of %s asked by %s: ok=%v %v", ev.Action, ev.Target, ev.By, ev.OK, err)
	}
	c.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, "ok")
}
