package drbd

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecide(t *testing.T) {
	// healthy Secondary with all disks, peers known and UpToDate
	base := Status{HaveQuorum: true, DiskAllUpToDate: true, DiskAllConsistent: true,
		PeerDiskAllUpToDate: true, SomePeerAllUpToDate: true}
	with := func(f func(s *Status)) Status { s := base; f(&s); return s }
	levels := Levels{1, 10, 1000, 10000}

	tests := []struct {
		name string
		in   Input
		want Decision
	}{
		{"quorum lost removes even a healthy Primary",
			Input{Status: with(func(s *Status) { s.HaveQuorum = false; s.Primary = true })},
			Decision{Rule: "no quorum"}},
		{"peer Primary, policy true, removes",
			Input{PeerPrimary: PeerPrimaryRemove, Status: with(func(s *Status) { s.SomePeerPrimary = true })},
			Decision{Rule: "connected to a healthy Primary peer"}},
		{"peer Primary, policy true, but we are Primary ourselves",
			Input{PeerPrimary: PeerPrimaryRemove, Status: with(func(s *Status) { s.SomePeerPrimary, s.Primary = true, true })},
			Decision{Score: 10000, Rule: "Primary, all disks UpToDate"}},
		{"peer Primary, policy true, peer not healthy: regular rules",
			Input{PeerPrimary: PeerPrimaryRemove, Status: with(func(s *Status) {
				s.SomePeerPrimary, s.SomePeerAllUpToDate, s.PeerDiskAllUpToDate, s.SomePeerNotAllUpToDate = true, false, false, true
			})},
			Decision{Score: 10000, Rule: "Secondary, all disks UpToDate, peer disks known"}},
		{"peer Primary, policy false: ignored",
			Input{Status: with(func(s *Status) { s.SomePeerPrimary = true })},
			Decision{Score: 10000, Rule: "Secondary, all disks UpToDate, peer disks known"}},
		{"peer Primary unknown to Pacemaker, policy unexpected",
			Input{PeerPrimary: PeerPrimaryUnexpected, SinglePromoted: true, Status: with(func(s *Status) { s.SomePeerPrimary = true })},
			Decision{Rule: RuleUnexpectedPrimary}},
		{"peer Primary known to Pacemaker, policy unexpected",
			Input{PeerPrimary: PeerPrimaryUnexpected, SinglePromoted: true, PrimaryKnown: true, Status: with(func(s *Status) { s.SomePeerPrimary = true })},
			Decision{Score: 10000, Rule: "Secondary, all disks UpToDate, peer disks known"}},
		{"peer Primary, policy unexpected, two promoted allowed",
			Input{PeerPrimary: PeerPrimaryUnexpected, Status: with(func(s *Status) { s.SomePeerPrimary = true })},
			Decision{Score: 10000, Rule: "Secondary, all disks UpToDate, peer disks known"}},
		{"diskless client, Primary, a peer all UpToDate",
			Input{Status: Status{HaveQuorum: true, DisklessClient: true, Primary: true, SomePeerAllUpToDate: true, SomePeerNotAllUpToDate: true}},
			Decision{Score: 9999, Rule: "diskless client, Primary with a peer all UpToDate"}},
		{"diskless client, all peers UpToDate",
			Input{Status: Status{HaveQuorum: true, DisklessClient: true, SomePeerAllUpToDate: true, PeerDiskAllUpToDate: true}},
			Decision{Score: 9999, Rule: "diskless client, all peer disks UpToDate"}},
		{"diskless client, some peer UpToDate",
			Input{Status: Status{HaveQuorum: true, DisklessClient: true, SomePeerAllUpToDate: true, SomePeerNotAllUpToDate: true}},
			Decision{Score: 999, Rule: "diskless client, some peer all UpToDate"}},
		{"diskless client without good data",
			Input{Status: Status{HaveQuorum: true, DisklessClient: true}},
			Decision{Rule: "diskless client without access to good data"}},
		{"Primary, all UpToDate, unfence asked and peers UpToDate",
			Input{Unfence: true, Status: with(func(s *Status) { s.Primary = true })},
			Decision{Score: 10000, Unfence: true, Rule: "Primary, all disks UpToDate"}},
		{"Primary, all UpToDate, peer disk unknown: no unfence",
			Input{Unfence: true, Status: with(func(s *Status) { s.Primary, s.PeerDiskAllUpToDate, s.PeerDiskAnyUnknown = true, false, true })},
			Decision{Score: 10000, Rule: "Primary, all disks UpToDate"}},
		{"Secondary, all UpToDate, a peer disk unknown",
			Input{Status: with(func(s *Status) { s.PeerDiskAnyUnknown, s.PeerDiskAllUpToDate = true, false })},
			Decision{Score: 1000, Rule: "Secondary, all disks UpToDate, a peer disk unknown"}},
		{"Secondary, all UpToDate, peer disks known",
			Input{Status: base},
			Decision{Score: 10000, Rule: "Secondary, all disks UpToDate, peer disks known"}},
		{"a peer all UpToDate while we are not",
			Input{Status: Status{HaveQuorum: true, SomePeerAllUpToDate: true, PeerDiskAllUpToDate: true}},
			Decision{Score: 10, Rule: "a peer has all disks UpToDate, we do not"}},
		{"Attaching or Negotiating leaves the score",
			Input{Status: Status{HaveQuorum: true, DiskTransitional: true}},
			Decision{Keep: true, Rule: "disk attaching or negotiating"}},
		{"Consistent",
			Input{Status: Status{HaveQuorum: true, DiskAllConsistent: true, PeerDiskAnyUnknown: true}},
			Decision{Score: 1, Rule: "disks Consistent"}},
		{"Outdated, Inconsistent and the rest remove",
			Input{Status: Status{HaveQuorum: true}},
			Decision{Rule: "no access to good data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Levels = levels
			assert.Equal(t, tt.want, Decide(tt.in))
		})
	}
}

func TestDecideLevelZeroRemoves(t *testing.T) {
	d := Decide(Input{Levels: DefaultLevels, Status: Status{HaveQuorum: true, DiskAllConsistent: true}})
	assert.True(t, d.Remove(), "a score of 0 is removed, as set_master_score does")
	d = Decide(Input{Levels: Levels{}, Status: Status{HaveQuorum: true, DisklessClient: true, PeerDiskAllUpToDate: true, SomePeerAllUpToDate: true}})
	assert.True(t, d.Remove(), "-1 is removed too")
}

func TestNeedsLocate(t *testing.T) {
	st := Status{HaveQuorum: true, SomePeerPrimary: true, SomePeerAllUpToDate: true}
	assert.True(t, NeedsLocate(Input{Status: st, PeerPrimary: PeerPrimaryUnexpected, SinglePromoted: true}))
	assert.False(t, NeedsLocate(Input{Status: st, PeerPrimary: PeerPrimaryRemove, SinglePromoted: true}))
	assert.False(t, NeedsLocate(Input{Status: st, PeerPrimary: PeerPrimaryUnexpected}))
	st.Primary = true
	assert.False(t, NeedsLocate(Input{Status: st, PeerPrimary: PeerPrimaryUnexpected, SinglePromoted: true}))
}

func TestParseLevels(t *testing.T) {
	l, err := ParseLevels(" 0 10  1000 10000 ")
	require.NoError(t, err)
	assert.Equal(t, DefaultLevels, l)
	l, err = ParseLevels("5 5 5 5")
	require.NoError(t, err)
	assert.Equal(t, Levels{5, 5, 5, 5}, l)
	for _, bad := range []string{"", "0 10 1000", "0 10 1000 10000 1", "0 10 x 10000", "0 -10 1000 10000", "10 0 1000 10000", "0 +10 1000 10000"} {
		l, err := ParseLevels(bad)
		assert.Error(t, err, bad)
		assert.Equal(t, DefaultLevels, l, "falls back to the default like the anchor")
	}
}

func TestParsePeerPrimaryPolicy(t *testing.T) {
	for v, want := range map[string]PeerPrimaryPolicy{
		"true": PeerPrimaryRemove, "yes": PeerPrimaryRemove, "1": PeerPrimaryRemove, "ja": PeerPrimaryRemove, "ON": PeerPrimaryRemove,
		"unexpected": PeerPrimaryUnexpected,
		"false":      PeerPrimaryIgnore, "": PeerPrimaryIgnore, "maybe": PeerPrimaryIgnore, "Unexpected": PeerPrimaryIgnore,
	} {
		assert.Equal(t, want, ParsePeerPrimaryPolicy(v), v)
	}
}
