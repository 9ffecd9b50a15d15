// Command ocivip keeps an OCI secondary private IP on this instance's VNIC
// and on the matching local interface: a drop-in for ocf:heartbeat:ocivip
// (same parameter names and defaults) and for the sed-patched IPaddr2 that
// calls `oci network vnic assign-private-ip`. The API, metadata and
// authentication mechanics live in providers/oci, the local address in
// providers/netif.
package main

import (
	"os"

	"time"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/oci"
)

var agent = &ocf.Agent{
	Name:      "ocivip",
	Shortdesc: "OCI secondary private IP that follows the resource",
	Longdesc: `Moves an Oracle Cloud Infrastructure secondary private IP to the VNIC of the
instance where the resource runs, and puts the address on the local interface of that
VNIC, through the OCI API (oci-go-sdk) and netlink: no OCI CLI, no jq, no forks.

start reads this instance's VNICs from the instance metadata service (IMDS v2), picks
the VNIC whose subnet contains the IP (or vnic_id), and asks the API where the IP is:
unassigned, it is created on our VNIC; on another VNIC, it is moved to ours; already
ours, nothing is written. Then the address is added to the interface whose MAC is the
VNIC's (or nic) and announced with gratuitous ARP. 429, 5xx and 409 IncorrectState
answers are retried with backoff (at most api_delay seconds apart), all within the
start timeout.

monitor checks the local address (netlink, exact match) and makes one API call that
confirms the IP is on our VNIC. The API saying it is elsewhere, or the local address
being gone, is "not running". The API or authentication failing while the address is
local and the last start succeeded is "degraded" (190) with the reason, never "not
running", so a transient outage does not cause a failover.

stop removes the local address; with unassign_on_stop it also deletes the private IP
if it is still on our VNIC. Without it, stop needs no API access.

Authentication is instance principals (the default: this instance's certificate from
IMDS, a dynamic group and a policy allowing "use virtual-network-family"), or an API
key from the standard OCI config file (auth=api_key). The instance principal's
security token is kept in the state directory (mode 0600) until shortly before it
expires, so that monitors do not federate every time. Keys and tokens never reach a
log, a command line or an exit reason.`,
	Params:   declared,
	Resource: kind,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 30 * time.Second, Run: kind.Do(start)},
		{Name: "stop", Timeout: 30 * time.Second, Run: kind.Do(stop)},
		{Name: "monitor", Timeout: 30 * time.Second, Interval: 20 * time.Second, Run: kind.Do(monitor)},
		{Name: "validate-all", Timeout: 10 * time.Second},
		{Name: "migrate_to", Timeout: 30 * time.Second, Run: kind.Do(stop)},
		{Name: "migrate_from", Timeout: 30 * time.Second, Run: kind.Do(start)},
		// The anchor accepts reload and does nothing; declaring it would
		// make Pacemaker reload instead of restarting on a parameter change.
		{Name: "reload", Timeout: 30 * time.Second, Undeclared: true, Run: kind.Do(reload)},
		{Name: "status", Timeout: 30 * time.Second, Undeclared: true, Run: kind.Do(monitor)},
	},
}

// kind loads an ocivip resource for each action (resource.go).
var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}

func main() {
	// Keys, tokens and signatures the provider reads or derives never
	// reach a log line or an exit reason, even when a server echoes them.
	oci.OnSecret = ocf.RegisterSecret
	os.Args = anchorActions(os.Args)
	agent.Main()
}
