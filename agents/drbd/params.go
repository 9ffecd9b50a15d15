package main

import "github.com/ocfkit/ocfkit/ocf"

// params are the parameters as the actions read them (ocf.Env.Decode).
type params struct {
	Resource                       string `ocf:"drbd_resource"`
	DRBDConf                       string `ocf:"drbdconf"`
	AdjustMasterScore              string `ocf:"adjust_master_score"`
	StopOutdatesSecondary          bool   `ocf:"stop_outdates_secondary"`
	IgnoreMissingNotifications     bool   `ocf:"ignore_missing_notifications"`
	WFCTimeout                     string `ocf:"wfc_timeout"`
	RemoveMasterScoreIfPeerPrimary string `ocf:"remove_master_score_if_peer_primary"`
	FailPromoteEarlyIfPeerPrimary  bool   `ocf:"fail_promote_early_if_peer_primary"`
	UnfenceIfAllUpToDate           bool   `ocf:"unfence_if_all_uptodate"`
	UnfenceExtraArgs               string `ocf:"unfence_extra_args"`
	VersionGE                      string `ocf:"require_drbd_module_version_ge"`
	VersionLT                      string `ocf:"require_drbd_module_version_lt"`
	ConnectOnlyAfterPromote        bool   `ocf:"connect_only_after_promote"`
	Drbdadm                        string `ocf:"drbdadm"`
	Drbdsetup                      string `ocf:"drbdsetup"`
	ProcDRBD                       string `ocf:"proc_drbd"`
}

// drbd_resource is the identity. Booleans that do not parse are a warning
// and the default, as ocf_is_true reads them in the anchor.
var declared = []ocf.Param{
	{Name: "drbd_resource", Required: true, Unique: true, Identity: true, Shortdesc: "drbd resource name",
		Longdesc: "The name of the DRBD resource from the drbd.conf file."},
	{Name: "drbdconf", Default: "/etc/drbd.conf", Shortdesc: "Path to drbd.conf",
		Longdesc: "Full path to the drbd.conf file."},
	{Name: "adjust_master_score", Default: defaultLevels, Shortdesc: "promotion score adjustments",
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
}
