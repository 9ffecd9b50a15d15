// A fixture for TestScanGo: each way the repository runs a command.
package main

import (
	"os/exec"
	"path/filepath"

	"github.com/ocfkit/ocfkit/helper"
)

const anchor = "/usr/lib/ocf/resource.d/heartbeat/Dummy"

func main() {
	exec.Command("alpha", "x").Run()
	helper.Run(nil, "bravo")
	for _, n := range []string{"charlie", "delta"} {
		exec.LookPath(n)
	}
	t := tools{}
	exec.CommandContext(nil, t.bin())
	exec.Command("sh", "-c", "echo; foxtrot | golf").Run()
	exec.Command(filepath.Join("/usr/sbin", "hotel")).Run()
	name := "india"
	exec.Command(name).Run()
	_ = anchor
	var dynamic string
	exec.Command(dynamic).Run()
	exec.Command("scripts/local.sh").Run()
	helper.Other("notacommand")
	_ = "/usr/lib/ocf/resource.d/ocfkit/IPaddr2"
}

type tools struct{ path string }

func (t tools) bin() string {
	if t.path != "" {
		return t.path
	}
	return "juliet"
}

// The fixture's own program, by name and where a package would put it.
func self() {
	exec.Command("scan").Run()
	exec.Command("/usr/sbin/scan").Run()
}

// Programs that wrappers run.
func wrapped(pid, ns string) {
	exec.Command("nsenter", "-t", pid, "-n", "mike", "-x").Run()
	exec.Command("ip", "netns", "exec", ns, "november").Run()
	exec.Command("unshare", "-m", "--propagation", "private", "oscar").Run()
	helper.Run(nil, "env", "A=b", "papa")
}

// Two methods of one name: a runner's argument is a command, an agent's
// an action. The receiver's type, where the syntax shows it, tells them
// apart; where it does not, both count.
type runner struct{}

func (runner) Exec(name string) { exec.Command(name).Run() }

type agent struct{ bin string }

func (a agent) Exec(action string) { exec.Command(a.bin, action).Run() }

func newAgent() agent { return agent{} }

func methods(h struct{ r runner }) {
	r := runner{}
	r.Exec("quebec")
	a := agent{}
	a.Exec("start")
	newAgent().Exec("stop")
	var b agent
	b.Exec("monitor")
	h.r.Exec("romeo")
}
