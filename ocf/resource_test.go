package ocf

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lamp is a resource agent for the runtime's tests: a lamp named by its
// socket (the identity) that is lit or not.
type lampParams struct {
	Socket     string  `ocf:"socket"`
	Brightness int     `ocf:"brightness"`
	Dim        bool    `ocf:"dim"`
	Color      *string `ocf:"color"`
	DimSet     bool    `ocf:"dim,set"`
}

type lamp struct {
	p       lampParams
	timeout time.Duration
	loader  string
}

// lit is the system the lamp agent looks at: the sockets whose lamp is on.
type lampWorld struct {
	lit  map[string]bool
	seen *lamp
}

func lampAgent(w *lampWorld) *Agent {
	kind := &Resource[*lamp]{
		Load: func(ctx context.Context, e *Env) (*lamp, error) {
			r := &lamp{timeout: e.Timeout, loader: "Load"}
			if err := e.Decode(&r.p); err != nil {
				return nil, Errorf(ErrGeneric, "%v", err)
			}
			if r.p.Brightness > 100 {
				return nil, Errorf(ErrConfigured, "brightness above 100")
			}
			return r, nil
		},
		LoadForStop: func(ctx context.Context, e *Env) *lamp {
			r := &lamp{timeout: e.Timeout, loader: "LoadForStop"}
			if err := e.Decode(&r.p); err != nil {
				e.Log.Warnf("%v", err)
			}
			return r
		},
	}
	look := func(ctx context.Context, e *Env, r *lamp) error {
		w.seen = r
		if r.p.Socket != "" && w.lit[r.p.Socket] {
			return nil
		}
		return Exit(NotRunning)
	}
	return &Agent{
		Name: "lamp", Shortdesc: "A lamp",
		Params: []Param{
			{Name: "socket", Required: true, Identity: true, Shortdesc: "Socket",
				Check: func(v string) error {
					if strings.ContainsAny(v, "/ ") {
						return Errorf(ErrConfigured, "not a socket name")
					}
					return nil
				}},
			{Name: "brightness", Type: Integer, Default: "50", Shortdesc: "Brightness"},
			{Name: "dim", Type: Boolean, Default: "false", Shortdesc: "Dim"},
			{Name: "color", Shortdesc: "Color"},
			{Name: "gas", Default: "no", Unsupported: "no gas lamps", Shortdesc: "Gas"},
		},
		Resource: kind,
		Actions: []Action{
			{Name: "start", Timeout: 20 * time.Second, Run: kind.Do(func(ctx context.Context, e *Env, r *lamp) error {
				w.seen = r
				w.lit[r.p.Socket] = true
				return nil
			})},
			{Name: "stop", Timeout: 30 * time.Second, Run: kind.Do(func(ctx context.Context, e *Env, r *lamp) error {
				w.seen = r
				delete(w.lit, r.p.Socket)
				return nil
			})},
			{Name: "monitor", Timeout: 10 * time.Second, Interval: 10 * time.Second, Run: kind.Do(look)},
		},
	}
}

func lampRun(t *testing.T, w *lampWorld, action string, env map[string]string) (int, string) {
	t.Helper()
	t.Setenv("HA_LOGFACILITY", "none")
	for _, k := range []string{"socket", "brightness", "dim", "color", "gas", "CRM_meta_timeout", "CRM_meta_interval"} {
		t.Setenv("OCF_RESKEY_"+k, "")
	}
	t.Setenv("OCF_CHECK_LEVEL", "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	w.seen = nil
	code, _, stderr := run(t, lampAgent(w), action)
	return code, stderr
}

func TestLampParamsMatchDeclaration(t *testing.T) {
	require.NoError(t, CheckParams(lampAgent(nil), lampParams{}))
	type typo struct {
		Socket string `ocf:"sokcet"`
		Dim    int    `ocf:"dim"`
	}
	err := CheckParams(lampAgent(nil), typo{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `parameter "sokcet" is not declared`)
	assert.Contains(t, err.Error(), "dim is not an integer")
	assert.Contains(t, err.Error(), "brightness has no field")
	assert.NotContains(t, err.Error(), "gas", "an unsupported parameter needs no field")
}

// A malformed OCF environment is a warning and a default, for every action.
func TestMalformedEnvironment(t *testing.T) {
	for _, tc := range []struct{ name, key, value string }{
		{"timeout junk", "OCF_RESKEY_CRM_meta_timeout", "junk"},
		{"timeout negative", "OCF_RESKEY_CRM_meta_timeout", "-5"},
		{"timeout float", "OCF_RESKEY_CRM_meta_timeout", "1e4"},
		{"timeout overflows", "OCF_RESKEY_CRM_meta_timeout", "18446744073710"},
		{"timeout above int64", "OCF_RESKEY_CRM_meta_timeout", "99999999999999999999999"},
		{"interval junk", "OCF_RESKEY_CRM_meta_interval", "junk"},
		{"depth junk", "OCF_CHECK_LEVEL", "junk"},
		{"depth negative", "OCF_CHECK_LEVEL", "-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &lampWorld{lit: map[string]bool{"kitchen": true}}
			env := map[string]string{"OCF_RESKEY_socket": "kitchen", tc.key: tc.value}
			code, stderr := lampRun(t, w, "stop", env)
			assert.Equal(t, Success, code, stderr)
			require.NotNil(t, w.seen)
			if strings.Contains(tc.key, "timeout") {
				assert.Equal(t, 30*time.Second, w.seen.timeout, "the declared timeout of stop")
			}
			assert.False(t, w.lit["kitchen"])
			assert.NotContains(t, stderr, "ocf-exit-reason:")

			code, stderr = lampRun(t, w, "start", env)
			assert.Equal(t, Success, code, stderr)
			code, stderr = lampRun(t, w, "monitor", env)
			assert.Equal(t, Success, code, stderr)
		})
	}
	e, warnings := newEnv(lampAgent(nil), "start", time.Now())
	assert.Empty(t, warnings)
	assert.Equal(t, 20*time.Second, e.Timeout)

	// A long timeout is meant: a week stays a week.
	t.Setenv("OCF_RESKEY_CRM_meta_timeout", "604800000")
	e, warnings = newEnv(lampAgent(nil), "start", time.Now())
	assert.Empty(t, warnings)
	assert.Equal(t, 7*24*time.Hour, e.Timeout)
}

func TestUndeclaredLookupDoesNotPanic(t *testing.T) {
	t.Setenv("HA_LOGFACILITY", "none")
	e, _ := newEnv(dummy(), "stop", time.Now())
	e.Log = NewLogger("Dummy", "x", &strings.Builder{})
	assert.NotPanics(t, func() {
		assert.Equal(t, "", e.Str("nope"))
		assert.False(t, e.Bool("nope"))
		assert.Equal(t, 0, e.Int("nope"))
		assert.False(t, e.IsSet("nope"))
	})
}

func TestDecode(t *testing.T) {
	w := &lampWorld{lit: map[string]bool{}}
	code, stderr := lampRun(t, w, "start", map[string]string{"OCF_RESKEY_socket": "hall", "OCF_RESKEY_dim": "yes"})
	require.Equal(t, Success, code, stderr)
	assert.Equal(t, lampParams{Socket: "hall", Brightness: 50, Dim: true, DimSet: true}, w.seen.p, "defaults, and nil for an unset pointer")
	code, stderr = lampRun(t, w, "start", map[string]string{"OCF_RESKEY_socket": "hall", "OCF_RESKEY_color": "red"})
	require.Equal(t, Success, code, stderr)
	require.NotNil(t, w.seen.p.Color)
	assert.Equal(t, "red", *w.seen.p.Color)
}

func TestStopAndProbeOfAnUnconfigurableResource(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		lit     bool
		start   int // start's code
		probe   int // a probe's code
		monitor int // a recurring monitor's code
	}{
		{"identity missing", map[string]string{}, false, ErrConfigured, NotRunning, NotRunning},
		{"identity broken", map[string]string{"OCF_RESKEY_socket": "a/b"}, false, ErrConfigured, NotRunning, NotRunning},
		{"tolerated value, lit", map[string]string{"OCF_RESKEY_socket": "hall", "OCF_RESKEY_dim": "ture"}, true, Success, Success, Success},
		{"load refuses, lit", map[string]string{"OCF_RESKEY_socket": "hall", "OCF_RESKEY_brightness": "200"}, true, ErrConfigured, Success, Success},
		{"load refuses, dark", map[string]string{"OCF_RESKEY_socket": "hall", "OCF_RESKEY_brightness": "200"}, false, ErrConfigured, NotRunning, NotRunning},
		{"unsupported, lit", map[string]string{"OCF_RESKEY_socket": "hall", "OCF_RESKEY_gas": "yes"}, true, ErrConfigured, Success, Success},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &lampWorld{lit: map[string]bool{}}
			if tc.lit {
				w.lit["hall"] = true
			}
			code, stderr := lampRun(t, w, "monitor", tc.env)
			assert.Equal(t, tc.probe, code, "probe: %s", stderr)
			env := map[string]string{"OCF_RESKEY_CRM_meta_interval": "10000"}
			for k, v := range tc.env {
				env[k] = v
			}
			code, stderr = lampRun(t, w, "monitor", env)
			assert.Equal(t, tc.monitor, code, "recurring monitor: %s", stderr)
			if code != Success {
				assert.Contains(t, stderr, "ocf-exit-reason:")
			}

			code, stderr = lampRun(t, w, "stop", tc.env)
			assert.Equal(t, Success, code, "stop: %s", stderr)
			require.NotNil(t, w.seen)
			assert.Equal(t, "LoadForStop", w.seen.loader)
			assert.Empty(t, w.lit, "stop put the lamp out")

			code, stderr = lampRun(t, w, "start", tc.env)
			assert.Equal(t, tc.start, code, "start: %s", stderr)
			if code != Success {
				assert.Contains(t, stderr, "ocf-exit-reason:")
			}
		})
	}
}
