package fencetest

import (
	"os"
	"path/filepath"
	"strings"
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

func TestHides(t *testing.T) {
	check := Hides("token", "", "s3cr3t")
	check(t, Result{Stdout: "Status: ON\n", Stderr: "ERROR: refused\n"})
	f := &agenttest.Fatals{TB: t}
	check(f, Result{Stderr: "token s3cr3t refused"})
	require.Len(t, f.Msgs, 1, "a secret in stderr fails the test")
	assert.Contains(t, f.Msgs[0], "the token appears")
	check(f, Result{Stdout: "s3cr3t"})
	assert.Len(t, f.Msgs, 2, "a secret in stdout fails the test")
}

func TestCheckMetadata(t *testing.T) {
	md := `<?xml version="1.0" ?>
<resource-agent name="fence_x" shortdesc="Fence agent for tests" >
<longdesc>A fence agent for tests.</longdesc>
<vendor-url>https://example.com</vendor-url>
<parameters>
	<parameter name="plug" unique="0" required="1">
		<getopt mixed="-n, --plug=[id]" />
		<content type="string" />
		<shortdesc lang="en">The machine to fence</shortdesc>
	</parameter>
</parameters>
<actions>
	<action name="off" />
	<action name="metadata" />
</actions>
</resource-agent>
`
	CheckMetadata(t, md)
	f := &agenttest.Fatals{TB: t}
	CheckMetadata(f, strings.Replace(md, "<parameters>", "<parameters><bogus/>", 1))
	assert.Len(t, f.Msgs, 1, "the fence-agents schema refuses an unknown element")
}
