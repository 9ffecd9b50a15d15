package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/test/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden manual pages in testdata/")

var testPage = Page{Provider: "ocfkit", Version: "1.2.3", Date: "2026-01-02", Homepage: "https://github.com/ocfkit/ocfkit"}

func render(t *testing.T, xmlFile string) []byte {
	t.Helper()
	b, err := os.ReadFile(xmlFile)
	require.NoError(t, err)
	a, err := ParseMetaData(b)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, testPage.Render(&buf, a))
	return buf.Bytes()
}

func TestRenderGolden(t *testing.T) {
	for _, name := range []string{"simple", "promotable"} {
		t.Run(name, func(t *testing.T) {
			got := render(t, filepath.Join("testdata", name+".xml"))
			golden := filepath.Join("testdata", name+".7")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
		})
	}
}

// The golden files pin the layout; these pin what a reader relies on.
func TestRenderContent(t *testing.T) {
	simple := string(render(t, "testdata/simple.xml"))
	for _, want := range []string{
		`.TH "OCF_OCFKIT_VIP" 7 "2026\-01\-02" "ocfkit 1.2.3" "OCF resource agents"`,
		"ocf_ocfkit_vip \\- Virtual IP address \\- local\n",
		".SH \"SUPPORTED PARAMETERS\"",
		"Type: integer; default: \"24\"; optional.",
		"Type: string; no default; required; unique.",
		".SH \"SUPPORTED ACTIONS\"",
		"Advised: timeout 20s, interval 10s, depth (OCF_CHECK_LEVEL) 0.",
		"pcs resource create vip ocf:ocfkit:vip \\e\n    ip=<string> \\e\n    op monitor interval=10s timeout=20s\n",
		"primitive vip ocf:ocfkit:vip \\e\n    params ip=<string> \\e\n    op monitor interval=10s timeout=20s\n",
		"backslash \\e and a line .starting",
		"The prefix length of the address, taken\n.br\n\\- from this parameter,\n.br\n\\- else from the connected route that covers ip.\n.br\n1. A numbered item\n.br\n2) and another.\n",
		".SH \"SEE ALSO\"",
	} {
		assert.Contains(t, simple, want)
	}
	// A shortdesc equal to the longdesc is said once.
	assert.Equal(t, 1, strings.Count(simple, "How many gratuitous ARP packets to send."))

	repl := string(render(t, "testdata/promotable.xml"))
	for _, want := range []string{
		"Manages a replicated resource as a promotable clone. Each line of this paragraph is joined into one.",
		"Type: select (one of: safe, eager); default: \"safe\"; required; reloadable.",
		"unique together with the other parameters of group res",
		"Deprecated. Use stop_timeout instead. Kept for old configurations.",
		"Advised: timeout 20s, interval 20s, role Unpromoted.",
		"\\fBcustom\\-thing\\fR\nNo advised settings.",
		"    op monitor interval=20s timeout=20s role=Unpromoted \\e\n    monitor interval=10s timeout=20s role=Promoted \\e\n" +
			"    monitor interval=60s timeout=30s role=Promoted OCF_CHECK_LEVEL=10 \\e\n    promotable notify=true\n",
		"    op monitor interval=60s timeout=30s role=Promoted depth=10\nclone repl\\-clone repl meta promotable=true notify=true\n",
		"[start | promote | demote | notify | stop | monitor | reload\\-agent | meta\\-data | validate\\-all | custom\\-thing]",
	} {
		assert.Contains(t, repl, want)
	}
	assert.NotContains(t, repl, "Verwaltet", "the English longdesc is chosen")
}

// man(1) must format the pages without a warning: lintian runs the same
// command on the installed pages.
func TestRenderedPagesFormatCleanly(t *testing.T) {
	man := testenv.NeedCmd(t, "man")
	for _, name := range []string{"simple", "promotable"} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "ocf_ocfkit_"+name+".7")
			require.NoError(t, os.WriteFile(f, render(t, filepath.Join("testdata", name+".xml")), 0o644))
			cmd := exec.Command(man, "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", f)
			cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "MANWIDTH=80", "MANROFFSEQ=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Run(), stderr.String())
			assert.Empty(t, stderr.String())

			text := exec.Command(man, "-l", f)
			text.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "MANWIDTH=80", "MANPAGER=cat", "PAGER=cat")
			out, err := text.Output()
			require.NoError(t, err)
			assert.Contains(t, string(out), "SUPPORTED PARAMETERS")
			assert.Contains(t, string(out), "pcs resource create")
		})
	}
}

func TestParseMetaDataRejects(t *testing.T) {
	for _, tc := range []struct{ name, xml, err string }{
		{"empty", "", "not OCF XML"},
		{"not xml", "usage: agent {start|stop}", "not OCF XML"},
		{"other root", `<foo name="x"/>`, "not OCF XML"},
		{"no name", `<resource-agent><shortdesc>x</shortdesc></resource-agent>`, "has no name"},
		{"path name", `<resource-agent name="../x"><shortdesc>x</shortdesc></resource-agent>`, "not a file name"},
		{"no shortdesc", `<resource-agent name="x"></resource-agent>`, "no shortdesc"},
		{"nameless parameter", `<resource-agent name="x"><shortdesc>x</shortdesc><parameters><parameter/></parameters></resource-agent>`, "parameter 1 has no name"},
		{"nameless action", `<resource-agent name="x"><shortdesc>x</shortdesc><actions><action timeout="5"/></actions></resource-agent>`, "action 1 has no name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMetaData([]byte(tc.xml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func TestEscaping(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a-b", `a\-b`},
		{`back\slash`, `back\eslash`},
		{".dot", `\&.dot`},
		{"'tick", `\&'tick`},
		{`\fB`, `\efB`},
	} {
		assert.Equal(t, tc.want, lead(esc(tc.in)), tc.in)
	}
	assert.Equal(t, `"say 'hi' \-x"`, quote(`say "hi" -x`))
}

// Whatever the meta-data says, text never becomes a roff request.
func FuzzRender(f *testing.F) {
	for _, name := range []string{"simple", "promotable"} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".xml"))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`<resource-agent name="x"><shortdesc>.so /etc/passwd</shortdesc><longdesc>
.sh evil
'br</longdesc><parameters><parameter name=".x"><content default=".y"/></parameter></parameters></resource-agent>`))
	macros := map[string]bool{".TH": true, ".nh": true, ".ad": true, ".SH": true, ".PP": true, ".TP": true,
		".IP": true, ".sp": true, ".br": true, ".RS": true, ".RE": true, ".nf": true, ".fi": true, `.\"`: true}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseMetaData(b)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		require.NoError(t, testPage.Render(&buf, a))
		for _, l := range strings.Split(buf.String(), "\n") {
			require.False(t, strings.HasPrefix(l, "'"), "line %q", l)
			if strings.HasPrefix(l, ".") {
				m, _, _ := strings.Cut(l, " ")
				require.True(t, macros[m], "unexpected request in line %q", l)
			}
		}
	})
}
