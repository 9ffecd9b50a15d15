package ocf

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The anchors read every boolean with ocf_is_true: nine spellings are
// true, everything else is false, and nothing is refused.
func TestParseBoolIsOcfIsTrue(t *testing.T) {
	for _, v := range []string{"yes", "true", "1", "YES", "TRUE", "True", "ja", "on", "ON"} {
		b, err := ParseBool(v)
		assert.NoError(t, err)
		assert.True(t, b, v)
		assert.NoError(t, OddBool(v), v)
	}
	for _, v := range []string{"no", "false", "0", "off", "NO", "FALSE", "False", "nein", "OFF", ""} {
		b, err := ParseBool(v)
		assert.NoError(t, err)
		assert.False(t, b, v)
		assert.NoError(t, OddBool(v), "%q is a usual false spelling", v)
	}
	for _, v := range []string{"Yes", "y", "t", "On", "enabled", "Ja", " yes", "2", "maybe"} {
		b, err := ParseBool(v)
		assert.NoError(t, err, "ocf_is_true refuses nothing")
		assert.False(t, b, v)
		assert.Error(t, OddBool(v), "%q deserves a warning", v)
	}
}

// A boolean parameter set to an odd spelling is accepted, reads false,
// and leaves a warning in the log.
func TestOddBooleanIsAWarning(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "none")
	logf := t.TempDir() + "/log"
	t.Setenv("HA_LOGFILE", logf)
	t.Setenv("OCF_RESKEY_state", "/x")
	for _, tc := range []struct {
		value string
		want  bool
		warn  bool
	}{{"Yes", false, true}, {"enabled", false, true}, {"ja", true, false}, {"nein", false, false}, {"True", true, false}} {
		require.NoError(t, os.WriteFile(logf, nil, 0o600))
		t.Setenv("OCF_RESKEY_fast", tc.value)
		var got *Env
		a := dummy()
		a.Validate = func(ctx context.Context, e *Env) error { got = e; return nil }
		code, _, stderr := run(t, a, "validate-all")
		require.Equal(t, Success, code, stderr)
		assert.Equal(t, tc.want, got.Bool("fast"), tc.value)
		b, err := os.ReadFile(logf)
		require.NoError(t, err)
		if tc.warn {
			assert.Contains(t, string(b), "parameter fast: \""+tc.value+"\" reads as false")
		} else {
			assert.NotContains(t, string(b), "parameter fast", tc.value)
		}
	}
}
