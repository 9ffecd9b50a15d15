package deps

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// testDeps runs scripts/test-deps.sh --check against a list and an
// os-release of the test's own: it installs nothing.
func testDeps(t *testing.T, list, osRelease string, args ...string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	lf, of := filepath.Join(dir, "packages.txt"), filepath.Join(dir, "os-release")
	require.NoError(t, os.WriteFile(lf, []byte(list), 0o644))
	require.NoError(t, os.WriteFile(of, []byte(osRelease), 0o644))
	cmd := exec.Command("bash", append([]string{filepath.Join(testenv.RepoRoot(), "scripts", "test-deps.sh")}, args...)...)
	cmd.Env = append(os.Environ(), "OCFKIT_TEST_PACKAGES="+lf, "OCFKIT_OS_RELEASE="+of)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return strings.TrimSpace(string(out)), code
}

func TestTestDepsNamesWhatIsMissing(t *testing.T) {
	list := "coreutils = test sh\nocfkit-no-such-package = test ocfkit-no-such-command\nfiles = demo /nonexistent/*\n"
	// On an unknown system the script looks for the commands and files.
	out, code := testDeps(t, list, "ID=plan9\n", "--check")
	assert.Equal(t, 1, code)
	assert.Equal(t, "missing packages of test/packages.txt: ocfkit-no-such-package files; "+
		"install them with: your package manager (the names are Debian's; see test/packages.txt)", out)
	out, code = testDeps(t, list, "ID=plan9\n", "--check", "--demo")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "missing packages of test/packages.txt: files;")
	// Without --check it installs nothing there either, and make test
	// carries on.
	out, code = testDeps(t, list, "ID=plan9\n")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "missing packages of test/packages.txt: ocfkit-no-such-package files;")
	// Nothing missing: silent.
	out, code = testDeps(t, "coreutils = test sh\n", "ID=plan9\n", "--check")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
}

func TestTestDepsOnDebian(t *testing.T) {
	testenv.NeedCmd(t, "dpkg-query")
	list := "coreutils = test -\nocfkit-no-such-package other-name test -\n"
	out, code := testDeps(t, list, "ID=debian\n", "--check")
	assert.Equal(t, 1, code)
	sudo := "sudo "
	if os.Geteuid() == 0 {
		sudo = ""
	}
	assert.Equal(t, "missing packages of test/packages.txt: ocfkit-no-such-package; install them with: "+
		sudo+"apt-get update && "+sudo+"apt-get install --no-install-recommends ocfkit-no-such-package", out)
}
