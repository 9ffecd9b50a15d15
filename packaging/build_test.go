// Tests of the packages that packaging/build.sh makes: what they hold, their
// metadata, lintian and rpm's view of them, and (install_test.go) a real
// install and removal with dpkg.
package packaging_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// maxPackageBytes is the size target of each package.
const maxPackageBytes = 30_000_000

// built is the one build shared by the tests of this process.
type built struct {
	dir     string   // output directory of build.sh
	version string   // package version
	agents  []string // agent names, sorted
	ocf     []string // the OCF resource agents among them
	fence   []string // the fence agents (fence_*), installed in /usr/sbin
	debs    map[string]string
	rpms    map[string]string // keyed by Go architecture
}

var (
	buildOnce sync.Once
	buildRes  *built
	buildErr  string
	workDir   string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if workDir != "" {
		os.RemoveAll(workDir)
	}
	os.Exit(code)
}

// archs are the architectures the tests build: both release architectures
// unless OCFKIT_PACKAGE_ARCHS narrows them.
func archs() []string {
	if v := os.Getenv("OCFKIT_PACKAGE_ARCHS"); v != "" {
		return strings.Fields(v)
	}
	return []string{"amd64", "arm64"}
}

var rpmArch = map[string]string{"amd64": "x86_64", "arm64": "aarch64"}

// buildPackages runs packaging/build.sh once per test process.
func buildPackages(t *testing.T) *built {
	t.Helper()
	testenv.NeedCmd(t, "go")
	buildOnce.Do(func() {
		buildErr = "see the first test that failed"
		d, err := os.MkdirTemp("", "ocfkit-packages-")
		if err != nil {
			buildErr = err.Error()
			return
		}
		workDir = d
		out := filepath.Join(d, "dist")
		// Others commit to the tree while the build runs: fix the version
		// once, so that the file names below are the ones built.
		version := strings.TrimSpace(run(t, testenv.RepoRoot(), "packaging/version.sh"))
		agents := agentNames(t)
		cmd := exec.Command("packaging/build.sh", out)
		cmd.Dir = testenv.RepoRoot()
		cmd.Env = append(os.Environ(), "ARCHS="+strings.Join(archs(), " "), "OCFKIT_VERSION="+version)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			buildErr = "packaging/build.sh: " + err.Error() + "\n" + stderr.String() + stdout.String()
			return
		}
		// build.sh prints its size table on stdout: show it with -v.
		t.Logf("packages:\n%s", stdout.String())
		b := &built{dir: out, version: version, agents: agents, debs: map[string]string{}, rpms: map[string]string{}}
		for _, a := range agents {
			if strings.HasPrefix(a, "fence_") {
				b.fence = append(b.fence, a)
			} else {
				b.ocf = append(b.ocf, a)
			}
		}
		for _, a := range archs() {
			b.debs[a] = filepath.Join(out, "ocfkit_"+b.version+"_"+a+".deb")
			b.rpms[a] = filepath.Join(out, "ocfkit-"+b.version+"-1."+rpmArch[a]+".rpm")
		}
		buildRes = b
	})
	if buildRes == nil {
		t.Fatalf("building the packages failed: %s", buildErr)
	}
	return buildRes
}

// agentNames lists the agents the build must package: every main package
// directly under agents/.
func agentNames(t *testing.T) []string {
	t.Helper()
	root := testenv.RepoRoot()
	out := run(t, root, "go", "list", "-f", `{{if eq .Name "main"}}{{.Dir}}{{end}}`, "./agents/...")
	var names []string
	for _, dir := range strings.Fields(out) {
		rel, err := filepath.Rel(filepath.Join(root, "agents"), dir)
		require.NoError(t, err)
		if !strings.Contains(rel, string(filepath.Separator)) {
			names = append(names, rel)
		}
	}
	sort.Strings(names)
	require.NotEmpty(t, names, "no agents under agents/")
	return names
}

func run(t testing.TB, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s %v: %s", name, args, stderr.String())
	return string(out)
}

func lines(s string) []string {
	var ls []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		ls = append(ls, sc.Text())
	}
	return ls
}

func hostArch(t *testing.T) string {
	t.Helper()
	for _, a := range archs() {
		if a == runtime.GOARCH {
			return a
		}
	}
	testenv.Skip(t, "OCFKIT_PACKAGE_ARCHS does not include this machine's architecture "+runtime.GOARCH)
	return ""
}
