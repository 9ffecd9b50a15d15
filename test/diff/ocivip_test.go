package diff

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/ocfkit/ocfkit/test/agenttest"
	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestOcivip compares the installed ocf:heartbeat:ocivip with ocfkit's on
// what needs no cloud: the actions the anchor dispatches before it calls
// the OCI CLI. Both run in a network namespace of the test's own with only
// loopback, because the anchor asks 169.254.169.254 for its VNIC on every
// action but meta-data: there nothing answers.
func TestOcivip(t *testing.T) {
	testenv.NeedRoot(t)
	ipCmd := testenv.NeedCmd(t, "ip")
	anchor := Installed(t, "heartbeat", "ocivip")
	ours := testenv.BuildAgent(t, "ocivip")
	ns := fmt.Sprintf("ocfkit-diffoci%d", os.Getpid())
	exec.Command(ipCmd, "netns", "del", ns).Run()
	if out, err := exec.Command(ipCmd, "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("netns add: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command(ipCmd, "netns", "del", ns).Run() })
	exec.Command(ipCmd, "-n", ns, "link", "set", "lo", "up").Run()

	p := agenttest.Params{"secondary_private_ip": "10.0.0.5"}
	probe := p.With("CRM_meta_interval", "0")
	cases := []Case{
		{Name: "reload", Params: p, Actions: []string{"reload"}, Want: []int{0}},
		{Name: "unknown action", Params: p, Actions: []string{"frobnicate"}, Want: []int{3}},
		{Name: "meta-data", Params: p, Actions: []string{"meta-data"}, Want: []int{0}},
		{Name: "probe, nothing here", Params: probe, Actions: []string{"monitor"}, Want: []int{7}},
		{Name: "validate", Params: p, Actions: []string{"validate"},
			Differs: "the anchor needs the OCI CLI (5 without it); ocfkit calls the API itself and fails only on what it cannot find (the metadata service)"},
	}
	r := Runner{Agent: "ocivip", Anchor: Agent{Name: "anchor", Path: anchor}, Ocfkit: Agent{Name: "ocfkit", Path: ours},
		Prefix: []string{ipCmd, "netns", "exec", ns}}
	r.Run(t, cases)
}
