package deps

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Dpkg resolves commands on a Debian or Ubuntu machine with dpkg-query.
type Dpkg struct {
	essential map[string]bool
}

// NewDpkg reads the Essential packages; it fails where dpkg-query is absent.
func NewDpkg() (*Dpkg, error) {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Package} ${Essential}\n").Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg-query -W: %w", err)
	}
	d := &Dpkg{essential: map[string]bool{}}
	for _, line := range strings.Split(string(out), "\n") {
		if name, ess, ok := strings.Cut(line, " "); ok && ess == "yes" {
			d.essential[name] = true
		}
	}
	return d, nil
}

// packageDirs are where packages put programs, in the order Pacemaker's
// PATH has them. /usr/local is left out on purpose: nothing there comes
// from a package.
var packageDirs = []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// Locate finds a name in the package directories first, then in PATH (a
// command found only there belongs to no package, which Check reports).
func (d *Dpkg) Locate(cmd string) (string, bool) {
	if filepath.IsAbs(cmd) {
		_, err := os.Stat(cmd)
		return cmd, err == nil
	}
	for _, dir := range packageDirs {
		p := filepath.Join(dir, cmd)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, true
		}
	}
	p, err := exec.LookPath(cmd)
	return p, err == nil
}

// Owners runs one dpkg-query -S for every name of every path.
func (d *Dpkg) Owners(paths []string) (map[string][]string, error) {
	names := map[string][]string{} // path → its names
	var args []string
	seen := map[string]bool{}
	for _, p := range paths {
		for _, n := range Aliases(p) {
			names[p] = append(names[p], n)
			if !seen[n] {
				seen[n] = true
				args = append(args, n)
			}
		}
	}
	owned := map[string][]string{}
	if len(args) > 0 {
		cmd := exec.Command("dpkg-query", append([]string{"-S"}, args...)...)
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		// dpkg-query exits 1 when one of the names has no owner, which
		// is the usual case for one of a path's aliases.
		out, err := cmd.Output()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			return nil, fmt.Errorf("dpkg-query -S: %w", err)
		}
		for n, pkgs := range ParseDpkgS(string(out)) {
			owned[n] = pkgs
		}
	}
	res := map[string][]string{}
	for _, p := range paths {
		for _, n := range names[p] {
			for _, o := range owned[n] {
				if !contains(res[p], o) {
					res[p] = append(res[p], o)
				}
			}
		}
		sort.Strings(res[p])
	}
	return res, nil
}

// Essential reports whether dpkg marks pkg Essential.
func (d *Dpkg) Essential(pkg string) bool { return d.essential[pkg] }

// ParseDpkgS reads dpkg-query -S output ("pkg1, pkg2:amd64: /path") into
// path → packages, without architecture qualifiers; diversion lines are
// skipped.
func ParseDpkgS(out string) map[string][]string {
	res := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "diversion by ") {
			continue
		}
		i := strings.Index(line, ": /")
		if i < 0 {
			continue
		}
		p := line[i+2:]
		for _, pkg := range strings.Split(line[:i], ", ") {
			pkg, _, _ = strings.Cut(strings.TrimSpace(pkg), ":")
			if pkg != "" && !contains(res[p], pkg) {
				res[p] = append(res[p], pkg)
			}
		}
	}
	return res
}

// Aliases are the names under which dpkg may know the file at p: p
// itself and its target with symlinks resolved, each also under the other
// side of the /usr merge (/bin and /usr/bin, /sbin and /usr/sbin, /lib and
// /usr/lib), since a package may have shipped it under either.
func Aliases(p string) []string {
	var out []string
	add := func(s string) {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	bases := []string{p}
	if r, err := filepath.EvalSymlinks(p); err == nil && r != p {
		bases = append(bases, r)
	}
	for _, b := range bases {
		add(b)
		for _, d := range []string{"/bin/", "/sbin/", "/lib/"} {
			if rest, ok := strings.CutPrefix(b, d); ok {
				add("/usr" + d + rest)
			}
			if rest, ok := strings.CutPrefix(b, "/usr"+d); ok {
				add(d + rest)
			}
		}
	}
	return out
}
