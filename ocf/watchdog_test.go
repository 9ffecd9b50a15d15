package ocf

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWatchdog runs an agent whose action ignores its context in a child
// process (the test binary itself): Main's watchdog must end it with a
// reason before Pacemaker's timeout would.
func TestWatchdog(t *testing.T) {
	if os.Getenv("OCFKIT_WATCHDOG_CHILD") == "1" {
		a := &Agent{Name: "Stuck", Shortdesc: "x", Params: []Param{{Name: "p", Shortdesc: "p"}},
			Actions: []Action{{Name: "start", Timeout: 20 * time.Second, Run: func(ctx context.Context, e *Env) error {
				time.Sleep(time.Hour) // a blocked call that ignores ctx
				return nil
			}}}}
		os.Args = []string{"Stuck", "start"}
		a.Main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWatchdog$")
	cmd.Env = append(os.Environ(), "OCFKIT_WATCHDOG_CHILD=1", "OCF_RESKEY_CRM_meta_timeout=2000", "HA_LOGFACILITY=none")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "exit: %v %s", err, out)
	assert.Equal(t, ErrGeneric, ee.ExitCode())
	// The action sleeps for an hour: only the watchdog can have ended it,
	// and only the watchdog prints this reason without the action's error.
	assert.Contains(t, string(out), "ocf-exit-reason:start did not finish within its timeout of 2s\n")
}
