package agenttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWith(t *testing.T) {
	p := Params{"ip": "10.0.0.1", "OCF_RESKEY_CRM_meta_timeout": "20000", "envfiles": ""}
	q := p.With("nic", "eth0", "ip", "", "CRM_meta_timeout", "3000")
	assert.Equal(t, Params{"nic": "eth0", "CRM_meta_timeout": "3000", "envfiles": ""}, q)
	assert.Equal(t, Params{"ip": "10.0.0.1", "OCF_RESKEY_CRM_meta_timeout": "20000", "envfiles": ""}, p, "p is unchanged")
	assert.Equal(t, Params{"OCF_RESKEY_ip": "x"}, p.With("OCF_RESKEY_ip", "x", "OCF_RESKEY_CRM_meta_timeout", "", "envfiles", ""))
}

func TestEnv(t *testing.T) {
	p := Params{"ip": "10.0.0.1", "OCF_CHECK_LEVEL": "10", "HA_RSCTMP": "/x", "envfiles": ""}
	assert.Equal(t, []string{"HA_RSCTMP=/x", "OCF_CHECK_LEVEL=10", "OCF_RESKEY_envfiles=", "OCF_RESKEY_ip=10.0.0.1"}, p.Env())
}

// script writes an executable shell script standing in for an agent.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "agent")
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755))
	return path
}

func TestRun(t *testing.T) {
	t.Setenv("OCF_RESKEY_leak", "from the test")
	bin := script(t, `echo "$1 $OCF_RESOURCE_INSTANCE $OCF_RESKEY_ip [$OCF_RESKEY_leak] $HA_LOGFACILITY $HA_RSCTMP $EXTRA"
echo "ocf-exit-reason:bad ip $OCF_RESKEY_ip" >&2
echo "ocf-exit-reason:second" >&2
exit 6
`)
	r := Run(t, bin, "start", Params{"ip": "x"}, "EXTRA=e")
	assert.Equal(t, 6, r.Code)
	assert.Equal(t, "bad ip x", r.Reason())
	f := strings.Fields(r.Stdout)
	require.Len(t, f, 7, r.Stdout)
	assert.Equal(t, []string{"start", Instance, "x", "[]", "none"}, f[:5])
	assert.Equal(t, StateDir(t), f[5])
	assert.Equal(t, "e", f[6])
	assert.Positive(t, r.Elapsed)

	again := Run(t, bin, "start", Params{"OCF_RESOURCE_INSTANCE": "mine"})
	assert.Equal(t, "mine", strings.Fields(again.Stdout)[1], "the parameters name the instance")
	assert.Equal(t, f[5], strings.Fields(again.Stdout)[4], "one state directory per test")
	assert.Equal(t, "", Run(t, script(t, "exit 0\n"), "stop", nil).Reason())

	noArg := Run(t, script(t, `echo "$#"`+"\n"), "", nil)
	assert.Equal(t, "0\n", noArg.Stdout, "no action, no argument")
}

func TestCountForks(t *testing.T) {
	n, code := CountForks(t, exec.Command(script(t, "/bin/true\n/bin/true\nexit 3\n")))
	assert.Equal(t, 3, code)
	assert.Equal(t, 2, n, "the counter sees the shell's children")
	n, code = CountForks(t, exec.Command("/bin/true"))
	assert.Equal(t, 0, code)
	assert.Zero(t, n)
}

func TestRunFailsOnPanic(t *testing.T) {
	f := &Fatals{TB: t}
	Run(f, script(t, "echo 'panic: runtime error' >&2; exit 2\n"), "monitor", nil)
	require.Len(t, f.Msgs, 1)
	assert.Contains(t, f.Msgs[0], "panicked")
	Run(f, filepath.Join(t.TempDir(), "missing"), "monitor", nil)
	assert.Len(t, f.Msgs, 2, "a binary that cannot run fails the test")
	Run(f, script(t, "echo panicky; exit 1\n"), "monitor", nil)
	assert.Len(t, f.Msgs, 2, "only a Go panic counts")
}

func TestCheckMetaData(t *testing.T) {
	md := `<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="x" version="1.0">
<version>1.0</version>
<longdesc lang="en">x</longdesc>
<shortdesc lang="en">x</shortdesc>
<parameters><parameter name="ip"><longdesc lang="en">ip</longdesc><shortdesc lang="en">ip</shortdesc><content type="string"/></parameter></parameters>
<actions><action name="meta-data" timeout="5s"/></actions>
</resource-agent>
`
	CheckMetaData(t, md, RNG, DTD)
	f := &Fatals{TB: t}
	CheckMetaData(f, strings.Replace(md, "<parameters>", "<parameters><bogus/>", 1), RNG)
	CheckMetaData(f, strings.Replace(md, "<parameters>", "<parameters><bogus/>", 1), DTD)
	assert.Len(t, f.Msgs, 2, "both schemas refuse an unknown element")
}

func TestExpectNamesTheCodes(t *testing.T) {
	assert.Equal(t, "not running", ocfName(7))
	assert.Equal(t, "exit code 42", ocfName(42))
}

func TestAgentExpect(t *testing.T) {
	bin := script(t, "echo \"ocf-exit-reason:$OCF_RESKEY_ip on $OCF_RESOURCE_INSTANCE $EXTRA\" >&2; exit 7\n")
	var checked []Result
	a := Agent{Bin: bin, Env: []string{"OCF_RESOURCE_INSTANCE=vip", "EXTRA=base"},
		Check: func(_ testing.TB, r Result) { checked = append(checked, r) },
		Diag:  func() string { return "calls: GET /v2/x" }}

	r := a.Expect(t, 7, "monitor", Params{"ip": "192.0.2.1"})
	assert.Equal(t, "192.0.2.1 on vip base", r.Reason())
	r = a.Run(t, "monitor", Params{"ip": "192.0.2.1"}, "EXTRA=run")
	assert.Equal(t, "192.0.2.1 on vip run", r.Reason(), "a run's own environment wins over Env")
	assert.Len(t, checked, 2, "Check sees every run")
	assert.Equal(t, "monitor", checked[1].Action, "Check knows which action ran")

	f := &Fatals{TB: t}
	a.Expect(f, 0, "start", nil)
	require.Len(t, f.Msgs, 1, "a wrong code fails the test")
	for _, want := range []string{"start: exit 7 (not running), want 0 (success)", "ocf-exit-reason:", "calls: GET /v2/x"} {
		assert.Contains(t, f.Msgs[0], want)
	}
	assert.Len(t, checked, 3, "Check runs when the code is wrong too")
	assert.Equal(t, "start", checked[2].Action)

	f = &Fatals{TB: t}
	Expect(f, 7, bin, "monitor", nil)
	Expect(f, 1, bin, "monitor", nil)
	assert.Len(t, f.Msgs, 1, "the package Expect is the zero Agent's")
}

func TestAgentParamsAndDrop(t *testing.T) {
	t.Setenv("OCI_CLI_PROFILE", "dev")
	bin := script(t, "echo \"ocf-exit-reason:$OCF_RESOURCE_INSTANCE $OCF_RESKEY_ip ${OCI_CLI_PROFILE:-none}\" >&2\n")
	a := Agent{Bin: bin, Params: Params{"OCF_RESOURCE_INSTANCE": "vip", "OCF_RESKEY_ip": "192.0.2.1"}}
	assert.Equal(t, "vip 192.0.2.1 dev", a.Run(t, "monitor", nil).Reason())
	assert.Equal(t, "vip2 192.0.2.2 dev", a.Run(t, "monitor", Params{"OCF_RESOURCE_INSTANCE": "vip2", "ip": "192.0.2.2"}).Reason(),
		"a run's parameters win, in either spelling")
	a.Drop = []string{"OCI_"}
	assert.Equal(t, "vip 192.0.2.1 none", a.Run(t, "monitor", nil).Reason())
	assert.Equal(t, "vip 192.0.2.1", strings.TrimSpace(a.Params["OCF_RESOURCE_INSTANCE"]+" "+a.Params["OCF_RESKEY_ip"]), "Run leaves Params alone")
}
