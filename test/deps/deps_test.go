package deps

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// TestCommandsArePackaged is the check of issue 17: every command that the
// code, the tests and the scripts run is provided by a package of
// test/packages.txt (or an Essential one), by dpkg -S of its resolved path.
// A command whose package is not on the list, or that the list does not
// name, fails on any Debian machine; a command that is not installed skips
// here and fails in CI.
func TestCommandsArePackaged(t *testing.T) {
	uses, err := Scan(testenv.RepoRoot())
	require.NoError(t, err)
	for c, why := range Implied {
		uses.add(c, why)
	}
	list, err := testenv.ReadPackages(testenv.PackagesFile())
	require.NoError(t, err)
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		testenv.Skip(t, "dpkg-query not installed: the check reads Debian's package database")
	}
	d, err := NewDpkg()
	require.NoError(t, err)
	problems, err := Check(list, uses, d)
	require.NoError(t, err)
	t.Logf("%d commands and files checked against %d packages", len(uses), len(list))
	var absent []string
	for _, p := range problems {
		if p.Machine {
			absent = append(absent, p.String())
			continue
		}
		t.Error(p.String())
	}
	if len(absent) > 0 && !t.Failed() {
		testenv.Skip(t, strings.Join(absent, "\n")+"\n"+testenv.InstallHint())
	}
}

// The scan must keep finding what the code runs in each of the ways it
// runs things; if a refactoring hides them from it, this fails rather than
// the check above passing on nothing.
func TestScanFindsTheKnownWays(t *testing.T) {
	uses, err := Scan(testenv.RepoRoot())
	require.NoError(t, err)
	for cmd, way := range map[string]string{
		"crm_resource":        "exec.CommandContext with a literal (agents/drbd)",
		"crm_attribute":       "exec.LookPath (ocf/attr.go)",
		"mount":               "a provider helper taking the command (providers/mount run)",
		"drbdadm":             "a method returning the default name (providers/drbd Tools.adm)",
		"corosync-quorumtool": "testenv.NeedCmd over a literal list (test/cluster)",
		"xmllint":             "testenv.NeedCmd",
		"/usr/sbin/apache2":   "a default path (agents/apache)",
		"sh":                  "exec.Command(\"sh\", \"-c\", ...)",
		"tar":                 "the script of sh -c (packaging)",
		"dpkg-query":          "scripts/test-deps.sh",
		"gofmt":               "the Makefile's recipes",
		"/usr/share/resource-agents/ra-api-1.dtd": "testenv.NeedFile with filepath.Join",
	} {
		assert.Contains(t, uses, cmd, "the scan no longer finds %s", way)
	}
	for _, not := range []string{"packaging/build.sh", "$MAKEVAR", "/usr/lib/ocf/resource.d/ocfkit/IPaddr2"} {
		assert.NotContains(t, uses, not)
	}
}

// fake is a machine in a map: command → path, path → owners.
type fake struct {
	at        map[string]string
	owners    map[string][]string
	essential map[string]bool
}

func (f fake) Locate(cmd string) (string, bool) { p, ok := f.at[cmd]; return p, ok }
func (f fake) Essential(p string) bool          { return f.essential[p] }
func (f fake) Owners(paths []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, p := range paths {
		out[p] = f.owners[p]
	}
	return out, nil
}

const fakeList = `
pacemaker           =             demo pacemakerd
pacemaker-cli-utils pacemaker-cli demo crm_mon,crm_resource
apache2-bin         httpd         demo apache2
coreutils           =             demo -
`

func fakeMachine() fake {
	return fake{
		at: map[string]string{
			"crm_mon": "/usr/sbin/crm_mon", "crm_resource": "/usr/sbin/crm_resource",
			"pacemakerd": "/usr/sbin/pacemakerd", "sleep": "/usr/bin/sleep",
		},
		owners: map[string][]string{
			"/usr/sbin/crm_mon": {"pacemaker-cli-utils"}, "/usr/sbin/crm_resource": {"pacemaker-cli-utils"},
			"/usr/sbin/pacemakerd": {"pacemaker"}, "/usr/bin/sleep": {"coreutils"},
		},
		essential: map[string]bool{"coreutils": true},
	}
}

func parse(t *testing.T, s string) testenv.PackageList {
	l, err := testenv.ParsePackages(strings.NewReader(s))
	require.NoError(t, err)
	return l
}

func TestCheckPassesACompleteList(t *testing.T) {
	uses := Uses{"crm_mon": {"a.go:1"}, "pacemakerd": {"b.go:2"}, "sleep": {"c.sh:3"}}
	problems, err := Check(parse(t, fakeList), uses, fakeMachine())
	require.NoError(t, err)
	assert.Empty(t, problems)
}

// The failure of issue 17: the list lacks pacemaker-cli-utils, and the
// machine has it anyway.
func TestCheckFailsWhenAPackageIsMissingFromTheList(t *testing.T) {
	list := parse(t, strings.ReplaceAll(fakeList, "pacemaker-cli-utils pacemaker-cli demo crm_mon,crm_resource\n", ""))
	uses := Uses{"crm_mon": {"test/cluster/cluster.go:62"}, "pacemakerd": {"b.go:2"}, "sleep": {"c.sh:3"}}
	problems, err := Check(list, uses, fakeMachine())
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Equal(t, "crm_mon", problems[0].Cmd)
	assert.False(t, problems[0].Machine, "a list problem fails on every machine")
	assert.Contains(t, problems[0].String(), "pacemaker-cli-utils, which is not on the list")
	assert.Contains(t, problems[0].String(), "test/cluster/cluster.go:62")
}

// Essential packages are always installed on Debian, but not on Fedora:
// they are on the list too, only their commands need no naming.
func TestCheckWantsEssentialPackagesListed(t *testing.T) {
	list := parse(t, strings.ReplaceAll(fakeList, "coreutils           =             demo -\n", ""))
	problems, err := Check(list, Uses{"sleep": {"c.sh:3"}}, fakeMachine())
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Msg, "coreutils, which is not on the list")
}

func TestCheckNamesThePackageOfAMissingCommand(t *testing.T) {
	m := fakeMachine()
	delete(m.at, "crm_mon")
	problems, err := Check(parse(t, fakeList), Uses{"crm_mon": {"a.go:1"}}, m)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.True(t, problems[0].Machine, "not installed: a skip on a laptop, a failure in CI")
	assert.Contains(t, problems[0].Msg, "package pacemaker-cli-utils provides it")
}

func TestCheckFailsForACommandNobodyListed(t *testing.T) {
	m := fakeMachine()
	m.at["nft"] = "/usr/sbin/nft"
	m.owners["/usr/sbin/nft"] = []string{"nftables"}
	// Installed or not, a command that no package of the list names fails.
	for _, installed := range []bool{true, false} {
		if !installed {
			delete(m.at, "nft")
		}
		problems, err := Check(parse(t, fakeList), Uses{"nft": {"x.go:9"}}, m)
		require.NoError(t, err)
		require.Len(t, problems, 1, "installed=%v", installed)
		assert.False(t, problems[0].Machine, "installed=%v", installed)
	}
}

func TestCheckFailsWhenTheProvidesColumnIsWrong(t *testing.T) {
	m := fakeMachine()
	// crm_resource named under pacemaker, but dpkg says pacemaker-cli-utils.
	list := parse(t, "pacemaker = demo pacemakerd,crm_resource\npacemaker-cli-utils pacemaker-cli demo crm_mon\n")
	problems, err := Check(list, Uses{"crm_resource": {"a.go:1"}}, m)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Msg, "names it under pacemaker")
	// Owned by a listed package that does not name it: a skip could not
	// name the package.
	list = parse(t, "pacemaker-cli-utils pacemaker-cli demo crm_mon\n")
	problems, err = Check(list, Uses{"crm_resource": {"a.go:1"}}, m)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Msg, "does not name it")
}

func TestCheckAllowsTheDeliberatelyUninstalled(t *testing.T) {
	problems, err := Check(parse(t, fakeList), Uses{"/usr/sbin/httpd": {"p.go:1"}, "go": {"Makefile:1"}}, fakeMachine())
	require.NoError(t, err)
	assert.Empty(t, problems)
	for c, why := range NotInstalled {
		assert.NotEmpty(t, why, c)
	}
}

// The same failure on this machine, with dpkg: the real scan against the
// real list less pacemaker-cli-utils.
func TestCheckWithDpkgFailsWithoutPacemakerCliUtils(t *testing.T) {
	testenv.NeedCmd(t, "dpkg-query")
	testenv.NeedCmd(t, "crm_mon")
	full, err := testenv.ReadPackages(testenv.PackagesFile())
	require.NoError(t, err)
	var list testenv.PackageList
	for _, p := range full {
		if p.Debian != "pacemaker-cli-utils" {
			list = append(list, p)
		}
	}
	uses, err := Scan(testenv.RepoRoot())
	require.NoError(t, err)
	d, err := NewDpkg()
	require.NoError(t, err)
	problems, err := Check(list, uses, d)
	require.NoError(t, err)
	bad := map[string]string{}
	for _, p := range problems {
		bad[p.Cmd] = p.Msg
	}
	for _, c := range []string{"crm_mon", "crm_verify", "crm_resource", "crm_attribute"} {
		assert.Contains(t, bad[c], "pacemaker-cli-utils, which is not on the list", c)
	}
}

func TestAliases(t *testing.T) {
	assert.Equal(t, []string{"/nonexistent/bin/x"}, Aliases("/nonexistent/bin/x"))
	assert.ElementsMatch(t, []string{"/usr/sbin/zz-none", "/sbin/zz-none"}, Aliases("/usr/sbin/zz-none"))
	assert.ElementsMatch(t, []string{"/bin/zz-none", "/usr/bin/zz-none"}, Aliases("/bin/zz-none"))
}

func TestParseDpkgS(t *testing.T) {
	out := "diversion by dash from: /bin/sh\n" +
		"pacemaker-cli-utils: /usr/sbin/crm_mon\n" +
		"libc-bin, libc6:amd64: /usr/lib/x\n" +
		"dpkg-query: no path found matching pattern /usr/sbin/nope\n"
	assert.Equal(t, map[string][]string{
		"/usr/sbin/crm_mon": {"pacemaker-cli-utils"},
		"/usr/lib/x":        {"libc-bin", "libc6"},
	}, ParseDpkgS(out))
}
