package bench_test

import (
	"fmt"
	"strings"

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
