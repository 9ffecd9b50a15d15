package diff

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/agenttest"
)

// script writes a shell agent that exits with the code its body picks.
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "agent")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	return p
}

// The two fake agents: they agree on start and monitor, and differ on
// stop when OCF_RESKEY_x=odd; each writes a marker in a shared file.
const anchorBody = `case $1 in stop) [ "$OCF_RESKEY_x" = odd ] && exit 1;; esac
[ -n "$MARK" ] && echo "$1" >> "$MARK"
exit 0`

const oursBody = `[ -n "$MARK" ] && echo "$1" >> "$MARK"
exit 0`

func TestRunTallies(t *testing.T) {
	mark := filepath.Join(t.TempDir(), "mark")
	r := Runner{Agent: "fake",
		Anchor: Agent{Name: "anchor", Path: script(t, anchorBody)},
		Ocfkit: Agent{Name: "ocfkit", Path: script(t, oursBody)},
	}
	state := func(testing.TB) string { b, _ := os.ReadFile(mark); return string(b) }
	clean := func(testing.TB) { os.Remove(mark) }
	cases := []Case{
		{Name: "agree", Actions: []string{"start", "monitor"}, Env: []string{"MARK=" + mark}, State: state, Teardown: clean, Want: []int{0, 0}},
		{Name: "on purpose", Actions: []string{"stop"}, Params: agenttest.Params{"x": "odd"}, Differs: "ocfkit's stop succeeds"},
		{Name: "state on purpose", Steps: []Step{{Action: "stop", Params: agenttest.Params{"x": "odd"}}}, Env: []string{"MARK=" + mark},
			State: state, Teardown: clean, Differs: "the anchor leaves no marker"},
	}
	tally := r.Run(t, cases)
	assert.Equal(t, Tally{Agent: "fake", Agree: 1, OnPurpose: 2}, tally)
	assert.Equal(t, "differential fake: 1 agree, 2 differ on purpose (documented), 0 differ", tally.String())
}

// TestPrefix runs the agents under a wrapper command.
func TestPrefix(t *testing.T) {
	r := Runner{Agent: "fake",
		Anchor: Agent{Path: script(t, `[ "$1" = monitor ] && [ "$W" = 1 ] && exit 7; exit 0`)},
		Ocfkit: Agent{Path: script(t, `[ "$1" = monitor ] && [ "$W" = 1 ] && exit 7; exit 0`)},
		Prefix: []string{"env", "W=1"},
	}
	tally := r.Run(t, []Case{{Name: "wrapped", Actions: []string{"monitor"}, Want: []int{7}}})
	assert.Equal(t, 1, tally.Agree)
}

// TestTimeout ends an agent that loops, as Pacemaker would at the action's
// timeout, with what it started.
func TestTimeout(t *testing.T) {
	r := Runner{Agent: "fake", Timeout: 300 * time.Millisecond,
		Anchor: Agent{Path: script(t, `sleep 30 & while :; do sleep 1; done`)},
		Ocfkit: Agent{Path: script(t, `exit 1`)},
	}
	tally := r.Run(t, []Case{{Name: "loops", Actions: []string{"start"}, Want: []int{1}, Differs: "the anchor loops until killed"}})
	assert.Equal(t, 1, tally.OnPurpose)
}
