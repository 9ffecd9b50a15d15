package deps

import (
	"regexp"
	"sort"
	"strings"
)

// ShellCmd is a command that a shell script runs.
type ShellCmd struct {
	Name string // as written: a name or an absolute path
	Line int    // 1-based
}

// ScanShell returns the commands in command position in a shell script:
// first words of simple commands (after assignments and redirections),
// also inside $(...), `...`, <(...), the scripts of trap and sh -c, and
// the commands after exec, env, command -v, xargs and friends. Shell
// keywords and builtins, functions the script defines and words that are
// not constant (a "$VAR", a ./relative/path) are left out. It is a reader
// for this repository's scripts, not a shell parser: what it cannot read
// it skips.
func ScanShell(src string) []ShellCmd {
	l := &shLexer{src: src, line: 1}
	l.run()
	p := &shParser{funcs: map[string]bool{}}
	p.parse(l.toks)
	cmds := append(p.cmds, l.nested...)
	var out []ShellCmd
	for _, c := range cmds {
		if !shBuiltins[c.Name] && !p.funcs[c.Name] {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

var shBuiltins = map[string]bool{}

func init() {
	for _, b := range strings.Fields(`. : [ [[ ]] alias bg bind break builtin caller cd command compgen
		complete continue declare dirs disown echo enable eval exec exit export false fc fg getopts
		hash help history jobs kill let local logout mapfile popd printf pushd pwd read readarray
		readonly return set shift shopt source suspend test times trap true type typeset ulimit
		umask unalias unset wait`) {
		shBuiltins[b] = true
	}
}

var (
	assignRe  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=`)
	cmdNameRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.+-]*|/[A-Za-z0-9_./+-]+)$`)
)

type shParser struct {
	cmds  []ShellCmd
	funcs map[string]bool
}

func (p *shParser) parse(toks []shTok) {
	cmdPos := true
	target := false   // the next word is a redirection's target
	forHead := false  // for x in ...: words up to do
	caseHead := false // case word in
	casePat := false  // patterns up to )
	caseDepth := 0
	funcName := false // function NAME
	var argv []shTok  // the simple command being read
	flush := func() {
		if len(argv) == 0 {
			return
		}
		args := make([]Arg, len(argv))
		for i, w := range argv {
			args[i] = Arg{w.s, w.lit}
		}
		for _, c := range Argv(args) {
			p.cmds = append(p.cmds, ShellCmd{c.Name, argv[0].line + c.Line - 1})
		}
		argv = nil
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tOp {
			switch t.s {
			case "redir":
				target = true
				continue
			case ";;", ";&", ";;&":
				if caseDepth > 0 {
					casePat = true
				}
			case "(":
				if casePat {
					continue
				}
			case ")":
				casePat = false
			}
			flush()
			cmdPos = true
			continue
		}
		switch {
		case target:
			target = false
			continue
		case forHead:
			if t.plain && t.s == "do" {
				forHead = false
				cmdPos = true
			}
			continue
		case caseHead:
			if t.plain && t.s == "in" {
				caseHead, casePat = false, true
			}
			continue
		case casePat:
			if t.plain && t.s == "esac" {
				caseDepth--
				casePat, cmdPos = false, false
			}
			continue
		case funcName:
			funcName = false
			p.funcs[t.s] = true
			continue
		case !cmdPos:
			argv = append(argv, t)
			continue
		}
		if t.plain {
			switch t.s {
			case "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "fi", "done", "time":
				continue
			case "esac":
				caseDepth--
				continue
			case "for", "select":
				forHead = true
				continue
			case "case":
				caseDepth++
				caseHead = true
				continue
			case "function":
				funcName = true
				continue
			}
		}
		if assignRe.MatchString(t.s) {
			continue
		}
		if t.plain && i+2 < len(toks) && toks[i+1].kind == tOp && toks[i+1].s == "(" &&
			toks[i+2].kind == tOp && toks[i+2].s == ")" {
			p.funcs[t.s] = true
			i += 2
			continue
		}
		cmdPos = false
		argv = []shTok{t}
	}
	flush()
}

// makeRecipes turns a Makefile into a shell script of its recipes, line for
// line: other lines are emptied, make's $(VAR) become a shell expansion and
// $$ a $.
func makeRecipes(src string) string {
	lines := strings.Split(src, "\n")
	out := make([]string, len(lines))
	cont := false
	for i, line := range lines {
		if !strings.HasPrefix(line, "\t") && !cont {
			continue
		}
		text := strings.TrimPrefix(line, "\t")
		if !cont {
			text = strings.TrimLeft(text, "@-+")
		}
		cont = strings.HasSuffix(text, "\\")
		out[i] = makeVars(text)
	}
	return strings.Join(out, "\n")
}

func makeVars(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(', '{':
			open, close := s[i+1], byte(')')
			if open == '{' {
				close = '}'
			}
			depth := 0
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == open {
					depth++
				} else if s[j] == close {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			b.WriteString("$MAKEVAR")
			i = j
		default:
			b.WriteString("$MAKEVAR")
			i++
		}
	}
	return b.String()
}
