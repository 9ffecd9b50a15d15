package deps

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func names(cmds []ShellCmd) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Name)
	}
	return out
}

func TestScanShell(t *testing.T) {
	src := `#!/bin/bash
set -euo pipefail
die() { printf '%s\n' "$*" >&2; exit 1; }
cd "$(dirname "$0")/.."      # dirname in a substitution
X=1 Y="$(uname -r)" one --flag 2>/dev/null | two && three || four
exec 9>>"$lock"
flock -w 9 9 || die "locked"
for p in alpha beta; do five "$p"; done
case $arch in
amd64 | arm64) six ;;
"*") seven ;;
esac
arr=(notacommand also) ; arr+=("$x")
cat <<END
heredoc body: notacommand
END
trap 'eight -f "$tmp"' EXIT
command -v nine >/dev/null
env A=b ten --x
find . | xargs eleven
sh -c 'twelve; thirteen'
v=` + "`fourteen`" + `
while read -r l; do :; done < <(fifteen)
"$VAR" notacommand
./local/script notacommand
/usr/sbin/sixteen arg
if ! seventeen; then eighteen; fi
echo $((1 + 2)) ${x:-notacommand}
function nineteen { twenty; }
nineteen
`
	assert.ElementsMatch(t, []string{"dirname", "uname", "one", "two", "three", "four", "flock", "five",
		"six", "seven", "cat", "eight", "nine", "env", "ten", "find", "xargs", "eleven", "sh", "twelve", "thirteen",
		"fourteen", "fifteen", "/usr/sbin/sixteen", "seventeen", "eighteen", "twenty"}, names(ScanShell(src)))
}

func TestArgv(t *testing.T) {
	k := func(words ...string) []Arg {
		var out []Arg
		for _, w := range words {
			out = append(out, Arg{w, w != "?"})
		}
		return out
	}
	for _, c := range []struct {
		argv []Arg
		want []string
	}{
		{k("nsenter", "--net=/run/netns/x", "-t", "?", "ip", "addr"), []string{"nsenter", "ip"}},
		{k("ip", "-n", "x", "netns", "exec", "?", "sysctl", "-w"), []string{"ip", "sysctl"}},
		{k("ip", "netns", "add", "x"), []string{"ip"}},
		{k("timeout", "5", "sleep", "1"), []string{"timeout", "sleep"}},
		{k("env", "-u", "X", "A=1", "corosync", "-f"), []string{"env", "corosync"}},
		{k("setpriv", "--reuid", "65534", "--clear-groups", "bash", "-c", "id; whoami"), []string{"setpriv", "bash", "id", "whoami"}},
		{k("flock", "9"), []string{"flock"}},
		{k("strace", "-f", "-o", "x", "?", "arg"), []string{"strace"}},
		{k("command", "-v", "dnf"), []string{"command", "dnf"}},
		{k("?", "ip"), nil},
	} {
		assert.Equal(t, c.want, names(Argv(c.argv)), "%v", c.argv)
	}
}

func TestScanShellLines(t *testing.T) {
	cmds := ScanShell("a\n\nb \\\n  --x\nc $(\nd)\n")
	assert.Equal(t, []ShellCmd{{"a", 1}, {"b", 3}, {"c", 5}, {"d", 6}}, cmds)
}

func TestMakeRecipes(t *testing.T) {
	src := "GO ?= go\n" +
		"lint:\n" +
		"\t@fmt=$$(gofmt -l $$(git ls-files '*.go')); \\\n" +
		"\tif [ -n \"$$fmt\" ]; then echo x; fi\n" +
		"\t$(GO) vet ./...\n" +
		"install: $(addprefix bin/,$(AGENTS))\n" +
		"\tinstall -m 0755 $(addprefix bin/,$(AGENTS)) $(DESTDIR)/x\n"
	assert.Equal(t, []ShellCmd{{"gofmt", 3}, {"git", 3}, {"install", 7}}, ScanShell(makeRecipes(src)))
}

func TestScanGo(t *testing.T) {
	uses, err := Scan("testdata/scan")
	if !assert.NoError(t, err) {
		return
	}
	assert.Equal(t, []string{"/usr/lib/ocf/resource.d/heartbeat/Dummy", "/usr/sbin/hotel", "alpha", "bravo",
		"charlie", "delta", "env", "foxtrot", "golf", "india", "ip", "juliet", "kilo", "lima", "mike",
		"november", "nsenter", "oscar", "papa", "quebec", "romeo", "sh", "unshare"}, uses.Sorted(),
		"an agent's action (start, stop, monitor) is no command")
	assert.Equal(t, []string{"main.go:15"}, uses["bravo"], "where the constant is given to the helper")
	assert.Equal(t, []string{"run:2"}, uses["kilo"])
}
