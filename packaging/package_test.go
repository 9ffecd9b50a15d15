package packaging_test

import (
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

const agentDir = "/usr/lib/ocf/resource.d/ocfkit"

// entry is one file or directory of a package as its tool lists it.
type entry struct{ mode, owner, group string }

// expected lists every non-directory file and the directories the package
// owns, with the mode each must have. format is "deb" or "rpm".
func expected(b *built, format string) map[string]entry {
	root := func(mode string) entry { return entry{mode, "root", "root"} }
	want := map[string]entry{
		agentDir:                              root("drwxr-xr-x"),
		"/etc/ocfkit":                         root("drwx------"),
		"/usr/share/doc/ocfkit":               root("drwxr-xr-x"),
		"/usr/share/doc/ocfkit/README.md":     root("-rw-r--r--"),
		"/usr/share/doc/ocfkit/copyright":     root("-rw-r--r--"),
		"/usr/share/doc/ocfkit/changelog.gz":  root("-rw-r--r--"),
		"/usr/share/lintian/overrides/ocfkit": root("-rw-r--r--"),
		"/usr/share/doc/ocfkit/LICENSE":       root("-rw-r--r--"),
	}
	if format == "deb" {
		delete(want, "/usr/share/doc/ocfkit/LICENSE")
	} else {
		delete(want, "/usr/share/doc/ocfkit/copyright")
		delete(want, "/usr/share/doc/ocfkit/changelog.gz")
		delete(want, "/usr/share/lintian/overrides/ocfkit")
	}
	for _, a := range b.ocf {
		want[agentDir+"/"+a] = root("-rwxr-xr-x")
		want["/usr/share/man/man7/ocf_ocfkit_"+a+".7.gz"] = root("-rw-r--r--")
	}
	for _, a := range b.fence {
		want["/usr/sbin/"+a] = root("-rwxr-xr-x")
		want["/usr/share/man/man8/"+a+".8.gz"] = root("-rw-r--r--")
	}
	return want
}

// debEntries reads `dpkg-deb -c`: "drwx------ root/root 0 2026-11-22 00:27 ./etc/ocfkit/".
func debEntries(t *testing.T, deb string) map[string]entry {
	got := map[string]entry{}
	for _, l := range lines(run(t, "", "dpkg-deb", "-c", deb)) {
		f := strings.Fields(l)
		require.Len(t, f, 6, "dpkg-deb -c line %q", l)
		owner, group, _ := strings.Cut(f[1], "/")
		p := strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/")
		if p == "" {
			continue
		}
		got[p] = entry{f[0], owner, group}
	}
	return got
}

// rpmEntries reads `rpm -qlpv`: "drwx------ 2 root root 0 Nov 22 00:27 /etc/ocfkit".
func rpmEntries(t *testing.T, rpm string) map[string]entry {
	got := map[string]entry{}
	for _, l := range lines(run(t, "", "rpm", "-qlpv", rpm)) {
		f := strings.Fields(l)
		require.Len(t, f, 9, "rpm -qlpv line %q", l)
		got[f[8]] = entry{f[0], f[2], f[3]}
	}
	return got
}

// checkEntries wants every expected path with its mode, and nothing else
// but the parent directories a .deb carries (mode 0755).
func checkEntries(t *testing.T, want, got map[string]entry) {
	t.Helper()
	for p, e := range want {
		g, ok := got[p]
		if assert.True(t, ok, "missing %s", p) {
			assert.Equal(t, e, g, "mode/owner of %s", p)
		}
	}
	for p, g := range got {
		if _, ok := want[p]; ok {
			continue
		}
		assert.Equal(t, entry{"drwxr-xr-x", "root", "root"}, g, "unexpected entry %s", p)
	}
}

func TestDebContents(t *testing.T) {
	testenv.NeedCmd(t, "dpkg-deb")
	b := buildPackages(t)
	for arch, deb := range b.debs {
		t.Run(arch, func(t *testing.T) {
			checkEntries(t, expected(b, "deb"), debEntries(t, deb))

			field := func(name string) string {
				return strings.TrimSpace(run(t, "", "dpkg-deb", "-f", deb, name))
			}
			assert.Equal(t, "ocfkit", field("Package"))
			assert.Equal(t, b.version, field("Version"))
			assert.Equal(t, arch, field("Architecture"))
			assert.Equal(t, "admin", field("Section"))
			assert.Equal(t, "https://github.com/ocfkit/ocfkit", field("Homepage"))
			assert.Regexp(t, `^[^<>]+ <[^@<>\s]+@[^@<>\s]+>$`, field("Maintainer"))
			assert.Equal(t, "pacemaker", field("Recommends"))
			assert.Equal(t, "pcs | crmsh", field("Suggests"))
			assert.Empty(t, field("Depends"), "the agents need no other package")
			assert.Empty(t, field("Pre-Depends"))
			desc := field("Description")
			assert.True(t, strings.HasPrefix(desc, "OCF resource agents for Pacemaker"), desc)
			assert.Contains(t, desc, "Agents in this package: "+strings.Join(b.ocf, " ")+".")
			if len(b.fence) > 0 {
				assert.Contains(t, desc, "Fence agents: "+strings.Join(b.fence, " ")+".")
			}

			// No maintainer scripts: nothing can fail an install or removal.
			ctrl := exec.Command("sh", "-c", `dpkg-deb --ctrl-tarfile "$1" | tar -t`, "sh", deb)
			out, err := ctrl.Output()
			require.NoError(t, err)
			for _, m := range lines(string(out)) {
				assert.Contains(t, []string{"./", "./control", "./md5sums"}, m, "control member")
			}
		})
	}
}

func TestRpmContents(t *testing.T) {
	testenv.NeedCmd(t, "rpm")
	b := buildPackages(t)
	for arch, rpm := range b.rpms {
		t.Run(arch, func(t *testing.T) {
			checkEntries(t, expected(b, "rpm"), rpmEntries(t, rpm))

			info := run(t, "", "rpm", "-qp", "--qf",
				"%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{LICENSE}|%{URL}|%{SUMMARY}|%{PACKAGER}", rpm)
			f := strings.Split(info, "|")
			require.Len(t, f, 8, info)
			assert.Equal(t, []string{"ocfkit", b.version, "1", rpmArch[arch], "Apache-2.0",
				"https://github.com/ocfkit/ocfkit", "OCF resource agents for Pacemaker, written in Go"}, f[:7])
			assert.Regexp(t, `^[^<>]+ <[^@<>\s]+@[^@<>\s]+>$`, f[7])

			assert.Equal(t, "pacemaker", strings.TrimSpace(run(t, "", "rpm", "-qp", "--recommends", rpm)))
			assert.Equal(t, "pcs", strings.TrimSpace(run(t, "", "rpm", "-qp", "--suggests", rpm)))
			for _, r := range lines(run(t, "", "rpm", "-qp", "--requires", rpm)) {
				assert.True(t, strings.HasPrefix(r, "rpmlib("), "unexpected requirement %q", r)
			}
			assert.Empty(t, strings.TrimSpace(run(t, "", "rpm", "-qp", "--scripts", rpm)), "no scriptlets")

			lic := run(t, "", "rpm", "-qp", "--licensefiles", rpm)
			assert.Equal(t, "/usr/share/doc/ocfkit/LICENSE", strings.TrimSpace(lic))
		})
	}
}

// The agents are static binaries for the package's architecture, and the
// version is stamped into them.
func TestBinariesAndManPages(t *testing.T) {
	testenv.NeedCmd(t, "dpkg-deb")
	b := buildPackages(t)
	machine := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	for arch, deb := range b.debs {
		t.Run(arch, func(t *testing.T) {
			root := t.TempDir()
			run(t, "", "dpkg-deb", "-x", deb, root)
			for _, a := range b.agents {
				bin := filepath.Join(root, agentDir, a)
				if strings.HasPrefix(a, "fence_") {
					bin = filepath.Join(root, "usr/sbin", a)
				}
				f, err := elf.Open(bin)
				require.NoError(t, err, a)
				assert.Equal(t, machine[arch], f.Machine, a)
				for _, p := range f.Progs {
					assert.NotEqual(t, elf.PT_INTERP, p.Type, "%s needs a dynamic loader", a)
				}
				libs, _ := f.ImportedLibraries()
				assert.Empty(t, libs, a)
				assert.Nil(t, f.Section(".symtab"), "%s is not stripped", a)
				f.Close()
				if strings.HasPrefix(a, "fence_") {
					page := readGz(t, filepath.Join(root, "usr/share/man/man8/"+a+".8.gz"))
					assert.Contains(t, page, fmt.Sprintf(`.TH "%s" 8 `, strings.ToUpper(a)))
					for _, s := range []string{".SH NAME", ".SH OPTIONS", ".SH ACTIONS", `.SH "STDIN PARAMETERS"`, "pcs stonith create"} {
						assert.Contains(t, page, s, a)
					}
					continue
				}

				page := readGz(t, filepath.Join(root, "usr/share/man/man7/ocf_ocfkit_"+a+".7.gz"))
				assert.Contains(t, page, fmt.Sprintf(`.TH "OCF_OCFKIT_%s" 7 `, strings.ToUpper(a)))
				assert.Contains(t, page, `"ocfkit `+strings.ReplaceAll(b.version, "-", `\-`)+`"`)
				for _, s := range []string{".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", `.SH "SUPPORTED PARAMETERS"`,
					`.SH "SUPPORTED ACTIONS"`, ".SH EXAMPLE", `.SH "SEE ALSO"`, "pcs resource create " + strings.ToLower(a) + " ocf:ocfkit:" + a} {
					assert.Contains(t, page, s, a)
				}
				checkManFormats(t, filepath.Join(root, "usr/share/man/man7/ocf_ocfkit_"+a+".7.gz"))
			}
			cl := readGz(t, filepath.Join(root, "usr/share/doc/ocfkit/changelog.gz"))
			assert.True(t, strings.HasPrefix(cl, "ocfkit ("+b.version+") unstable; urgency=medium\n"), cl)
			cp, err := os.ReadFile(filepath.Join(root, "usr/share/doc/ocfkit/copyright"))
			require.NoError(t, err)
			assert.Contains(t, string(cp), "License: Apache-2.0")
		})
	}
}

// checkManFormats runs man(1) as lintian does and wants no warning, then
// renders the page as a reader would.
func checkManFormats(t *testing.T, page string) {
	t.Helper()
	man := testenv.NeedCmd(t, "man")
	env := append(os.Environ(), "LC_ALL=C.UTF-8", "MANWIDTH=80", "MANROFFSEQ=", "MANPAGER=cat", "PAGER=cat")
	cmd := exec.Command(man, "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", page)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	assert.Empty(t, stderr.String(), "man warnings for %s", page)

	cmd = exec.Command(man, "-l", page)
	cmd.Env = env
	out, err := cmd.Output()
	require.NoError(t, err, page)
	assert.Contains(t, string(out), "SUPPORTED ACTIONS", page)
}

func readGz(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err, path)
	b, err := io.ReadAll(z)
	require.NoError(t, err, path)
	return string(b)
}

// knownWarnings are the lintian warnings docs/packaging.md explains; any
// other warning, and every error, fails.
var knownWarnings = []*regexp.Regexp{
	regexp.MustCompile(`^W: ocfkit: non-standard-dir-perm 0700 != 0755 \[etc/ocfkit/\]$`),
}

func TestLintian(t *testing.T) {
	lintian := testenv.NeedCmd(t, "lintian")
	b := buildPackages(t)
	for arch, deb := range b.debs {
		t.Run(arch, func(t *testing.T) {
			cmd := exec.Command(lintian, "--no-cfg", "--fail-on", "error", "--display-level", ">=warning", deb)
			out, err := cmd.Output()
			require.NoError(t, err, "lintian found errors:\n%s", out)
			for _, l := range lines(string(out)) {
				require.False(t, strings.HasPrefix(l, "E: "), "lintian error: %s", l)
				if strings.HasPrefix(l, "W: ") {
					known := false
					for _, re := range knownWarnings {
						known = known || re.MatchString(l)
					}
					assert.True(t, known, "lintian warning not explained in docs/packaging.md: %s", l)
				}
			}
			t.Logf("lintian:\n%s", out)
		})
	}
}

func TestSizesAndChecksums(t *testing.T) {
	b := buildPackages(t)
	var files []string
	for _, a := range archs() {
		files = append(files, b.debs[a], b.rpms[a])
	}
	for _, f := range files {
		st, err := os.Stat(f)
		require.NoError(t, err)
		t.Logf("%-55s %10d bytes (%.1f MB)", filepath.Base(f), st.Size(), float64(st.Size())/1e6)
		assert.LessOrEqual(t, st.Size(), int64(maxPackageBytes), "%s is over the size target", f)
	}

	sums, err := os.ReadFile(filepath.Join(b.dir, "SHA256SUMS"))
	require.NoError(t, err)
	var listed []string
	for _, l := range lines(string(sums)) {
		f := strings.Fields(l)
		require.Len(t, f, 2, l)
		listed = append(listed, filepath.Join(b.dir, f[1]))
	}
	sort.Strings(listed)
	sort.Strings(files)
	assert.Equal(t, files, listed)
	run(t, b.dir, "sha256sum", "--check", "--strict", "SHA256SUMS")
}

// A package over the size target fails the build: build.sh ends with
// sizes.sh, which is run here on the packages already built.
func TestSizeTargetFailsTheBuild(t *testing.T) {
	b := buildPackages(t)
	files := []string{b.debs[archs()[0]], b.rpms[archs()[0]]}
	cmd := exec.Command(filepath.Join(testenv.RepoRoot(), "packaging", "sizes.sh"), append([]string{"1000"}, files...)...)
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), filepath.Base(files[0])+" is ")
	assert.Contains(t, string(out), "over the 1000-byte target")

	cmd = exec.Command(filepath.Join(testenv.RepoRoot(), "packaging", "sizes.sh"), append([]string{"30000000"}, files...)...)
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), filepath.Base(files[1]))
	assert.True(t, strings.HasSuffix(string(out), "\n"))
	assert.Contains(t, string(out), "package")
}
