package ocf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dummy is a small agent exercising every kind of declaration.
func dummy() *Agent {
	var state string
	return &Agent{
		Name:      "Dummy",
		Shortdesc: "Test agent",
		Longdesc:  "An agent for the runtime's tests.",
		Params: []Param{
			{Name: "state", Required: true, Unique: true, Shortdesc: "State file", Longdesc: "Where the state is."},
			{Name: "count", Type: Integer, Default: "3", Shortdesc: "Count"},
			{Name: "fast", Type: Boolean, Default: "false", Shortdesc: "Fast"},
			{Name: "mode", Type: Select, Options: []string{"a", "b"}, Default: "a", Strict: true, Shortdesc: "Mode"},
			{Name: "token", Secret: true, Shortdesc: "A secret"},
			{Name: "hash", Default: "sourceip", Unsupported: "clusterip is gone from current kernels", Shortdesc: "Hash"},
			{Name: "newname", Alias: "oldname", Shortdesc: "Renamed"},
		},
		Actions: []Action{
			{Name: "start", Timeout: 20 * time.Second, Run: func(ctx context.Context, e *Env) error {
				state = e.Str("state")
				if e.Str("token") != "" {
					return Errorf(ErrGeneric, "login failed with token %s", e.Str("token"))
				}
				return nil
			}},
			{Name: "stop", Timeout: 20 * time.Second, Run: func(ctx context.Context, e *Env) error { return nil }},
			{Name: "monitor", Timeout: 10 * time.Second, Interval: 10 * time.Second, Run: func(ctx context.Context, e *Env) error {
				if state == "" {
					return Exit(NotRunning)
				}
				return nil
			}},
			{Name: "monitor", Timeout: 10 * time.Second, Interval: 11 * time.Second, Role: "Promoted"},
			{Name: "reload-agent", Timeout: 20 * time.Second, Undeclared: true, Run: func(ctx context.Context, e *Env) error {
				dl, ok := ctx.Deadline()
				if !ok || time.Until(dl) > e.Timeout {
					return errors.New("no deadline")
				}
				return ctx.Err()
			}},
		},
	}
}

func run(t *testing.T, a *Agent, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := a.Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDispatch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		reason string // expected in the ocf-exit-reason line ("" = no line)
	}{
		{name: "no action", args: nil, code: ErrArgs},
		{name: "unknown action", args: []string{"migrate_to"}, code: ErrUnimplemented},
		{name: "meta-data needs no params", args: []string{"meta-data"}, code: Success},
		{name: "usage", args: []string{"usage"}, code: Success},
		{name: "version", args: []string{"--version"}, code: Success},
		{name: "help", args: []string{"--help"}, code: Success},
		{name: "bad flag", args: []string{"--nope", "start"}, code: ErrArgs},
		{name: "required missing", args: []string{"validate-all"}, code: ErrConfigured, reason: "required parameter state is not set"},
		{name: "probe of unconfigured is not running", env: map[string]string{"OCF_RESKEY_CRM_meta_interval": "0"}, args: []string{"monitor"}, code: NotRunning},
		{name: "recurring monitor of unconfigured is an error", env: map[string]string{"OCF_RESKEY_CRM_meta_interval": "10000"}, args: []string{"monitor"}, code: ErrConfigured, reason: "required parameter state"},
		{name: "valid", env: map[string]string{"OCF_RESKEY_state": "/x"}, args: []string{"validate-all"}, code: Success},
		{name: "flag instead of env", args: []string{"validate-all", "--state", "/x"}, code: Success},
		{name: "flag before action", args: []string{"--state=/x", "validate-all"}, code: Success},
		{name: "integer tolerated", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_count": "many"}, args: []string{"validate-all"}, code: Success},
		{name: "boolean tolerated", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_fast": "perhaps"}, args: []string{"validate-all"}, code: Success},
		{name: "strict select", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_mode": "c"}, args: []string{"validate-all"}, code: ErrConfigured, reason: "not one of a, b"},
		{name: "unsupported at default", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_hash": "sourceip"}, args: []string{"validate-all"}, code: Success},
		{name: "unsupported set", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_hash": "sourceip-sourceport"}, args: []string{"validate-all"}, code: ErrConfigured, reason: "hash is not supported by ocfkit"},
		{name: "bad timeout", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_CRM_meta_timeout": "soon"}, args: []string{"start"}, code: Success},
		{name: "bad depth", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_CHECK_LEVEL": "deep"}, args: []string{"start"}, code: Success},
		{name: "secret redacted", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_token": "s3cr3t-t0ken"}, args: []string{"start"}, code: ErrGeneric, reason: "login failed with token ***"},
		{name: "deadline from timeout", env: map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_CRM_meta_timeout": "2000"}, args: []string{"reload-agent"}, code: Success},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("HA_LOGFACILITY", "none")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, _, stderr := run(t, dummy(), tc.args...)
			assert.Equal(t, tc.code, code, "stderr: %s", stderr)
			assert.NotContains(t, stderr, "s3cr3t")
			if tc.reason == "" {
				assert.NotContains(t, stderr, "ocf-exit-reason:")
			} else {
				assert.Contains(t, stderr, "ocf-exit-reason:")
				assert.Contains(t, exitReason(stderr), tc.reason)
			}
		})
	}
}

func exitReason(stderr string) string {
	var last string
	for _, l := range strings.Split(stderr, "\n") {
		if r, ok := strings.CutPrefix(l, "ocf-exit-reason:"); ok {
			last = r
		}
	}
	return last
}

func TestAliasAndDefaults(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "none")
	logf := t.TempDir() + "/log"
	t.Setenv("HA_LOGFILE", logf)
	t.Setenv("OCF_RESKEY_state", "/x")
	t.Setenv("OCF_RESKEY_oldname", "v1")
	var got *Env
	a := dummy()
	a.Validate = func(ctx context.Context, e *Env) error { got = e; return nil }
	code, _, _ := run(t, a, "validate-all")
	require.Equal(t, Success, code)
	assert.Equal(t, "v1", got.Str("newname"))
	assert.True(t, got.IsSet("newname"))
	assert.Equal(t, 3, got.Int("count"))
	assert.False(t, got.IsSet("count"))
	assert.False(t, got.Bool("fast"))
	b, err := os.ReadFile(logf)
	require.NoError(t, err)
	assert.Contains(t, string(b), "oldname is deprecated")
	assert.NotPanics(t, func() { assert.Equal(t, "", got.Str("undeclared")) })
}

func TestProbeEnv(t *testing.T) {
	for _, tc := range []struct {
		interval string
		probe    bool
	}{{"", true}, {"0", true}, {"10000", false}} {
		t.Setenv("OCF_RESKEY_CRM_meta_interval", tc.interval)
		e, warnings := newEnv(dummy(), "monitor", time.Now())
		require.Empty(t, warnings)
		assert.Equal(t, tc.probe, e.IsProbe(), "interval %q", tc.interval)
	}
}

func TestDeadline(t *testing.T) {
	now := time.Now()
	t.Setenv("OCF_RESKEY_CRM_meta_timeout", "20000")
	e, warnings := newEnv(dummy(), "start", now)
	require.Empty(t, warnings)
	assert.Equal(t, 20*time.Second, e.Timeout)
	assert.Equal(t, now.Add(18*time.Second), e.Deadline)

	t.Setenv("OCF_RESKEY_CRM_meta_timeout", "")
	e, warnings = newEnv(dummy(), "monitor", now)
	require.Empty(t, warnings)
	assert.Equal(t, 10*time.Second, e.Timeout, "declared default")

	for _, tc := range []struct{ timeout, margin time.Duration }{
		{100 * time.Millisecond, 50 * time.Millisecond},
		{time.Second, 250 * time.Millisecond},
		{20 * time.Second, 2 * time.Second},
		{240 * time.Second, 5 * time.Second},
	} {
		assert.Equal(t, tc.margin, Margin(tc.timeout), "timeout %s", tc.timeout)
	}
}

func TestCloneAndNotify(t *testing.T) {
	t.Setenv("OCF_RESKEY_CRM_meta_clone_max", "2")
	t.Setenv("OCF_RESKEY_CRM_meta_clone_node_max", "1")
	t.Setenv("OCF_RESKEY_CRM_meta_master_max", "1")
	t.Setenv("OCF_RESKEY_CRM_meta_notify", "true")
	t.Setenv("OCF_RESKEY_CRM_meta_notify_type", "post")
	t.Setenv("OCF_RESKEY_CRM_meta_notify_operation", "start")
	t.Setenv("OCF_RESKEY_CRM_meta_notify_start_uname", "node1  node2 ")
	e, warnings := newEnv(dummy(), "notify", time.Now())
	require.Empty(t, warnings)
	assert.Equal(t, Clone{Max: 2, NodeMax: 1, PromotedMax: 1, Notify: true}, e.Clone())
	assert.Equal(t, "post", e.NotifyType())
	assert.Equal(t, "start", e.NotifyOperation())
	assert.Equal(t, []string{"node1", "node2"}, e.NotifyList("start_uname"))
	assert.Empty(t, e.NotifyList("stop_uname"))
}

func TestErrors(t *testing.T) {
	base := errors.New("boom")
	err := Errorf(ErrInstalled, "no binary: %w", base)
	assert.Equal(t, ErrInstalled, CodeOf(err))
	assert.ErrorIs(t, err, base)
	assert.Equal(t, NotRunning, CodeOf(Exit(NotRunning)))
	assert.Equal(t, "", reasonOf(Exit(NotRunning)))
	assert.Equal(t, ErrGeneric, CodeOf(base))
	assert.Equal(t, Success, CodeOf(nil))
	assert.Equal(t, ErrConfigured, CodeOf(errors.Join(errors.New("x"), Exit(ErrConfigured))))
	assert.Equal(t, "degraded", CodeName(DegradedRunning))
}

// A stop must not fail on configuration: Pacemaker fences a node whose
// stop failed. The action runs with defaults in place of invalid values.
func TestStopDespiteBadConfiguration(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "none")
	var seen *Env
	a := dummy()
	a.Validate = func(ctx context.Context, e *Env) error {
		if e.Str("mode") == "b" {
			return Errorf(ErrConfigured, "mode b needs something missing")
		}
		return nil
	}
	for i, act := range a.Actions {
		if act.Name == "stop" {
			a.Actions[i].Run = func(ctx context.Context, e *Env) error { seen = e; return nil }
		}
	}
	for _, tc := range []struct {
		name      string
		env       map[string]string
		tolerated bool // start goes on too, with the default
	}{
		{"required missing", map[string]string{}, false},
		{"bad integer", map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_count": "many"}, true},
		{"bad boolean", map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_fast": "perhaps"}, true},
		{"unsupported value", map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_hash": "x"}, false},
		{"validate refuses", map[string]string{"OCF_RESKEY_state": "/x", "OCF_RESKEY_mode": "b"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"state", "count", "fast", "hash", "mode"} {
				t.Setenv("OCF_RESKEY_"+k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			seen = nil
			code, _, stderr := run(t, a, "stop")
			assert.Equal(t, Success, code, stderr)
			require.NotNil(t, seen, "the stop action ran")
			assert.Equal(t, 3, seen.Int("count"), "an invalid integer reads as its default")
			assert.False(t, seen.Bool("fast"))
			code, _, _ = run(t, a, "start")
			if tc.tolerated {
				assert.Equal(t, Success, code, "a value the anchors tolerate is tolerated")
			} else {
				assert.NotEqual(t, Success, code, "other actions still refuse")
			}
		})
	}
}

func TestPanicBecomesAReason(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "none")
	t.Setenv("OCF_RESKEY_state", "/x")
	a := dummy()
	a.Actions[0].Run = func(ctx context.Context, e *Env) error {
		var m map[string]int
		m["x"]++ // a nil map: the kind of bug bad input finds
		return nil
	}
	code, _, stderr := run(t, a, "start")
	assert.Equal(t, ErrGeneric, code)
	assert.Contains(t, stderr, "ocf-exit-reason:internal error in start: assignment to entry in nil map")
}

// The dispatch path Pacemaker takes (action alone, parameters in the
// environment) is paid on every monitor of every resource.
func BenchmarkDispatchMetaData(b *testing.B) {
	a := dummy()
	for i := 0; i < b.N; i++ {
		a.Run([]string{"meta-data"}, io.Discard, io.Discard)
	}
}

func BenchmarkDispatchMonitor(b *testing.B) {
	b.Setenv("HA_LOGFACILITY", "none")
	b.Setenv("OCF_RESKEY_state", "/x")
	a := dummy()
	for i := 0; i < b.N; i++ {
		a.Run([]string{"monitor"}, io.Discard, io.Discard)
	}
}

func TestSleep(t *testing.T) {
	assert.NoError(t, Sleep(context.Background(), time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, Sleep(ctx, time.Hour), context.Canceled, "a done context ends the wait at once")
}
