package main

import (
	"testing"
	"time"

	"github.com/ocfkit/ocfkit/providers/httpd/httpdtest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type args = agenttest.Params

// instanceEnv is the instance name the tests run the agent as.
const instanceEnv = "OCF_RESOURCE_INSTANCE=apache-test"

// run runs an action of the built agent as Pacemaker would.
func run(t *testing.T, p args, action string) agenttest.Result {
	t.Helper()
	r := agenttest.Run(t, testenv.BuildAgent(t, "apache"), action, p, instanceEnv)
	if r.Elapsed > time.Second {
		t.Logf("%s took %s", action, r.Elapsed.Round(time.Millisecond))
	}
	return r
}

// expect runs an action and fails unless it exits with code.
func expect(t *testing.T, p args, action string, code int) agenttest.Result {
	t.Helper()
	return agenttest.Expect(t, code, testenv.BuildAgent(t, "apache"), action, p, instanceEnv)
}

// server writes a test configuration for a real apache2 and returns it
// with the agent parameters that manage it. envfiles is empty: the test
// server must not depend on the system's envvars.
func server(t *testing.T, o httpdtest.Options) (*httpdtest.Server, args) {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedCmd(t, "apache2")
	ts := httpdtest.New(t, o)
	return ts, args{"configfile": ts.ConfigFile, "httpd": httpdtest.Binary, "envfiles": "",
		"OCF_RESKEY_CRM_meta_timeout": "20000"}
}
