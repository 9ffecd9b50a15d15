// Package drbd drives DRBD through drbdadm and drbdsetup and reads its state:
// `drbdsetup events2 --now` (DRBD 9), `drbdsetup sh-status` (DRBD 8.4) and
// `drbdadm --version`. It also holds the promotion-score rules of
// ocf:linbit:drbd as a pure function of that state (see Decide).
package drbd

// Status is what the promotion rules look at, with the meaning the status
// variables of ocf:linbit:drbd (drbd.shellfuncs.sh) have. The two parsers
// reproduce how the anchor derives them, quirks included, because the
// resulting promotion scores must be the same.
type Status struct {
	Unconfigured           bool // no role: the resource is not up
	Primary                bool
	SomePeerPrimary        bool
	DisklessClient         bool // every local volume is an intentionally diskless client
	HaveQuorum             bool
	DiskAllUpToDate        bool
	DiskAllConsistent      bool
	DiskTransitional       bool // some local disk Attaching or Negotiating
	PeerDiskAllUpToDate    bool
	PeerDiskAnyUnknown     bool
	SomePeerAllUpToDate    bool
	SomePeerNotAllUpToDate bool
	// Disks are the local disk states, for log lines.
	Disks []string
}
