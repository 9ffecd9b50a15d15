package deps

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ocfkit/ocfkit/test/testenv"
)

// NotInstalled are commands the code may run that no package of the list
// provides, each with the reason.
var NotInstalled = map[string]string{
	"go":        "the Go toolchain, from go.dev: README names it as the prerequisite (Debian's golang is older)",
	"gofmt":     "comes with the Go toolchain",
	"apt-get":   "the installer that scripts/test-deps.sh and .ci/run run, present wherever they install with it",
	"dnf":       "Fedora/RHEL's installer, run only there",
	"systemctl": "run only where systemd runs, after command -v systemctl",
	// agents/apache looks for apache's binary under the names the
	// distributions give it, as the heartbeat agent does; Debian's is
	// /usr/sbin/apache2.
	"/usr/sbin/httpd":  "apache's binary on RHEL and Fedora, looked for as the heartbeat agent does",
	"/usr/sbin/httpd2": "apache's binary on SUSE, looked for as the heartbeat agent does",
	"/usr/sbin/apache": "apache's binary on old distributions, looked for as the heartbeat agent does",
	"/sbin/httpd":      "apache's binary on RHEL before /usr was merged",
	"/sbin/httpd2":     "apache's binary on SUSE before /usr was merged",
	// ocivip replaces the OCI CLI; its ocicli parameter is accepted for
	// compatibility and ignored.
	"/usr/local/bin/oci": "the OCI CLI, which ocivip does not run (ocicli is accepted and ignored)",
	"/usr/bin/oci":       "the OCI CLI, which ocivip does not run (ocicli is accepted and ignored)",
}

// Implied are commands that the toolchain runs for the tests rather than
// the code: no scan can find them.
var Implied = map[string]string{
	"gcc": "Makefile (go test -race needs cgo)",
}

// Problem is a command that no package of the list provides here.
type Problem struct {
	Cmd   string
	Where []string
	Msg   string
	// Machine: the problem is this machine's (the command is not
	// installed from a package), not the list's. On a laptop such a
	// problem skips; in CI it fails.
	Machine bool
}

func (p Problem) String() string {
	where := p.Where
	if len(where) > 3 {
		where = append(where[:3:3], fmt.Sprintf("and %d more", len(p.Where)-3))
	}
	return fmt.Sprintf("%s (used at %s): %s", p.Cmd, strings.Join(where, ", "), p.Msg)
}

// Resolver tells where a command is on this machine and which packages
// own a path.
type Resolver interface {
	// Locate returns the path of cmd (a name or an absolute path), and
	// whether it exists.
	Locate(cmd string) (string, bool)
	// Owners returns, for each path, the packages that own it (under any
	// of its names: as found, resolved, and /usr-merged).
	Owners(paths []string) (map[string][]string, error)
	// Essential reports whether a package is Essential: on every Debian
	// system, so a skip never needs to name it, and its commands need not
	// be in the provides column. It must be on the list all the same
	// (Fedora's minimal images lack some of them).
	Essential(pkg string) bool
}

// Check returns a problem for each used command that no package of list
// provides: one that a package outside the list provides, one that is not
// installed, and one that the list's provides column does not name (so a
// skip could not name its package; Essential packages' commands need not
// be named, they never skip).
func Check(list testenv.PackageList, uses Uses, r Resolver) ([]Problem, error) {
	var problems []Problem
	found := map[string]string{}
	var paths []string
	for _, cmd := range uses.Sorted() {
		if _, ok := NotInstalled[cmd]; ok {
			continue
		}
		prov := list.Provider(cmd)
		p, ok := r.Locate(cmd)
		if !ok {
			pr := Problem{Cmd: cmd, Where: uses[cmd]}
			if prov != nil {
				pr.Machine = true
				pr.Msg = fmt.Sprintf("not installed; package %s provides it", prov.Debian)
			} else {
				pr.Msg = "not installed, and no package of the list names it in its provides column: add the package that provides it"
			}
			problems = append(problems, pr)
			continue
		}
		found[cmd] = p
		paths = append(paths, p)
	}
	owners, err := r.Owners(paths)
	if err != nil {
		return nil, err
	}
	for _, cmd := range uses.Sorted() {
		p, ok := found[cmd]
		if !ok {
			continue
		}
		pr := Problem{Cmd: cmd, Where: uses[cmd]}
		own := owners[p]
		var listed, essential []string
		for _, o := range own {
			if list.Has(o) {
				listed = append(listed, o)
			}
			if r.Essential(o) {
				essential = append(essential, o)
			}
		}
		prov := list.Provider(cmd)
		switch {
		case len(own) == 0:
			pr.Machine = true
			pr.Msg = fmt.Sprintf("%s belongs to no package (installed by hand?)", p)
			if prov != nil {
				pr.Msg += fmt.Sprintf("; the list has it from %s", prov.Debian)
			}
		case prov != nil && !contains(own, prov.Debian):
			pr.Msg = fmt.Sprintf("the list names it under %s, but %s belongs to %s", prov.Debian, p, strings.Join(own, ", "))
		case len(listed) > 0 && prov == nil && len(essential) == 0:
			pr.Msg = fmt.Sprintf("%s belongs to %s, whose provides column does not name it: add it there", p, strings.Join(listed, ", "))
		case len(listed) > 0:
			continue
		default:
			pr.Msg = fmt.Sprintf("%s belongs to %s, which is not on the list: add it", p, strings.Join(own, ", "))
		}
		problems = append(problems, pr)
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Cmd < problems[j].Cmd })
	return problems, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
