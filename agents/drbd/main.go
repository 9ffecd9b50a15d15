// Command drbd is ocfkit's drop-in for ocf:linbit:drbd: DRBD as a
// promotable clone, with the same parameters and the same promotion-score
// rules, in tested Go. The DRBD mechanics live in providers/drbd.
package main

import (
	"time"

	"github.com/ocfkit/ocfkit/ocf"
)

const defaultUnfenceArgs = "--quiet --flock-required --flock-timeout 0 --unfence-only-if-owner-match"

var agent = &ocf.Agent{
	Name:      "drbd",
	Shortdesc: "Manages a DRBD device as a promotable clone",
	Longdesc: `Manages a DRBD resource as a promotable (Promoted/Unpromoted) clone, with the parameters and the
promotion-score rules of ocf:linbit:drbd: the score each node writes (crm_attribute -p, lifetime
reboot) decides which node may become Primary.

To avoid data divergence, enable DRBD quorum with "on-no-quorum io-error", or configure fencing
in both DRBD and Pacemaker (fencing resource-and-stonith). Enable notify=true on the clone.`,
	Params: []ocf.Param{
		{Name: "drbd_resource", Required: true, Unique: true, Shortdesc: "drbd resource name",
			Longdesc: "The name of the DRBD resource from the drbd.conf file."},
		{Name: "drbdconf", Default: "/etc/drbd.conf", Shortdesc: "Path to drbd.conf",
			Longdesc: "Full path to the drbd.conf file."},
		{Name: "adjust_master_score", Default: "0 10 1000 10000", Shortdesc: "promotion score adjustments",
			Longdesc: `Four space separated, non-decreasing promotion scores, used when
 - only Consistent data is accessible (0 by default: do not promote while unsure),
 - only a peer has UpToDate data,
 - we are Secondary with UpToDate data but a peer's disk state is unknown,
 - we have UpToDate data and are Primary or know the peers' disks.
Diskless clients with access to good data use the 3rd or 4th value minus one.`},
		{Name: "stop_outdates_secondary", Type: ocf.Boolean, Default: "false", Shortdesc: "outdate a secondary on stop",
			Longdesc: `When a Secondary is stopped (or loses its peers, seen in a post notification) while
Pacemaker reports another node promoted, mark the local data Outdated in the DRBD meta data.
Depends on the notify variables being right; leave disabled unless you know you need it.`},
		{Name: "ignore_missing_notifications", Type: ocf.Boolean, Default: "false", Shortdesc: "ignore missing notify=true",
			Longdesc: "Accept a clone without notify=true."},
		{Name: "wfc_timeout", Default: "5", Shortdesc: "wait for connections with timeout",
			Longdesc: "Wait at most this many seconds for the connections after bringing them up in start. Any non-digits: do not wait."},
		{Name: "remove_master_score_if_peer_primary", Default: "false", Shortdesc: "remove the promotion score while connected to a Primary",
			Longdesc: `An OCF boolean or the word "unexpected". True: remove the promotion score while DRBD is
connected to a Primary peer that has all disks UpToDate. "unexpected": only when Pacemaker
does not know of a promoted instance (crm_resource --locate), which hints at a cluster split.
Anything else: ignore the peer's role.`},
		{Name: "fail_promote_early_if_peer_primary", Type: ocf.Boolean, Default: "false", Shortdesc: "try promote only once when connected to a Primary",
			Longdesc: "When a promotion fails while DRBD is connected to a Primary that Pacemaker does not know about, give up after the first attempt instead of retrying until the timeout."},
		{Name: "unfence_if_all_uptodate", Type: ocf.Boolean, Default: "false", Shortdesc: "call the unfence hook once fully UpToDate",
			Longdesc: "When Primary and all local and peer disks are UpToDate, call `drbdadm unfence-peer` to lift a stale fencing constraint."},
		{Name: "unfence_extra_args", Default: defaultUnfenceArgs, Shortdesc: "Extra arguments for the unfence hook",
			Longdesc: "Passed to the unfence hook in its environment as OCF_RESKEY_unfence_extra_args."},
		{Name: "require_drbd_module_version_ge", Default: "8.0.0", Shortdesc: "minimum DRBD module version",
			Longdesc: "Fail unless the DRBD kernel module version is at least this x.y.z (e.g. 9.0.16 to require DRBD 9)."},
		{Name: "require_drbd_module_version_lt", Default: "10.0.0", Shortdesc: "DRBD module version to stay below",
			Longdesc: "Fail unless the DRBD kernel module version is below this x.y.z (e.g. 9.0.0 to require 8.4)."},
		{Name: "connect_only_after_promote", Type: ocf.Boolean, Default: "false", Shortdesc: "connect only after promotion",
			Longdesc: "Keep this DRBD disconnected until it is promoted, then adjust to connect. For stacked setups without fencing on the lower layer."},
		{Name: "drbdadm", Default: "drbdadm", Shortdesc: "drbdadm command (ocfkit)",
			Longdesc: "The drbdadm program to run: a name looked up in PATH or an absolute path."},
		{Name: "drbdsetup", Default: "drbdsetup", Shortdesc: "drbdsetup command (ocfkit)",
			Longdesc: "The drbdsetup program to run: a name looked up in PATH or an absolute path."},
		{Name: "proc_drbd", Default: "/proc/drbd", Shortdesc: "the DRBD proc file (ocfkit)",
			Longdesc: "Where the loaded DRBD module shows itself; its absence means the module is not loaded."},
	},
	Validate: validate,
	Actions: []ocf.Action{
		{Name: "start", Timeout: 240 * time.Second, Run: start},
		{Name: "stop", Timeout: 100 * time.Second, Run: stop},
		{Name: "promote", Timeout: 90 * time.Second, Run: promote},
		{Name: "demote", Timeout: 90 * time.Second, Run: demote},
		{Name: "notify", Timeout: 90 * time.Second, Run: notify},
		{Name: "reload", Timeout: 30 * time.Second, Run: reload},
		{Name: "monitor", Timeout: 20 * time.Second, Interval: 20 * time.Second, Role: "Unpromoted", Run: monitor},
		{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Role: "Promoted", Run: monitor},
		{Name: "status", Timeout: 20 * time.Second, Undeclared: true, Run: status},
	},
}

func main() { agent.Main() }
