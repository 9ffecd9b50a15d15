package main

import (
	"testing"

	"github.com/ocfkit/ocfkit/providers/mount/mounttest"
	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) {
	mounttest.HelperMain()
	testenv.Main(m)
}

type kvs = agenttest.Params

// instance is the resource's name: the depth-20 status file carries it.
const instance = "OCF_RESOURCE_INSTANCE=fs-test"

// run runs an action of the built agent as Pacemaker would.
func run(t *testing.T, p kvs, action string) agenttest.Result {
	t.Helper()
	return agenttest.Run(t, testenv.BuildAgent(t, "Filesystem"), action, p, instance)
}

// expect runs an action and fails unless it exits with code.
func expect(t *testing.T, p kvs, action string, code int) agenttest.Result {
	t.Helper()
	return agenttest.Expect(t, code, testenv.BuildAgent(t, "Filesystem"), action, p, instance)
}
