package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/drbdfake"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestMonitorInProcess drives monitor in the test process, so that -race
// sees the state read that runs beside the device lookup.
func TestMonitorInProcess(t *testing.T) {
	testenv.NeedRoot(t)
	dir := fakeDir(t, func(dir string) *drbdfake.World { return drbdfake.NewWorld(dir, v9, 2, 1) })
	for _, kv := range append(agenttest.Environ(reskeys(dir, "OCF_RESKEY_CRM_meta_interval=20000")), fakeEnv(dir)...) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	require.Equal(t, 0, agent.Run([]string{"monitor"}, &out, &errb), errb.String())
	assert.Equal(t, "10000", score(t, dir))

	require.NoError(t, drbdfake.Modify(drbdfake.Path(dir), func(w *drbdfake.World) {
		w.Resources["r0"].Role = "Primary"
		w.Resources["r0"].Peers[0].Reachable = false
		w.Resources["r0"].Volumes[1].Disk = "Inconsistent"
	}))
	require.Equal(t, 8, agent.Run([]string{"monitor"}, &out, &errb), errb.String())
	assert.Equal(t, "", score(t, dir), "Primary on Inconsistent data without a peer has no score")
}
