package deps

import "strings"

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
