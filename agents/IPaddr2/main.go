// IPaddr2 manages a virtual IPv4 or IPv6 address on a local interface: a
// drop-in for ocf:heartbeat:IPaddr2 that talks netlink instead of forking
// ip(8) and sends its ARP/NA packets from Go.
package main

import (
	"os"
	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/netif"
)

var agent = &ocf.Agent{
	Name:      "IPaddr2",
	Shortdesc: "Manages virtual IPv4 and IPv6 addresses (Linux specific version)",
	Longdesc: "Adds a virtual IPv4 or IPv6 address to a local interface, or removes it, and " +
		"announces it to the neighbours with gratuitous ARP (IPv4) or unsolicited neighbour " +
		"advertisements (IPv6). ocfkit's drop-in for ocf:heartbeat:IPaddr2: the same parameters, " +
		"addresses managed through netlink and packets sent from Go, so a monitor forks nothing.",
	Params:   append(declared, upstreamParams...),
	Resource: kind,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 20 * time.Second, Run: kind.Do(start)},
		{Name: "stop", Timeout: 20 * time.Second, Run: kind.Do(stop)},
		{Name: "status", Timeout: 20 * time.Second, Interval: 10 * time.Second, Run: kind.Do(status)},
		{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Run: kind.Do(monitor)},
	},
}

// kind loads an IPaddr2 resource for each action (resource.go).
var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}

func main() {
	if len(os.Args) > 1 && os.Args[1] == netif.BackgroundCmd {
		// A background ARP sender that start re-executed: no output to
		// anyone, an exit code for no one but a person trying it by hand.
		if err := netif.RunBackground(os.Args[2:]); err != nil {
			os.Exit(ocf.ErrGeneric)
		}
		os.Exit(ocf.Success)
	}
	agent.Main()
}
