package bench_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/test/bench"
)

// act runs action of the agent at path once and fails unless it exits
// with want.
func act(path string, env []string, action string, want int) error {
	r, err := bench.Run(path, env, action)
	if err == nil && r.Code != want {
		err = fmt.Errorf("%s %s: exit %d, want %d: %s", path, action, r.Code, want, strings.TrimSpace(string(r.Output)))
	}
	return err
}

// side is a contender of bench.Compare: action of the agent at path,
// which must exit with want.
func side(name, path string, env []string, action string, want int) bench.Side {
	return bench.Side{Name: name, Run: func() error { return act(path, env, action, want) }}
}

// monitorRSS prints the peak memory of a monitor of ours and of the anchor
// (named anchorName) with env; note says what the anchor's figure covers.
func monitorRSS(t *testing.T, what string, env []string, ours, anchorName, anchor, note string) {
	t.Helper()
	mine, err := bench.PeakRSS(ours, env, "monitor")
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := bench.PeakRSS(anchor, env, "monitor")
	bench.Printf("%-34s ocfkit %d KB   %s %d KB (%s)", what, mine, anchorName, theirs, note)
}
