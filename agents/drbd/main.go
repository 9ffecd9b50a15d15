// Command drbd is ocfkit's drop-in for ocf:linbit:drbd: DRBD as a
// promotable clone, with the same parameters and the same promotion-score
// rules, in tested Go. The DRBD mechanics live in providers/drbd.
package main

import (
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

const defaultLevels = "0 10 1000 10000"

const defaultUnfenceArgs = "--quiet --flock-required --flock-timeout 0 --unfence-only-if-owner-match"

var agent = &ocf.Agent{
	Name:      "drbd",
	Shortdesc: "Manages a DRBD device as a promotable clone",
	Longdesc: `Manages a DRBD resource as a promotable (Promoted/Unpromoted) clone, with the parameters and the
promotion-score rules of ocf:linbit:drbd: the score each node writes (crm_attribute -p, lifetime
reboot) decides which node may become Primary.

To avoid data divergence, enable DRBD quorum with "on-no-quorum io-error", or configure fencing
in both DRBD and Pacemaker (fencing resource-and-stonith). Enable notify=true on the clone.`,
	Params:   declared,
	Resource: kind,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 240 * time.Second, Run: kind.Do(start)},
		{Name: "stop", Timeout: 100 * time.Second, Run: kind.Do(stop)},
		{Name: "promote", Timeout: 90 * time.Second, Run: kind.Do(promote)},
		{Name: "demote", Timeout: 90 * time.Second, Run: kind.Do(demote)},
		{Name: "notify", Timeout: 90 * time.Second, Run: kind.Do(notify)},
		{Name: "reload", Timeout: 30 * time.Second, Run: kind.Do(reload)},
		{Name: "monitor", Timeout: 20 * time.Second, Interval: 20 * time.Second, Role: "Unpromoted", Run: kind.Do(monitor)},
		{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Role: "Promoted", Run: kind.Do(monitor)},
		{Name: "status", Timeout: 20 * time.Second, Undeclared: true, Run: kind.Do(status)},
	},
}

// kind loads a drbd resource for each action (resource.go).
var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}

func main() { agent.Main() }
