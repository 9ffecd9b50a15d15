package testenv

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// Package is one package of test/packages.txt, the list of the system
// packages the tests need (see the comment at its top).
type Package struct {
	Debian   string
	Fedora   string // "" when not packaged there
	Demo     bool
	Provides []string // command names and absolute paths, * globs allowed
}

// PackageList is test/packages.txt, parsed.
type PackageList []Package

// PackagesFile is the list's path; OCFKIT_TEST_PACKAGES overrides it, as it
// does for scripts/test-deps.sh.
func PackagesFile() string {
	if f := os.Getenv("OCFKIT_TEST_PACKAGES"); f != "" {
		return f
	}
	return filepath.Join(RepoRoot(), "test", "packages.txt")
}

// ReadPackages reads a package list.
func ReadPackages(file string) (PackageList, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := ParsePackages(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return l, nil
}

// ParsePackages parses the list's format. Lines of the same Debian package
// merge.
func ParsePackages(r io.Reader) (PackageList, error) {
	var l PackageList
	index := map[string]int{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("line %d: want 4 columns (debian fedora for provides), got %d", n, len(f))
		}
		p := Package{Debian: f[0], Fedora: f[1]}
		switch f[1] {
		case "=":
			p.Fedora = f[0]
		case "-":
			p.Fedora = ""
		}
		switch f[2] {
		case "test":
		case "demo":
			p.Demo = true
		default:
			return nil, fmt.Errorf("line %d: for is %q, want test or demo", n, f[2])
		}
		if f[3] != "-" {
			p.Provides = strings.Split(f[3], ",")
		}
		if i, ok := index[p.Debian]; ok {
			l[i].Provides = append(l[i].Provides, p.Provides...)
			l[i].Demo = l[i].Demo || p.Demo
			continue
		}
		index[p.Debian] = len(l)
		l = append(l, p)
	}
	return l, sc.Err()
}

// Has reports whether the Debian package is on the list.
func (l PackageList) Has(debian string) bool {
	for _, p := range l {
		if p.Debian == debian {
			return true
		}
	}
	return false
}

// Provider is the package whose provides names cmd: a command name, or an
// absolute path matched against the absolute paths and globs (a program in
// /usr/sbin, /usr/bin, /sbin or /bin against the names too). nil when none
// does.
func (l PackageList) Provider(cmd string) *Package {
	if dir, name := path.Split(cmd); binDirs[dir] {
		if p := l.Provider(name); p != nil {
			return p
		}
	}
	for i, p := range l {
		for _, pat := range p.Provides {
			if pat == cmd {
				return &l[i]
			}
			if strings.HasPrefix(pat, "/") != strings.HasPrefix(cmd, "/") {
				continue
			}
			if ok, _ := path.Match(pat, cmd); ok {
				return &l[i]
			}
			// A glob like /usr/share/fence/* covers what lies deeper too.
			if dir, ok := strings.CutSuffix(pat, "/*"); ok && strings.HasPrefix(cmd, dir+"/") {
				return &l[i]
			}
		}
	}
	return nil
}

var binDirs = map[string]bool{"/usr/sbin/": true, "/usr/bin/": true, "/sbin/": true, "/bin/": true}

var installHint = sync.OnceValue(func() string {
	script := filepath.Join(RepoRoot(), "scripts", "test-deps.sh")
	out, err := exec.Command("bash", script, "--check").Output()
	if line := strings.TrimSpace(string(out)); err != nil && line != "" {
		return line
	}
	return "scripts/test-deps.sh installs the packages of test/packages.txt"
})

// InstallHint is the line of scripts/test-deps.sh --check: the packages of
// test/packages.txt missing here and the command that installs them.
func InstallHint() string { return installHint() }

// MissingHint explains why what (a command or a path) is absent, for a
// skip message: the package of test/packages.txt that provides it, and
// InstallHint.
func MissingHint(what string) string {
	l, err := ReadPackages(PackagesFile())
	switch p := l.Provider(what); {
	case err != nil:
		return fmt.Sprintf(" (%v); %s", err, InstallHint())
	case p == nil:
		return " (no package of test/packages.txt provides it: add one); " + InstallHint()
	default:
		return fmt.Sprintf(" (package %s); %s", p.Debian, InstallHint())
	}
}
