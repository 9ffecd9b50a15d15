package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/providers/httpd"
	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/diff"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestDifferential runs the installed ocf:heartbeat:apache (4.12) and
// ocfkit's on the same situations (apache on a high port of 127.0.0.1
// with its own configuration) and compares exit codes and whether the
// server runs afterwards. The cases where ocfkit differs on purpose are
// the rows of docs/apache.md's "what changes" table.
func TestDifferential(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "apache2")
	testenv.NeedCmd(t, "curl") // the anchor's client
	testenv.LockSystem(t)
	anchor := diff.Installed(t, "heartbeat", "apache")
	ours := testenv.BuildAgent(t, "apache")

	// newCase gives a case its own server configuration, shared by both
	// sides; each side starts from nothing running.
	newCase := func(name string, o httpdtest.Options, p func(ts *httpdtest.Server, p args) args, c diff.Case) diff.Case {
		ts := httpdtest.New(t, o)
		base := args{"configfile": ts.ConfigFile, "httpd": httpdtest.Binary, "envfiles": "", "OCF_RESKEY_CRM_meta_timeout": "10000"}
		if p != nil {
			base = p(ts, base)
		}
		c.Name, c.Params = name, base
		c.Env = append(c.Env, instanceEnv)
		c.State = func(testing.TB) string {
			if len(httpd.InstancePids(httpdtest.Binary, ts.ConfigFile)) > 0 {
				return "running"
			}
			return "stopped"
		}
		c.Teardown = func(testing.TB) {
			ts.Kill()
			os.Remove(ts.PidFile)
		}
		return c
	}
	with := func(kv ...string) func(*httpdtest.Server, args) args {
		return func(_ *httpdtest.Server, p args) args { return p.With(kv...) }
	}
	rec := func(a string) diff.Step { return diff.Step{Action: a, Env: []string{recurring + "=10000"}} }
	st := func(a string) diff.Step { return diff.Step{Action: a} }
	dir := t.TempDir()
	mime := "LoadModule mime_module " + httpdtest.ModuleDir + "/mod_mime.so\nTypesConfig /nonexistent/mime.types\n"

	cases := []diff.Case{
		newCase("probe, stopped", httpdtest.Options{}, nil, diff.Case{Actions: []string{"monitor"}, Want: []int{ocf.NotRunning}}),
		newCase("stop, stopped", httpdtest.Options{}, nil, diff.Case{Actions: []string{"stop"}, Want: []int{ocf.Success}}),
		newCase("lifecycle", httpdtest.Options{}, nil, diff.Case{
			Steps: []diff.Step{st("start"), st("start"), rec("monitor"), st("monitor"), st("stop"), st("monitor"), st("stop")},
			Want:  []int{0, 0, 0, 0, 0, 7, 0}}),
		newCase("left running", httpdtest.Options{RelativePid: true, IncludeStatus: true}, nil, diff.Case{Actions: []string{"start", "monitor"}, Want: []int{0, 0}}),
		newCase("no pid file in the configuration", httpdtest.Options{NoPidFile: true}, nil, diff.Case{Actions: []string{"start", "monitor", "stop"}, Want: []int{0, 0, 0}}),
		newCase("validate-all", httpdtest.Options{}, nil, diff.Case{Actions: []string{"validate-all"}, Want: []int{0}}),
		newCase("envfiles=/dev/null", httpdtest.Options{}, with("envfiles", "/dev/null"), diff.Case{Actions: []string{"start", "monitor", "stop"}, Want: []int{0, 0, 0}}),
		newCase("envfiles names a directory", httpdtest.Options{}, with("envfiles", dir), diff.Case{Actions: []string{"start", "monitor", "stop"}, Want: []int{0, 0, 0}}),
		newCase("httpd names a path that does not exist", httpdtest.Options{}, with("httpd", "/nonexistent/httpd"),
			diff.Case{Steps: []diff.Step{st("start"), rec("monitor"), st("stop")}, Want: []int{0, 0, 0}}),
		newCase("statusurl 404, mod_status not loaded", httpdtest.Options{NoStatusModule: true},
			func(ts *httpdtest.Server, p args) args { return p.With("statusurl", ts.URL("/server-status")) },
			diff.Case{Actions: []string{"start"}, Want: []int{ocf.ErrGeneric},
				Check: func(t testing.TB, _, o diff.Outcome) {
					assert.Contains(t, o.Results[0].Reason(), "a2enmod status")
				}}),
		newCase("configuration httpd refuses: start", httpdtest.Options{Extra: "NoSuchDirective on\n"}, nil,
			diff.Case{Actions: []string{"start"}, Want: []int{ocf.ErrGeneric},
				Differs: "the anchor's start waits for the server until Pacemaker's timeout; ocfkit says 1 at once with httpd's words",
				Check: func(t testing.TB, _, o diff.Outcome) {
					assert.Contains(t, o.Results[0].Reason(), "Invalid command 'NoSuchDirective'")
				}}),
		newCase("configuration httpd refuses: validate-all", httpdtest.Options{Extra: "NoSuchDirective on\n"}, nil,
			diff.Case{Actions: []string{"validate-all"}, Want: []int{ocf.ErrConfigured},
				Differs: "the anchor's validate-all does not ask httpd; ocfkit's runs httpd -t and says 6 with its words (Pacemaker does not run validate-all on its own: a person or pcs does)"}),
		newCase("httpd dies early (mime.types missing)", httpdtest.Options{Extra: mime}, nil,
			diff.Case{Actions: []string{"start"}, Want: []int{ocf.ErrGeneric},
				Differs: "the anchor's start waits for the server until Pacemaker's timeout; ocfkit says 1 at once with the error log's words",
				Check: func(t testing.TB, _, o diff.Outcome) {
					assert.Contains(t, o.Results[0].Reason(), "mime.types")
				}}),
	}
	diff.Runner{Agent: "apache", Timeout: 15 * time.Second,
		Anchor: diff.Agent{Name: "anchor", Path: anchor}, Ocfkit: diff.Agent{Name: "ocfkit", Path: ours}}.Run(t, cases)
}
