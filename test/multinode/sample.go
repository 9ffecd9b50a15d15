package multinode

import (
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// HasAddr reports whether the node holds ip on one of its interfaces (read
// over netlink in its network namespace: no fork, cheap enough to sample).
// A node without power holds nothing.
func (n *Node) HasAddr(ip string) bool {
	path := n.NetNS()
	if path == "" {
		return false
	}
	ns, err := netns.GetFromPath(path)
	if err != nil {
		return false
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return false
	}
	defer h.Close()
	addrs, err := h.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return false
	}
	want := net.ParseIP(ip)
	for _, a := range addrs {
		if a.IP.Equal(want) {
			return true
		}
	}
	return false
}

// Sample is what a Sampler saw at one moment: for each thing it watches
// ("vip", "mount", "cloud-ip", ...), the nodes that held it.
type Sample struct {
	At      time.Time
	Holders map[string][]string
}

// Sampler probes who holds what, every interval, until stopped.
type Sampler struct {
	stop    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	samples []Sample
}

// Probe returns, for each watched thing, the nodes holding it now.
type Probe func() map[string][]string

// StartSampler runs probe every interval in the background.
func StartSampler(interval time.Duration, probe Probe) *Sampler {
	s := &Sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			h := probe()
			for _, v := range h {
				sort.Strings(v)
			}
			s.mu.Lock()
			s.samples = append(s.samples, Sample{At: time.Now(), Holders: h})
			s.mu.Unlock()
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// Stop ends the sampling and returns every sample.
func (s *Sampler) Stop() []Sample {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sample(nil), s.samples...)
}

// DoubleHolders lists, as readable lines, every sample where one thing had
// more than one holder: the split brain the tests must never see.
func DoubleHolders(samples []Sample) []string {
	var out []string
	for _, s := range samples {
		for what, nodes := range s.Holders {
			if len(nodes) > 1 {
				out = append(out, s.At.Format("15:04:05.000")+" "+what+" on "+strings.Join(nodes, ","))
			}
		}
	}
	return out
}

// FirstHeld is the time of the first sample from which what is held by
// node alone until the end, or the zero time.
func FirstHeld(samples []Sample, what, node string) time.Time {
	var at time.Time
	for _, s := range samples {
		h := s.Holders[what]
		if len(h) == 1 && h[0] == node {
			if at.IsZero() {
				at = s.At
			}
		} else {
			at = time.Time{}
		}
	}
	return at
}

// AddrHolders is a Probe part: the nodes holding ip.
func (c *Cluster) AddrHolders(ip string) []string {
	var out []string
	for _, n := range c.Nodes {
		if n.HasAddr(ip) {
			out = append(out, n.Name)
		}
	}
	return out
}
