package httpd

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"strings"
)

// Matcher is a heartbeat testregex: an extended regular expression matched
// case-insensitively against each line of a page, like grep -Ei.
//
// A status page is tens of kilobytes and the default expression
// (</ *html *>) has no literal prefix once case-insensitive, so Go's
// regexp would walk every byte with its NFA (half a millisecond, most of a
// monitor's own work). Like grep, the matcher first looks for a literal
// that every match must contain and runs the expression only on the lines
// that have it.
type Matcher struct {
	re   *regexp.Regexp
	lit  []byte // required literal, lower case when fold; nil: none usable
	fold bool
}

// CompileRegex compiles a testregex.
func CompileRegex(expr string) (*Matcher, error) {
	re, err := regexp.Compile("(?im)" + expr)
	if err != nil {
		return nil, err
	}
	m := &Matcher{re: re}
	if tree, err := syntax.Parse("(?im)"+expr, syntax.Perl); err == nil {
		m.lit, m.fold = requiredLiteral(tree.Simplify())
	}
	return m, nil
}

// String is the expression as the user wrote it.
func (m *Matcher) String() string { return strings.TrimPrefix(m.re.String(), "(?im)") }

// Match reports whether any line of body matches.
func (m *Matcher) Match(body []byte) bool {
	if m.lit == nil {
		for len(body) > 0 {
			line, rest, _ := bytes.Cut(body, []byte{'\n'})
			if m.re.Match(line) {
				return true
			}
			body = rest
		}
		return false
	}
	hay := body
	if m.fold {
		hay = asciiLower(body)
	}
	for off := 0; off < len(hay); {
		i := bytes.Index(hay[off:], m.lit)
		if i < 0 {
			return false
		}
		i += off
		start := bytes.LastIndexByte(body[:i], '\n') + 1
		end := bytes.IndexByte(body[i:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += i
		}
		if m.re.Match(body[start:end]) {
			return true
		}
		off = end + 1
	}
	return false
}

// requiredLiteral finds the longest literal that every match contains:
// a literal at the top or among the parts of a top-level concatenation.
// Only ASCII literals without k or s qualify when case-folded: lowering
// ASCII keeps byte offsets, and k and s are the ASCII letters that Unicode
// folds with other characters (K, ſ), which a byte search would miss.
func requiredLiteral(re *syntax.Regexp) ([]byte, bool) {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	cands := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		cands = re.Sub
	}
	var best []byte
	bestFold := false
	for _, c := range cands {
		for c.Op == syntax.OpCapture {
			c = c.Sub[0]
		}
		if c.Op != syntax.OpLiteral {
			continue
		}
		fold := c.Flags&syntax.FoldCase != 0
		lit, ok := literalBytes(c.Rune, fold)
		if ok && len(lit) > len(best) {
			best, bestFold = lit, fold
		}
	}
	if len(best) < 2 {
		return nil, false
	}
	return best, bestFold
}

func literalBytes(runes []rune, fold bool) ([]byte, bool) {
	var b []byte
	for _, r := range runes {
		if !fold {
			b = append(b, string(r)...)
			continue
		}
		if r >= 0x80 || r == '\n' {
			return nil, false
		}
		c := byte(r)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c == 'k' || c == 's' {
			return nil, false
		}
		b = append(b, c)
	}
	for _, c := range b {
		if c == '\n' {
			return nil, false
		}
	}
	return b, true
}

func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}
