package httpd

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Env is the environment httpd runs with after the envfiles (Debian's
// /etc/apache2/envvars) are read. The heartbeat agent sources them with a
// shell; here the small shell subset such files use is evaluated in Go so
// that monitor can find the pid file without forking: assignments, export,
// unset, . / source, if/elif/else/fi over [ ] tests, and $VAR, ${VAR},
// ${VAR:-w}, ${VAR-w}, ${VAR#p}, ${VAR##p}, ${VAR%p}, ${VAR%%p}.
// The builtins umask, ulimit, echo, printf and set are understood too (see
// builtin). Anything else (command substitution, pipes, other commands) is
// an error that names the file and line, never a silent guess.
type Env struct {
	vars      map[string]string
	exported  map[string]bool
	depth     int
	allexport bool // set -a
	umask     int  // -1: none set
	limits    []Limit
	notes     []Note
}

// NewEnv starts from an environment list (KEY=VALUE), all exported.
func NewEnv(environ []string) *Env {
	e := &Env{vars: map[string]string{}, exported: map[string]bool{}, umask: -1}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			e.vars[k] = v
			e.exported[k] = true
		}
	}
	return e
}

// Set assigns and exports a variable.
func (e *Env) Set(name, value string) {
	e.vars[name] = value
	e.exported[name] = true
}

// Get returns a variable (exported or not).
func (e *Env) Get(name string) (string, bool) {
	v, ok := e.vars[name]
	return v, ok
}

// Exported is what a child sees, as a map.
func (e *Env) Exported() map[string]string {
	m := map[string]string{}
	for k, v := range e.vars {
		if e.exported[k] {
			m[k] = v
		}
	}
	return m
}

// Environ is what a child sees, sorted KEY=VALUE.
func (e *Env) Environ() []string {
	var out []string
	for k, v := range e.Exported() {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// SourceFiles reads each file that exists and is readable, in order, as
// source_envfiles does; missing files are skipped, and so is anything that
// is not a regular file (/dev/null, a directory, a fifo), which the
// anchor's [ -f "$f" ] skips silently: a note says so.
func (e *Env) SourceFiles(paths []string) error {
	for _, p := range paths {
		data, err := readRegular(p)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
				continue
			}
			if errors.Is(err, errNotRegular) {
				e.notes = append(e.notes, Note{Text: fmt.Sprintf("%s is not a regular file: skipped", p)})
				continue
			}
			return err
		}
		if err := e.Source(p, string(data)); err != nil {
			return err
		}
	}
	return nil
}

// Source evaluates the text of one file.
func (e *Env) Source(name, text string) error {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > 16 {
		return fmt.Errorf("%s: files source each other too deeply", name)
	}
	cmds, err := shellSplit(text)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = e.run(name, cmds)
	return err
}

// command is one simple command: raw words (quotes kept) and its line.
type command struct {
	words []string
	line  int
}

func (e *Env) run(file string, cmds []command) (int, error) {
	for i := 0; i < len(cmds); i++ {
		c := cmds[i]
		if c.words[0] == "if" {
			n, err := e.runIf(file, cmds[i:])
			if err != nil {
				return 0, err
			}
			i += n - 1
			continue
		}
		if err := e.simple(file, c); err != nil {
			return 0, err
		}
	}
	return len(cmds), nil
}

// runIf evaluates an if ... fi starting at cmds[0] and returns how many
// commands it spans.
func (e *Env) runIf(file string, cmds []command) (int, error) {
	type branch struct {
		cond []string // nil for else
		body []command
	}
	var branches []branch
	cur := &branch{cond: cmds[0].words[1:]}
	inCond := true
	depth := 0
	for i := 1; i < len(cmds); i++ {
		w := cmds[i].words
		if depth == 0 {
			switch w[0] {
			case "then":
				if !inCond {
					return 0, fmt.Errorf("%s:%d: unexpected then", file, cmds[i].line)
				}
				inCond = false
				continue
			case "elif", "else":
				branches = append(branches, *cur)
				cur = &branch{}
				inCond = w[0] == "elif"
				if inCond {
					cur.cond = w[1:]
				}
				continue
			case "fi":
				branches = append(branches, *cur)
				for _, b := range branches {
					ok := true
					if b.cond != nil {
						var err error
						if ok, err = e.test(b.cond); err != nil {
							return 0, fmt.Errorf("%s:%d: %w", file, cmds[0].line, err)
						}
					}
					if ok {
						_, err := e.run(file, b.body)
						return i + 1, err
					}
				}
				return i + 1, nil
			}
		}
		if inCond {
			cur.cond = append(cur.cond, w...)
			continue
		}
		switch w[0] {
		case "if":
			depth++
		case "fi":
			depth--
		}
		cur.body = append(cur.body, cmds[i])
	}
	return 0, fmt.Errorf("%s:%d: if without fi", file, cmds[0].line)
}

// isName: a shell variable name (a regexp compiled at init would cost
// every agent start a tenth of a millisecond).
func isName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '_' && !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func (e *Env) simple(file string, c command) error {
	fail := func(err error) error { return fmt.Errorf("%s:%d: %w", file, c.line, err) }
	switch c.words[0] {
	case ":", "true":
		return nil
	case "export", "unset", ".", "source":
		words, err := e.expandAll(c.words[1:])
		if err != nil {
			return fail(err)
		}
		switch c.words[0] {
		case "export":
			for _, w := range words {
				name, value, assign := strings.Cut(w, "=")
				if !isName(name) {
					return fail(fmt.Errorf("export: bad name %q", name))
				}
				if assign {
					e.vars[name] = value
				}
				e.exported[name] = true
			}
		case "unset":
			for _, n := range words {
				delete(e.vars, n)
				delete(e.exported, n)
			}
		default:
			if len(words) == 0 {
				return fail(errors.New(". needs a file name"))
			}
			data, err := readRegular(words[0])
			if err != nil {
				return fail(err)
			}
			return e.Source(words[0], string(data))
		}
		return nil
	}
	if handled, err := e.builtin(file, c); handled {
		return err
	}
	// a run of assignments NAME=value
	for _, w := range c.words {
		name, raw, ok := strings.Cut(w, "=")
		if !ok || !isName(name) {
			return fail(fmt.Errorf("unsupported shell command %q (only assignments, export, unset, ., if [ ], umask, ulimit, echo, printf and set are understood)", c.words[0]))
		}
		v, err := e.expand(raw)
		if err != nil {
			return fail(err)
		}
		e.vars[name] = v
		if e.allexport {
			e.exported[name] = true
		}
	}
	return nil
}

func (e *Env) expandAll(words []string) ([]string, error) {
	out := make([]string, 0, len(words))
	for _, w := range words {
		v, err := e.expand(w)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// test evaluates "[ ... ]" or "test ...".
func (e *Env) test(cond []string) (bool, error) {
	if len(cond) == 0 {
		return false, errors.New("empty condition")
	}
	switch cond[0] {
	case "[":
		if cond[len(cond)-1] != "]" {
			return false, errors.New("[ without ]")
		}
		cond = cond[1 : len(cond)-1]
	case "test":
		cond = cond[1:]
	case "true", ":":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, fmt.Errorf("unsupported condition %q", cond[0])
	}
	a, err := e.expandAll(cond)
	if err != nil {
		return false, err
	}
	neg := false
	if len(a) > 0 && a[0] == "!" {
		neg, a = true, a[1:]
	}
	var r bool
	switch {
	case len(a) == 1:
		r = a[0] != ""
	case len(a) == 2:
		st, serr := os.Stat(a[1])
		switch a[0] {
		case "-z":
			r = a[1] == ""
		case "-n":
			r = a[1] != ""
		case "-e", "-r":
			r = serr == nil
		case "-f":
			r = serr == nil && st.Mode().IsRegular()
		case "-d":
			r = serr == nil && st.IsDir()
		case "-x":
			r = serr == nil && st.Mode()&0o111 != 0
		default:
			return false, fmt.Errorf("unsupported test %q", a[0])
		}
	case len(a) == 3:
		switch a[1] {
		case "=", "==":
			r = a[0] == a[2]
		case "!=":
			r = a[0] != a[2]
		default:
			return false, fmt.Errorf("unsupported test operator %q", a[1])
		}
	default:
		return false, errors.New("unsupported test expression")
	}
	return r != neg, nil
}

var errNotRegular = errors.New("not a regular file")

// readRegular reads a regular file of sane size (never a device or fifo).
func readRegular(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, errNotRegular)
	}
	return readBounded(path)
}
