package httpd

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// shellSplit cuts shell text into simple commands (split at newlines and
// ';'), keeping each word's quotes for expansion at run time.
func shellSplit(text string) ([]command, error) {
	var (
		cmds  []command
		words []string
		word  strings.Builder
		inW   bool
		line  = 1
		start = 1
	)
	endWord := func() {
		if inW {
			words = append(words, word.String())
			word.Reset()
			inW = false
		}
	}
	endCmd := func() {
		endWord()
		// "then X" and "else X" are a keyword and a command.
		if len(words) > 1 && (words[0] == "then" || words[0] == "else") {
			cmds = append(cmds, command{words: words[:1], line: start})
			words = words[1:]
		}
		if len(words) > 0 {
			cmds = append(cmds, command{words: words, line: start})
		}
		words = nil
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if len(words) == 0 && !inW {
			start = line
		}
		switch {
		case c == '\n':
			line++
			endCmd()
		case c == ';':
			endCmd()
		case c == ' ' || c == '\t' || c == '\r':
			endWord()
		case c == '#' && !inW:
			for i < len(text) && text[i] != '\n' {
				i++
			}
			i--
		case c == '\\':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
				line++
				continue
			}
			inW = true
			word.WriteByte(c)
			if i+1 < len(text) {
				i++
				word.WriteByte(text[i])
			}
		case c == '\'' || c == '"':
			inW = true
			j := i + 1
			for ; j < len(text) && text[j] != c; j++ {
				if c == '"' && text[j] == '\\' {
					j++
				}
				if j < len(text) && text[j] == '\n' {
					line++
				}
			}
			if j >= len(text) {
				return nil, fmt.Errorf("line %d: unterminated quote", line)
			}
			word.WriteString(text[i : j+1])
			i = j
		case c == '$' && i+1 < len(text) && text[i+1] == '{':
			inW = true
			j := strings.IndexByte(text[i:], '}')
			if j < 0 {
				return nil, fmt.Errorf("line %d: unterminated ${", line)
			}
			word.WriteString(text[i : i+j+1])
			i += j
		case c == '`' || c == '(' && i > 0 && text[i-1] == '$':
			return nil, fmt.Errorf("line %d: command substitution is not supported", line)
		case strings.IndexByte("&|()<>", c) >= 0:
			return nil, fmt.Errorf("line %d: unsupported shell syntax %q", line, c)
		default:
			inW = true
			word.WriteByte(c)
		}
	}
	endCmd()
	return cmds, nil
}

// expand removes quotes and expands parameters in one word.
func (e *Env) expand(raw string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\'':
			j := strings.IndexByte(raw[i+1:], '\'')
			if j < 0 {
				return "", errors.New("unterminated quote")
			}
			b.WriteString(raw[i+1 : i+1+j])
			i += j + 1
		case '"':
			j := i + 1
			for ; j < len(raw) && raw[j] != '"'; j++ {
				switch {
				case raw[j] == '\\' && j+1 < len(raw) && strings.IndexByte("$`\"\\", raw[j+1]) >= 0:
					j++
					b.WriteByte(raw[j])
				case raw[j] == '$':
					n, err := e.param(raw[j:], &b)
					if err != nil {
						return "", err
					}
					j += n - 1
				case raw[j] == '`':
					return "", errors.New("command substitution is not supported")
				default:
					b.WriteByte(raw[j])
				}
			}
			i = j
		case '\\':
			if i+1 < len(raw) {
				i++
				b.WriteByte(raw[i])
			}
		case '$':
			n, err := e.param(raw[i:], &b)
			if err != nil {
				return "", err
			}
			i += n - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// param expands the parameter at the start of s ("$..."), writes its value
// and returns how many bytes it used.
func (e *Env) param(s string, b *strings.Builder) (int, error) {
	if len(s) < 2 {
		b.WriteByte('$')
		return 1, nil
	}
	if s[1] == '(' {
		return 0, errors.New("command substitution is not supported")
	}
	if s[1] != '{' {
		n := 1
		for n < len(s) && (s[n] == '_' || isAlnum(s[n])) && !(n == 1 && s[n] >= '0' && s[n] <= '9') {
			n++
		}
		if n == 1 {
			b.WriteByte('$')
			return 1, nil
		}
		v, _ := e.Get(s[1:n])
		b.WriteString(v)
		return n, nil
	}
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return 0, errors.New("unterminated ${")
	}
	body := s[2:end]
	n := 0
	for n < len(body) && (body[n] == '_' || isAlnum(body[n])) {
		n++
	}
	name, op := body[:n], body[n:]
	if !isName(name) {
		return 0, fmt.Errorf("bad parameter ${%s}", body)
	}
	v, set := e.Get(name)
	for _, o := range []string{":-", ":=", ":+", "##", "%%", "-", "=", "+", "#", "%"} {
		if !strings.HasPrefix(op, o) {
			continue
		}
		w, err := e.expand(op[len(o):])
		if err != nil {
			return 0, err
		}
		switch o {
		case ":-", "-":
			if !set || (o == ":-" && v == "") {
				v = w
			}
		case ":=", "=":
			if !set || (o == ":=" && v == "") {
				v = w
				e.vars[name] = w
			}
		case ":+", "+":
			if set && (o == "+" || v != "") {
				v = w
			} else {
				v = ""
			}
		default:
			v = trimPattern(v, w, o)
		}
		b.WriteString(v)
		return end + 1, nil
	}
	if op != "" {
		return 0, fmt.Errorf("unsupported parameter expansion ${%s}", body)
	}
	b.WriteString(v)
	return end + 1, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// trimPattern removes the shortest (#, %) or longest (##, %%) prefix or
// suffix of v matching the shell pattern pat.
func trimPattern(v, pat, op string) string {
	re, err := regexp.Compile("^" + globRegexp(pat) + "$")
	if err != nil {
		return v
	}
	switch op {
	case "#":
		for i := 0; i <= len(v); i++ {
			if re.MatchString(v[:i]) {
				return v[i:]
			}
		}
	case "##":
		for i := len(v); i >= 0; i-- {
			if re.MatchString(v[:i]) {
				return v[i:]
			}
		}
	case "%":
		for i := len(v); i >= 0; i-- {
			if re.MatchString(v[i:]) {
				return v[:i]
			}
		}
	case "%%":
		for i := 0; i <= len(v); i++ {
			if re.MatchString(v[i:]) {
				return v[:i]
			}
		}
	}
	return v
}

func globRegexp(pat string) string {
	var b strings.Builder
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '*':
			b.WriteString("(?s:.*)")
		case '?':
			b.WriteString("(?s:.)")
		case '[':
			j := strings.IndexByte(pat[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := pat[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}
