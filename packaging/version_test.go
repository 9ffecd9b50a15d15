package packaging_test

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

// gitRepo is a scratch repository to run version.sh in.
type gitRepo struct {
	t   *testing.T
	dir string
}

func newGitRepo(t *testing.T) *gitRepo {
	testenv.NeedCmd(t, "git")
	r := &gitRepo{t, t.TempDir()}
	r.git("init", "-q")
	r.commit()
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	require.NoError(r.t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

func (r *gitRepo) commit() {
	r.t.Helper()
	f := filepath.Join(r.dir, "f")
	b, _ := os.ReadFile(f)
	require.NoError(r.t, os.WriteFile(f, append(b, 'x'), 0o644))
	r.git("add", "f")
	r.git("commit", "-q", "-m", "change")
}

func (r *gitRepo) version(env ...string) (string, error) {
	r.t.Helper()
	cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "packaging", "version.sh"))
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (r *gitRepo) mustVersion() string {
	r.t.Helper()
	v, err := r.version("OCFKIT_VERSION=")
	require.NoError(r.t, err, v)
	return v
}

func TestVersionFromGit(t *testing.T) {
	r := newGitRepo(t)
	sha := func() string { return "g" + r.git("rev-parse", "--short=7", "HEAD") }

	var seen []string
	dev := r.mustVersion()
	assert.Equal(t, "0.0.0~git1."+sha(), dev, "no tag: development version")
	seen = append(seen, dev)

	r.commit()
	seen = append(seen, r.mustVersion())

	r.git("tag", "v0.9.0-rc1")
	assert.Equal(t, "0.9.0~rc1", r.mustVersion())
	seen = append(seen, r.mustVersion())

	r.commit()
	seen = append(seen, r.mustVersion())

	r.git("tag", "v0.9.0")
	assert.Equal(t, "0.9.0", r.mustVersion())
	seen = append(seen, r.mustVersion())

	r.commit()
	r.commit()
	after := r.mustVersion()
	assert.Equal(t, "0.9.0+git2."+sha(), after)
	seen = append(seen, after)

	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "f"), []byte("changed"), 0o644))
	assert.Equal(t, after+".dirty", r.mustVersion())
	r.git("checkout", "-q", "--", "f")

	r.git("tag", "v1.0.0")
	seen = append(seen, r.mustVersion())

	// dpkg and rpm must both see each version as newer than the one before.
	for i := 1; i < len(seen); i++ {
		assertNewer(t, seen[i], seen[i-1])
	}
}

func TestVersionOverride(t *testing.T) {
	r := newGitRepo(t)
	v, err := r.version("OCFKIT_VERSION=2.1.0")
	require.NoError(t, err)
	assert.Equal(t, "2.1.0", v)

	for _, bad := range []string{"v2.1.0", "2.1.0-1", "2.1 0", "2.1.0_x"} {
		out, err := r.version("OCFKIT_VERSION=" + bad)
		assert.Error(t, err, bad)
		assert.Contains(t, out, "version.sh: version "+bad, bad)
	}

	notGit := t.TempDir()
	cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "packaging", "version.sh"))
	cmd.Dir = notGit
	cmd.Env = append(os.Environ(), "OCFKIT_VERSION=", "GIT_CEILING_DIRECTORIES="+filepath.Dir(notGit))
	out, err := cmd.CombinedOutput()
	assert.Error(t, err)
	assert.Contains(t, string(out), "set OCFKIT_VERSION")
}

func assertNewer(t *testing.T, newer, older string) {
	t.Helper()
	if testenv.NeedCmd(t, "dpkg") != "" {
		err := exec.Command("dpkg", "--compare-versions", newer, "gt", older).Run()
		assert.NoError(t, err, "dpkg: %s should be newer than %s", newer, older)
	}
	if testenv.NeedCmd(t, "rpm") != "" {
		out, err := exec.Command("rpm", "--eval", `%{lua: print(rpm.vercmp("`+newer+`", "`+older+`"))}`).Output()
		require.NoError(t, err)
		assert.Equal(t, "1", strings.TrimSpace(string(out)), "rpm: %s should be newer than %s", newer, older)
	}
}
