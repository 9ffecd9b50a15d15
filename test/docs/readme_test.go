// Package docs keeps README.md true: each agent's parameter table there is
// rendered from the agent's own meta-data, and this test fails when they
// drift. `go test ./test/docs -update` rewrites the tables.
package docs

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ocfkit/ocfkit/ocf"
	"github.com/ocfkit/ocfkit/test/testenv"
	"github.com/stretchr/testify/require"
	"os/exec"
)

var update = flag.Bool("update", false, "rewrite the parameter tables in README.md")

func TestMain(m *testing.M) { testenv.Main(m) }

func agents(t *testing.T) []string {
	dirs, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "agents", "*", "main.go"))
	require.NoError(t, err)
	var names []string
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		if strings.HasPrefix(name, "fence_") {
			// Fence agents speak fence-agents' protocol: their options are
			// in docs/fencing.md and their section 8 pages.
			continue
		}
		names = append(names, name)
	}
	require.NotEmpty(t, names)
	return names
}

func table(m *ocf.MetaData) string {
	var b strings.Builder
	b.WriteString("| parameter | type | default | description |\n|---|---|---|---|\n")
	for _, p := range m.Params {
		def := ""
		if p.Content.Default != nil && *p.Content.Default != "" {
			def = "`" + *p.Content.Default + "`"
		}
		name := "`" + p.Name + "`"
		if p.Required == "1" {
			name += " (required)"
		}
		desc := strings.ReplaceAll(strings.TrimSpace(p.Shortdesc.Text), "|", "\\|")
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, p.Content.Type, def, desc)
	}
	return b.String()
}

func TestReadmeParameterTables(t *testing.T) {
	path := filepath.Join(testenv.RepoRoot(), "README.md")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(raw)
	for _, name := range agents(t) {
		out, err := exec.Command(testenv.BuildAgent(t, name), "meta-data").Output()
		require.NoError(t, err, name)
		m, err := ocf.ParseMetaData(out)
		require.NoError(t, err, name)
		begin, end := "<!-- params:"+name+" -->\n", "<!-- /params:"+name+" -->"
		re := regexp.MustCompile("(?s)" + regexp.QuoteMeta(begin) + ".*?" + regexp.QuoteMeta(end))
		want := begin + table(m) + end
		if !re.MatchString(readme) {
			if *update { // a new agent: its section goes at the end of the agents part
				at := strings.Index(readme, "\n## Testing")
				require.True(t, at >= 0, "README.md lost its Testing section")
				readme = readme[:at] + "\n### " + name + "\n\n" + want + "\n" + readme[at:]
				continue
			}
			t.Errorf("README.md has no parameter table for %s (markers %q); run go test ./test/docs -update", name, strings.TrimSpace(begin))
			continue
		}
		if got := re.FindString(readme); got != want {
			if *update {
				readme = re.ReplaceAllLiteralString(readme, want)
				continue
			}
			t.Errorf("README.md parameter table of %s is out of date with its meta-data; run go test ./test/docs -update", name)
		}
	}
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(readme), 0o644))
	}
}
