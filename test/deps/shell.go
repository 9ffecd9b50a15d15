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

const (
	tWord = iota
	tOp
)

type shTok struct {
	kind  int
	s     string // a word without its quotes, or the operator
	plain bool   // a word with no quotes, escapes or expansions
	lit   bool   // a word with no expansions: its value is s
	line  int
}

type shLexer struct {
	src      string
	i        int
	line     int
	toks     []shTok
	nested   []ShellCmd // from $(...), `...` and <(...)
	heredoc  bool       // the next word ends a here-document
	pending  []string   // here-document delimiters, read at the next newline
	wordLine int
}

func isOpChar(c byte) bool {
	return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>' ||
		c == '\n' || c == ' ' || c == '\t'
}

func (l *shLexer) run() {
	for l.i < len(l.src) {
		c := l.src[l.i]
		rest := l.src[l.i:]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			l.i++
		case strings.HasPrefix(rest, "\\\n"):
			l.i += 2
			l.line++
		case c == '\n':
			l.toks = append(l.toks, shTok{kind: tOp, s: "\n", line: l.line})
			l.i++
			l.line++
			l.skipHeredocs()
		case c == '#':
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.i++
			}
		case strings.HasPrefix(rest, "<(") || strings.HasPrefix(rest, ">("):
			l.i += 2
			l.subst(')')
			l.toks = append(l.toks, shTok{kind: tWord, s: "$", line: l.line})
		case c == '<' || c == '>' || strings.HasPrefix(rest, "&>"):
			l.redir()
		default:
			if op := shOp(rest); op != "" {
				l.toks = append(l.toks, shTok{kind: tOp, s: op, line: l.line})
				l.i += len(op)
				continue
			}
			l.word()
		}
	}
}

func shOp(s string) string {
	for _, op := range []string{";;&", ";;", ";&", "&&", "||", ";", "&", "|", "(", ")"} {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	return ""
}

func (l *shLexer) redir() {
	for _, op := range []string{"&>>", "&>", "<<<", "<<-", "<<", "<&", "<>", "<", ">>", ">&", ">|", ">"} {
		if strings.HasPrefix(l.src[l.i:], op) {
			l.i += len(op)
			l.heredoc = op == "<<" || op == "<<-"
			l.toks = append(l.toks, shTok{kind: tOp, s: "redir", line: l.line})
			return
		}
	}
}

func (l *shLexer) skipHeredocs() {
	for _, delim := range l.pending {
		for l.i < len(l.src) {
			end := strings.IndexByte(l.src[l.i:], '\n')
			var text string
			if end < 0 {
				text, l.i = l.src[l.i:], len(l.src)
			} else {
				text, l.i = l.src[l.i:l.i+end], l.i+end+1
				l.line++
			}
			if strings.TrimLeft(text, "\t") == delim {
				break
			}
		}
	}
	l.pending = nil
}

func (l *shLexer) word() {
	var b strings.Builder
	plain, lit := true, true
	line := l.line
	for l.i < len(l.src) {
		c := l.src[l.i]
		if isOpChar(c) {
			// 2>&1, 9>>file: the digits belong to the redirection.
			if (c == '<' || c == '>') && b.Len() > 0 && plain && strings.Trim(b.String(), "0123456789") == "" {
				return
			}
			// a=(x y) and a+=(x): an array, not a subshell.
			if c == '(' && strings.HasSuffix(b.String(), "=") {
				l.i++
				l.matching(')')
				plain, lit = false, false
				continue
			}
			break
		}
		switch c {
		case '\'':
			end := strings.IndexByte(l.src[l.i+1:], '\'')
			if end < 0 {
				end = len(l.src) - l.i - 1
			}
			text := l.src[l.i+1 : l.i+1+end]
			b.WriteString(text)
			l.line += strings.Count(text, "\n")
			l.i += end + 2
			plain = false
		case '"':
			l.i++
			if l.dquote(&b) {
				lit = false
			}
			plain = false
		case '\\':
			if l.i+1 < len(l.src) {
				b.WriteByte(l.src[l.i+1])
			}
			l.i += 2
			plain = false
		case '$':
			l.dollar(&b)
			plain, lit = false, false
		case '`':
			l.i++
			l.subst('`')
			b.WriteByte('$')
			plain, lit = false, false
		default:
			b.WriteByte(c)
			l.i++
		}
	}
	if l.heredoc {
		l.heredoc = false
		l.pending = append(l.pending, b.String())
	}
	l.toks = append(l.toks, shTok{kind: tWord, s: b.String(), plain: plain, lit: lit, line: line})
}

// dquote reads a double-quoted string and reports whether it expands
// something.
func (l *shLexer) dquote(b *strings.Builder) (expands bool) {
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch c {
		case '"':
			l.i++
			return expands
		case '\\':
			if l.i+1 < len(l.src) {
				b.WriteByte(l.src[l.i+1])
			}
			l.i += 2
		case '$':
			l.dollar(b)
			expands = true
		case '`':
			l.i++
			l.subst('`')
			b.WriteByte('$')
			expands = true
		default:
			if c == '\n' {
				l.line++
			}
			b.WriteByte(c)
			l.i++
		}
	}
	return expands
}

// dollar reads an expansion at l.i ('$'): $((...)) and ${...} are skipped,
// $(...) is scanned for the commands it runs.
func (l *shLexer) dollar(b *strings.Builder) {
	rest := l.src[l.i:]
	b.WriteByte('$')
	switch {
	case strings.HasPrefix(rest, "$(("):
		l.i += 3
		l.matching(')')
		if l.i < len(l.src) && l.src[l.i] == ')' {
			l.i++
		}
	case strings.HasPrefix(rest, "$("):
		l.i += 2
		l.subst(')')
	case strings.HasPrefix(rest, "${"):
		l.i += 2
		l.matching('}')
	default:
		l.i++
	}
}

// subst scans the text up to the closing character as a script of its own.
func (l *shLexer) subst(close byte) {
	start, line := l.i, l.line
	if close == '`' {
		end := strings.IndexByte(l.src[l.i:], '`')
		if end < 0 {
			end = len(l.src) - l.i
		}
		l.i += end + 1
	} else {
		l.matching(close)
	}
	inner := l.src[start:min(max(l.i-1, start), len(l.src))]
	for _, c := range ScanShell(inner) {
		l.nested = append(l.nested, ShellCmd{c.Name, line + c.Line - 1})
	}
}

// matching moves past the close that ends what started just before l.i,
// counting nested ( ) or { } and skipping quoted text.
func (l *shLexer) matching(close byte) {
	open := byte('(')
	if close == '}' {
		open = '{'
	}
	depth := 1
	for l.i < len(l.src) {
		c := l.src[l.i]
		l.i++
		switch c {
		case '\n':
			l.line++
		case '\\':
			l.i++
		case '\'':
			if close == ')' {
				end := strings.IndexByte(l.src[l.i:], '\'')
				if end < 0 {
					end = len(l.src) - l.i - 1
				}
				l.line += strings.Count(l.src[l.i:l.i+end], "\n")
				l.i += end + 1
			}
		case '"':
			for l.i < len(l.src) && l.src[l.i] != '"' {
				if l.src[l.i] == '\\' {
					l.i++
				} else if l.src[l.i] == '\n' {
					l.line++
				}
				l.i++
			}
			l.i++
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return
			}
		}
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
