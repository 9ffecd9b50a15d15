package ocf

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
)

// PromotedElsewhere asks Pacemaker (crm_resource --locate) where the clone
// of instance is promoted and returns the first node other than self ("" for
// none or when Pacemaker cannot be asked). Pacemaker 2.1 and later say
// "Promoted" where older ones said "Master". Path is crm_resource's, as
// Attrs.Path is crm_attribute's.
func (a *Attrs) PromotedElsewhere(ctx context.Context, instance, self string) string {
	out, err := exec.CommandContext(ctx, a.tool("crm_resource"), "--resource", instance, "--locate").Output()
	if err != nil && len(out) == 0 {
		return ""
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		_, rest, ok := strings.Cut(sc.Text(), "is running on: ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 2 || (f[1] != "Master" && f[1] != "Promoted") {
			continue
		}
		if !strings.EqualFold(f[0], self) {
			return f[0]
		}
	}
	return ""
}

// tool finds a Pacemaker command line tool in PATH, /usr/sbin or /sbin.
func (a *Attrs) tool(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin/", "/sbin/"} {
		if _, err := os.Stat(dir + name); err == nil {
			return dir + name
		}
	}
	return name
}
