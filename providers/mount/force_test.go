package mount

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestParseForceUnmount follows the anchor's parse_force_unmount_modifiers
// word by word.
func TestParseForceUnmount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want ForceUnmount
	}{
		{"", ForceUnmount{Force: ForceTrue, PS: true}},
		{"true", ForceUnmount{Force: ForceTrue, PS: true}},
		{"ja", ForceUnmount{Force: ForceTrue, PS: true}},
		{"ON", ForceUnmount{Force: ForceTrue, PS: true}},
		{"safe", ForceUnmount{Force: ForceSafe, PS: true}},
		{"false", ForceUnmount{Force: ForceFalse, PS: true}},
		{"no", ForceUnmount{Force: ForceFalse, PS: true}},
		// Not an ocf_is_true spelling: ignored, and nothing else said.
		{"Yes", ForceUnmount{Force: ForceFalse, PS: true, Ignored: []string{"Yes"}}},
		{"off", ForceUnmount{Force: ForceFalse, PS: true, Ignored: []string{"off"}}},
		{"0", ForceUnmount{Force: ForceFalse, PS: true, Ignored: []string{"0"}}},
		// A modifier alone: the policy defaults to yes.
		{"move", ForceUnmount{Force: ForceTrue, Move: true, Xargs: true}},
		{"safe,move,noxargs,ps", ForceUnmount{Force: ForceSafe, Move: true, PS: true}},
		{"true,xargs,nops", ForceUnmount{Force: ForceTrue, Xargs: true}},
		{"ps,nops", ForceUnmount{Force: ForceTrue}},
		{"safe,,move,bogus", ForceUnmount{Force: ForceSafe, Move: true, Xargs: true, Ignored: []string{"bogus"}}},
		{"false,true", ForceUnmount{Force: ForceTrue, PS: true}},
	} {
		assert.Equal(t, c.want, ParseForceUnmount(c.in), c.in)
	}
}

func TestParseSignals(t *testing.T) {
	got, err := ParseSignals("TERM kill SIGINT 10")
	require.NoError(t, err)
	assert.Equal(t, []syscall.Signal{unix.SIGTERM, unix.SIGKILL, unix.SIGINT, unix.SIGUSR1}, got)
	got, err = ParseSignals("  ")
	require.NoError(t, err)
	assert.Empty(t, got)
	for _, bad := range []string{"TERMINATE", "0", "65", "-9", "SIG"} {
		_, err := ParseSignals(bad)
		assert.Error(t, err, bad)
	}
}

func TestParseSignalDelay(t *testing.T) {
	for in, want := range map[string]time.Duration{"1": time.Second, "0": 0, "0.5": 500 * time.Millisecond, "2s": 2 * time.Second} {
		got, err := ParseSignalDelay(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "-1", "soon", "NaN", "1e9"} {
		_, err := ParseSignalDelay(bad)
		assert.Error(t, err, bad)
	}
}
