// Package deps finds the external commands that ocfkit's code, tests and
// scripts run, and checks that a package of test/packages.txt provides each
// one: a package missing from the list (or a new command nobody listed) is
// a failure on any Debian machine, also on one that happens to have it.
//
// Nothing here is a list of commands kept by hand. The Go scan follows the
// code: every call of exec.Command, exec.CommandContext and exec.LookPath,
// and every function of the repository that passes one of its parameters on
// to such a call (mount's run, cluster's Run, testenv.NeedCmd, ...), is a
// sink; the string constants that reach a sink's command argument are the
// commands, with what they run in turn (sh -c, nsenter, ip netns exec, env:
// see Argv). The shell scan reads scripts, .ci/run and the Makefile's
// recipes for the commands in command position.
package deps

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Module is the import path prefix of the repository's packages.
const Module = "github.com/ocfkit/ocfkit"

// Uses maps a command (a name, or an absolute path) to where the code uses
// it ("file:line", relative to the repository).
type Uses map[string][]string

func (u Uses) add(cmd, where string) {
	for _, w := range u[cmd] {
		if w == where {
			return
		}
	}
	u[cmd] = append(u[cmd], where)
}

// Sorted returns the commands in order.
func (u Uses) Sorted() []string {
	out := make([]string, 0, len(u))
	for c := range u {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Absolute paths in string constants that name something a package
// installs: programs, the installed anchors of the agents, and the schemas
// the tests validate meta-data against. The repository's own agents
// (resource.d/ocfkit) are what the tests build.
var pathRe = regexp.MustCompile(`^(/(usr/)?(local/)?s?bin/[A-Za-z0-9_.+-]+|/usr/lib/ocf/resource\.d/[A-Za-z0-9_.-]+/[A-Za-z0-9_.+-]+|/usr/share/(resource-agents|fence|cluster)/[^\s]+)$`)

// Scan finds the commands used under root: Go sources, shell scripts
// (*.sh and files with a shell #! line) and the Makefile's recipes.
// Directories named testdata, vendor and dot-directories other than .ci are
// left out.
func Scan(root string) (Uses, error) {
	uses := Uses{}
	var goFiles, shFiles []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// test/deps itself: its constants are the scanner's data,
			// and dpkg-query, which it runs, is Essential.
			rel, _ := filepath.Rel(root, p)
			if p != root && (name == "testdata" || name == "vendor" || name == "bin" || name == "dist" ||
				(strings.HasPrefix(name, ".") && name != ".ci") || filepath.ToSlash(rel) == "test/deps") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".go"):
			goFiles = append(goFiles, p)
		case strings.HasSuffix(name, ".sh") || name == "Makefile" || isShellScript(p):
			shFiles = append(shFiles, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ours, err := scanGo(root, goFiles, uses)
	if err != nil {
		return nil, err
	}
	for _, f := range shFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, f)
		src := string(b)
		if filepath.Base(f) == "Makefile" {
			src = makeRecipes(src)
		}
		for _, c := range ScanShell(src) {
			uses.add(c.Name, rel+":"+strconv.Itoa(c.Line))
		}
	}
	for cmd := range uses {
		dir, name := path.Split(cmd)
		switch {
		// The repository's own programs: the tests build them, and
		// under /usr/sbin (the fence agents) they are what the package
		// installs, not a dependency.
		case ours[name] && (dir == "" || binDir[dir]):
			delete(uses, cmd)
		// A program the test made (a memfd, a temporary file): no
		// package has it.
		case strings.HasPrefix(cmd, "/") && !packagePath.MatchString(cmd):
			delete(uses, cmd)
		}
	}
	return uses, nil
}

var (
	binDir      = map[string]bool{"/usr/sbin/": true, "/usr/bin/": true, "/sbin/": true, "/bin/": true}
	packagePath = regexp.MustCompile(`^/(usr|bin|sbin|lib|lib64|etc|opt)/`)
)

func isShellScript(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 64)
	n, _ := f.Read(b)
	first, _, _ := strings.Cut(string(b[:n]), "\n")
	return strings.HasPrefix(first, "#!") &&
		(strings.HasSuffix(first, "/sh") || strings.HasSuffix(first, "bash") || strings.Contains(first, "/sh "))
}
