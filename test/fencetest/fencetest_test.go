package fencetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/agenttest"
)

func TestAgent(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "fence_x")
	require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\necho \"args=$* log=$HA_LOGFACILITY x=$X\"\ncat >&2\nexit 2\n"), 0o755))
	checked := 0
	a := Agent{Bin: bin, Env: []string{"X=1"}, Check: func(testing.TB, Result) { checked++ }}

	r := a.Expect(t, 2, Stdin("action=status", "port=node1"))
	assert.Equal(t, "args= log=none x=1\n", r.Stdout)
	assert.Equal(t, "action=status\nport=node1\n", r.Stderr, "the options on stdin, a line each")
	r = a.Run(t, "", "-o", "status")
	assert.Equal(t, "args=-o status log=none x=1\n", r.Stdout)

	f := &agenttest.Fatals{TB: t}
	a.Expect(f, 0, Stdin("action=off"))
	require.Len(t, f.Msgs, 1, "a wrong code fails the test")
	assert.Contains(t, f.Msgs[0], "exit 2, want 0")
	assert.Contains(t, f.Msgs[0], "action=off")
	assert.Equal(t, 3, checked, "Check sees every run")
}
