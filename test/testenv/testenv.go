// Package testenv holds what every system test needs: the skip policy that
// CI turns into failures, a once-per-process build of the agents, and a
// runner for Debian's ocf-tester.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Strict reports whether skips of system tests must fail instead (set in CI).
func Strict() bool { return os.Getenv("OCFKIT_REQUIRE_SYSTEM") == "1" }

// Skip skips the test, or fails it when OCFKIT_REQUIRE_SYSTEM=1: in CI
// nothing may skip because a package or privilege is missing.
func Skip(t testing.TB, why string) {
	t.Helper()
	if Strict() {
		t.Fatalf("system test cannot run (OCFKIT_REQUIRE_SYSTEM=1): %s", why)
	}
	t.Skip(why)
}

// NeedRoot skips (or fails in CI) unless running as root.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Skip(t, "needs root")
	}
}

// NeedCmd returns the path of a command, skipping (or failing in CI) when
// absent with the package that provides it and the command that installs it.
func NeedCmd(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		for _, dir := range []string{"/usr/sbin", "/sbin"} {
			if c := filepath.Join(dir, name); isExec(c) {
				return c
			}
		}
		Skip(t, name+" not installed"+MissingHint(name))
	}
	return p
}

// NeedFile skips (or fails in CI) when path does not exist, naming the
// package that provides it as NeedCmd does.
func NeedFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Skip(t, path+" not present"+MissingHint(path))
	}
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// RepoRoot is the repository's top directory (where go.mod is).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	buildMu  sync.Mutex
	buildDir string
	built    = map[string]string{}
)

// BuildAgent builds ./agents/<name> (once per test process) and returns the
// binary's path. The binary is named after the agent, as Pacemaker sees it.
func BuildAgent(t testing.TB, name string) string {
	t.Helper()
	return BuildCmd(t, "agents/"+name, name)
}

// BuildCmd builds the package at ./<pkg> into a binary called name, once per
// test process, and returns its path.
func BuildCmd(t testing.TB, pkg, name string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	if buildDir == "" {
		d, err := os.MkdirTemp("", "ocfkit-bin-")
		if err != nil {
			t.Fatal(err)
		}
		// ocf-tester runs meta-data as nobody: the directory must be
		// readable by everyone.
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
		buildDir = d
	}
	out := filepath.Join(buildDir, name)
	// Built as make builds them (static, stripped), so what the tests run
	// and what benchmarks measure is what users install.
	tags, err := os.ReadFile(filepath.Join(RepoRoot(), "packaging", "buildtags"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-trimpath", "-tags="+strings.TrimSpace(string(tags)), "-ldflags=-s -w", "-o", out, "./"+pkg)
	cmd.Dir = RepoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, b)
	}
	built[pkg] = out
	return out
}

// Main runs the tests of a package and removes the agents built for them.
// Use it as: func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if d := BinDir(); d != "" {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// BinDir is the directory BuildAgent writes into ("" before the first build).
func BinDir() string {
	buildMu.Lock()
	defer buildMu.Unlock()
	return buildDir
}
