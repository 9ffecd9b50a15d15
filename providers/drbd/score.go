package drbd

import (
	"fmt"
	"strconv"
	"strings"
)

// Levels are the four promotion scores of adjust_master_score, in order:
// only Consistent data, only remote UpToDate data, local UpToDate data while
// Secondary with a peer disk unknown, and "as good as it gets".
type Levels struct {
	OnlyConsistent, OnlyRemote, LocalOK, Best int
}

// DefaultLevels is the anchor's "0 10 1000 10000".
var DefaultLevels = Levels{0, 10, 1000, 10000}

// ParseLevels reads adjust_master_score: exactly four non-negative,
// non-decreasing integers.
func ParseLevels(s string) (Levels, error) {
	f := strings.Fields(s)
	if len(f) != 4 {
		return DefaultLevels, fmt.Errorf("adjust_master_score needs 4 values, got %d", len(f))
	}
	var n [4]int
	for i, v := range f {
		x, err := strconv.Atoi(v)
		if err != nil || x < 0 || strings.HasPrefix(v, "+") {
			return DefaultLevels, fmt.Errorf("adjust_master_score value %q is not a non-negative integer", v)
		}
		if i > 0 && x < n[i-1] {
			return DefaultLevels, fmt.Errorf("adjust_master_score values must not decrease (%d > %d)", n[i-1], x)
		}
		n[i] = x
	}
	return Levels{n[0], n[1], n[2], n[3]}, nil
}

// PeerPrimaryPolicy is remove_master_score_if_peer_primary.
type PeerPrimaryPolicy int

const (
	PeerPrimaryIgnore     PeerPrimaryPolicy = iota // "false" and anything unknown
	PeerPrimaryRemove                              // an OCF true value
	PeerPrimaryUnexpected                          // "unexpected"
)

// ParsePeerPrimaryPolicy reads the parameter as the anchor does: an OCF
// boolean, except the literal "unexpected".
func ParsePeerPrimaryPolicy(v string) PeerPrimaryPolicy {
	switch v {
	case "yes", "true", "1", "YES", "TRUE", "True", "ja", "on", "ON":
		return PeerPrimaryRemove
	case "unexpected":
		return PeerPrimaryUnexpected
	}
	return PeerPrimaryIgnore
}

// Input is everything the promotion rules depend on.
type Input struct {
	Status      Status
	Levels      Levels
	PeerPrimary PeerPrimaryPolicy
	// SinglePromoted is OCF_RESKEY_CRM_meta_master_max == "1" (its default).
	SinglePromoted bool
	// PrimaryKnown: Pacemaker reports a promoted instance on another node
	// (crm_resource --locate). Only consulted when NeedsLocate says so.
	PrimaryKnown bool
	Unfence      bool // unfence_if_all_uptodate
}

// Decision is the outcome of the rules: Keep leaves the current score alone;
// otherwise Score is written when positive and removed when not.
type Decision struct {
	Score   int
	Keep    bool
	Unfence bool   // call the unfence-peer hook
	Rule    string // which rule decided, for logs and tests
}

// Remove reports whether the score is to be deleted.
func (d Decision) Remove() bool { return !d.Keep && d.Score <= 0 }

func (d Decision) String() string {
	switch {
	case d.Keep:
		return "keep (" + d.Rule + ")"
	case d.Remove():
		return "remove (" + d.Rule + ")"
	}
	return fmt.Sprintf("%d (%s)", d.Score, d.Rule)
}

// RuleUnexpectedPrimary is the rule of remove_master_score_if_peer_primary=
// unexpected: callers log it only when there was a score to remove.
const RuleUnexpectedPrimary = "connected to a Primary that Pacemaker does not know about"

// peerPrimaryApplies is the common guard of the peer-Primary rules: we are
// not Primary, a peer is, and some peer has all disks UpToDate.
func peerPrimaryApplies(in Input) bool {
	st := in.Status
	return in.PeerPrimary != PeerPrimaryIgnore && !st.Primary && st.SomePeerPrimary && st.SomePeerAllUpToDate
}

// NeedsLocate reports whether Decide will look at PrimaryKnown, so callers
// ask Pacemaker (a fork of crm_resource) only then.
func NeedsLocate(in Input) bool {
	return in.Status.HaveQuorum && in.PeerPrimary == PeerPrimaryUnexpected && peerPrimaryApplies(in) && in.SinglePromoted
}

// Decide applies the promotion-score rules of ocf:linbit:drbd, in its order.
func Decide(in Input) Decision {
	st, l := in.Status, in.Levels
	if !st.HaveQuorum {
		return Decision{Rule: "no quorum"}
	}
	if peerPrimaryApplies(in) {
		if in.PeerPrimary == PeerPrimaryRemove {
			return Decision{Rule: "connected to a healthy Primary peer"}
		}
		if in.SinglePromoted && !in.PrimaryKnown {
			return Decision{Rule: RuleUnexpectedPrimary}
		}
	}
	switch {
	case st.DisklessClient:
		switch {
		case st.Primary && st.SomePeerAllUpToDate:
			return Decision{Score: l.Best - 1, Rule: "diskless client, Primary with a peer all UpToDate"}
		case st.PeerDiskAllUpToDate:
			return Decision{Score: l.Best - 1, Rule: "diskless client, all peer disks UpToDate"}
		case st.SomePeerAllUpToDate:
			return Decision{Score: l.LocalOK - 1, Rule: "diskless client, some peer all UpToDate"}
		}
		return Decision{Rule: "diskless client without access to good data"}
	case st.DiskAllUpToDate:
		if st.Primary {
			return Decision{Score: l.Best, Unfence: in.Unfence && st.PeerDiskAllUpToDate, Rule: "Primary, all disks UpToDate"}
		}
		if st.PeerDiskAnyUnknown {
			return Decision{Score: l.LocalOK, Rule: "Secondary, all disks UpToDate, a peer disk unknown"}
		}
		return Decision{Score: l.Best, Rule: "Secondary, all disks UpToDate, peer disks known"}
	case st.SomePeerAllUpToDate:
		return Decision{Score: l.OnlyRemote, Rule: "a peer has all disks UpToDate, we do not"}
	case st.DiskTransitional:
		return Decision{Keep: true, Rule: "disk attaching or negotiating"}
	case st.DiskAllConsistent:
		return Decision{Score: l.OnlyConsistent, Rule: "disks Consistent"}
	}
	return Decision{Rule: "no access to good data"}
}
