// Package contract holds every agent the build produces to the OCF
// contract: whatever a parameter or the OCF environment says, stop
// succeeds, nothing panics, a failure has a reason, nothing reaches a
// shell, every action ends before its timeout, and a probe of a resource
// that runs never says "not running" because of a parameter that does not
// name the resource.
package contract

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// agentNames are the agents the build produces: every agents/<name> with
// a main.go, so a new agent is covered without an edit here. Fence agents
// (fence_*) speak the fence-agents protocol, not OCF.
func agentNames(t *testing.T) []string {
	t.Helper()
	mains, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "agents", "*", "main.go"))
	require.NoError(t, err)
	var names []string
	for _, m := range mains {
		name := filepath.Base(filepath.Dir(m))
		if !strings.HasPrefix(name, "fence_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	require.NotEmpty(t, names)
	return names
}

// metaData is what the contract test reads of an agent's meta-data.
type metaData struct {
	Params []struct {
		Name     string `xml:"name,attr"`
		Required string `xml:"required,attr"`
		Content  struct {
			Type    string `xml:"type,attr"`
			Default string `xml:"default,attr"`
		} `xml:"content"`
	} `xml:"parameters>parameter"`
	Actions []struct {
		Name    string `xml:"name,attr"`
		Timeout string `xml:"timeout,attr"`
	} `xml:"actions>action"`
}

func readMetaData(t *testing.T, bin string) metaData {
	t.Helper()
	out, err := exec.Command(bin, "meta-data").Output()
	require.NoError(t, err)
	var md metaData
	require.NoError(t, xml.Unmarshal(out, &md))
	require.NotEmpty(t, md.Params, "%s declares no parameter", bin)
	return md
}

// timeout is the declared timeout of action (20 s when not declared).
func (md metaData) timeout(action string) time.Duration {
	for _, a := range md.Actions {
		if a.Name == action {
			if d, err := time.ParseDuration(strings.TrimSpace(a.Timeout)); err == nil {
				return d
			}
			if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(a.Timeout), "s")); err == nil {
				return time.Duration(n) * time.Second
			}
		}
	}
	return 20 * time.Second
}

// hostileValue is one value of the table every parameter is given.
type hostileValue struct{ name, value string }

// hostileValues are the values every declared parameter gets in turn. The
// ones that would run a command create marker should a shell see them.
// The long one fills an environment string to the kernel's limit.
func hostileValues(param, marker string) []hostileValue {
	long := 128<<10 - len("OCF_RESKEY_"+param+"=") - 1
	return []hostileValue{
		{"empty", ""},
		{"128KiB", strings.Repeat("a", long)},
		{"binary", "\x01\x02\x7f\xfe\xff\x1b[2J"},
		{"unicode", "ünïcødé-名前-🙂"},
		{"subshell", "$(touch " + marker + ")"},
		{"backticks", "`touch " + marker + "`"},
		{"semicolon", "x; touch " + marker},
		{"pipe", "x | touch " + marker},
		{"traversal", "../../etc/passwd"},
		{"+1e23", "1e23"},
		{"-1e23", "-1e23"},
		{"ipv6", "2001:db8::1"},
		{"cidr", "192.0.2.0/24"},
		{"maybe", "maybe"},
		{"newline", "a\nb"},
	}
}

// malformedEnvs are OCF environments Pacemaker never sends, but a person
// or a script might: each is a warning and a default.
var malformedEnvs = [][2]string{
	{"OCF_RESKEY_CRM_meta_timeout", "junk"},
	{"OCF_RESKEY_CRM_meta_timeout", "-5"},
	{"OCF_RESKEY_CRM_meta_timeout", "1e4"},
	{"OCF_RESKEY_CRM_meta_timeout", "18446744073710"},
	{"OCF_RESKEY_CRM_meta_timeout", "99999999999999999999999"},
	{"OCF_RESKEY_CRM_meta_interval", "junk"},
	{"OCF_RESKEY_CRM_meta_interval", "-1"},
	{"OCF_CHECK_LEVEL", "junk"},
	{"OCF_CHECK_LEVEL", "-1"},
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }
