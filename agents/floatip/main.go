// Command floatip keeps a DigitalOcean reserved IP (formerly "floating IP")
// assigned to the droplet where Pacemaker runs the resource: a drop-in for
// the community agent ocf:digitalocean:floatip (same parameter names) and
// for the assign-ip scripts of Heartbeat and keepalived setups. The API and
// metadata mechanics live in providers/digitalocean.
package main

import (
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

var agent = &ocf.Agent{
	Name:      "floatip",
	Shortdesc: "Moves a DigitalOcean reserved (floating) IP to this droplet",
	Longdesc: `Assigns a DigitalOcean reserved IP (called floating IP before 2022) to the droplet
the resource runs on, through the DigitalOcean API.

start reads this droplet's id from the metadata service (once; it is kept in the
state directory), asks the API where the IP is, and if it is elsewhere posts an
assign action and polls it until it completes, then confirms the result. A pending
event or a locked IP is waited out, 429 answers wait for Retry-After, 5xx answers and
timeouts back off, an errored action is retried: all within the start timeout.

monitor asks the metadata service, which costs no API quota: the reserved IP active
on this droplet is this floating_ip means running. When metadata says otherwise, one
API request confirms; only the API's word that the IP is elsewhere or unassigned
makes the monitor report "not running". When neither can be reached and the last
start on this node succeeded, the monitor reports "degraded" (190) with the reason,
never "not running".

stop forgets the resource on this node; with unassign_on_stop it also unassigns the
IP if it is still on this droplet.

The API token is read from token_file, which must be owned by root and readable by
nobody else (mode 0600). It never reaches the CIB, a log line, an exit reason or a
command line. https endpoints are always verified.`,
	Params:   declared,
	Resource: kind,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 60 * time.Second, Run: kind.Do(start)},
		{Name: "stop", Timeout: 60 * time.Second, Run: kind.Do(stop)},
		{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Run: kind.Do(monitor)},
		{Name: "validate-all", Timeout: 20 * time.Second},
		{Name: "status", Timeout: 20 * time.Second, Undeclared: true, Run: kind.Do(monitor)},
	},
}

// kind loads a floatip resource for each action (resource.go).
var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}

func main() { agent.Main() }
