package httpd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Config is what the agent needs to know from an httpd configuration.
type Config struct {
	File       string // the main configuration file
	ServerRoot string // the last ServerRoot, or the compiled-in default
	PidFile    string // the last PidFile, absolute; "" when the config sets none
	Listen     Listen // the first Listen directive (what the heartbeat agent probes)
	Port       string // the last Port directive (Apache 1.x), "" when none
	StatusPath string // the last <Location> handled by server-status, "" when none
	Files      []string
	// ErrorLog is the server's error log file, absolute; "" when it goes
	// to a pipe or syslog (then httpd's early errors are on stderr).
	ErrorLog string
	// Modules are the modules LoadModule loads, by name (status_module).
	// Empty for a build with its modules compiled in, where a module's
	// absence cannot be told from the configuration.
	Modules map[string]bool
}

// StatusModuleMissing reports whether the configuration loads modules but
// not mod_status, so that its server-status handler answers 404.
func (c *Config) StatusModuleMissing() bool {
	return len(c.Modules) > 0 && !c.Modules["status_module"]
}

// Listen is one Listen directive: "[addr:]port" and an optional protocol.
type Listen struct {
	Addr  string
	Proto string
}

// ParseOptions tell the parser what httpd would know when it reads the file.
type ParseOptions struct {
	ServerRoot string            // compiled-in default, used until a ServerRoot directive
	Env        map[string]string // the environment httpd runs with, for ${VAR}
	Defines    []string          // -D names given on the command line

	readFile func(string) ([]byte, error)
	glob     func(string) ([]string, error)
	stat     func(string) (fs.FileInfo, error)
	readDir  func(string) ([]fs.DirEntry, error)
}

// Bounds that keep a hostile or looping configuration from hanging an
// action: httpd itself refuses more than 128 nested includes.
const (
	maxIncludeDepth = 128
	maxFiles        = 4096
	maxFileBytes    = 16 << 20
)

// ErrTooDeep is returned for include loops and absurd nesting.
var ErrTooDeep = errors.New("includes nested too deeply (an include loop?)")

// ParseConfig reads the configuration file at path and everything it
// includes. Only a main file that cannot be read is an error: a missing
// optional include is for httpd to judge when it starts.
func ParseConfig(path string, opt ParseOptions) (*Config, error) {
	if opt.readFile == nil {
		opt.readFile = readBounded
	}
	if opt.glob == nil {
		opt.glob = filepath.Glob
	}
	if opt.stat == nil {
		opt.stat = os.Stat
	}
	if opt.readDir == nil {
		opt.readDir = os.ReadDir
	}
	p := &parser{opt: opt, defines: map[string]string{}, root: opt.ServerRoot}
	for _, d := range opt.Defines {
		p.defines[d] = ""
	}
	data, err := opt.readFile(path)
	if err != nil {
		return nil, err
	}
	p.cfg.File = path
	if err := p.file(path, data, 0); err != nil {
		return nil, err
	}
	p.cfg.ServerRoot = p.root
	if p.pidFile != "" {
		p.cfg.PidFile = p.pidFile
		if !filepath.IsAbs(p.pidFile) {
			p.cfg.PidFile = filepath.Join(p.root, p.pidFile)
		}
	}
	switch l := p.errorLog; {
	case l == "", strings.HasPrefix(l, "|"), strings.HasPrefix(l, "syslog"):
	case filepath.IsAbs(l):
		p.cfg.ErrorLog = l
	default:
		p.cfg.ErrorLog = filepath.Join(p.root, l)
	}
	return &p.cfg, nil
}

func readBounded(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxFileBytes)
	}
	return os.ReadFile(path)
}

type parser struct {
	opt       ParseOptions
	cfg       Config
	defines   map[string]string
	root      string
	pidFile   string
	errorLog  string
	seenListn bool
}

func inVirtualHost(stack []section) bool {
	for _, s := range stack {
		if s.name == "virtualhost" {
			return true
		}
	}
	return false
}

// section is one open <Tag args> block.
type section struct {
	name   string
	skip   bool   // a false <IfDefine>: httpd ignores everything inside
	target string // the path of a <Location>
}

func (p *parser) file(name string, data []byte, depth int) error {
	if depth > maxIncludeDepth {
		return ErrTooDeep
	}
	if len(p.cfg.Files) >= maxFiles {
		return fmt.Errorf("more than %d configuration files", maxFiles)
	}
	p.cfg.Files = append(p.cfg.Files, name)
	var stack []section
	for _, line := range logicalLines(string(data)) {
		line = p.substitute(line)
		word, rest := splitWord(line)
		if word == "" {
			continue
		}
		lw := strings.ToLower(word)
		if strings.HasPrefix(lw, "</") {
			if n := len(stack); n > 0 {
				stack = stack[:n-1]
			}
			continue
		}
		skipping := len(stack) > 0 && stack[len(stack)-1].skip
		if strings.HasPrefix(lw, "<") {
			stack = append(stack, p.open(lw[1:], rest, skipping))
			continue
		}
		if skipping {
			continue
		}
		if err := p.directive(lw, args(rest), stack, depth); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) open(name, rest string, skipping bool) section {
	if i := strings.LastIndexByte(rest, '>'); i >= 0 {
		rest = rest[:i]
	}
	s := section{name: name, skip: skipping}
	a := args(rest)
	switch name {
	case "ifdefine":
		if len(a) > 0 && !skipping {
			neg := strings.HasPrefix(a[0], "!")
			_, defined := p.defines[strings.TrimPrefix(a[0], "!")]
			s.skip = defined == neg
		}
	case "location":
		if len(a) > 0 {
			s.target = a[0]
		}
	}
	return s
}

func (p *parser) directive(name string, a []string, stack []section, depth int) error {
	switch name {
	case "serverroot":
		if len(a) > 0 {
			p.root = a[0]
		}
	case "pidfile":
		if len(a) > 0 {
			p.pidFile = a[0]
		}
	case "listen":
		if len(a) > 0 && !p.seenListn {
			p.seenListn = true
			p.cfg.Listen = Listen{Addr: a[0]}
			if len(a) > 1 {
				p.cfg.Listen.Proto = strings.ToLower(a[1])
			}
		}
	case "errorlog":
		// The server's own, not a virtual host's (which httpd opens too,
		// but reports its start-up failures in the main one).
		if len(a) > 0 && !inVirtualHost(stack) {
			p.errorLog = a[0]
		}
	case "loadmodule":
		if len(a) > 0 {
			if p.cfg.Modules == nil {
				p.cfg.Modules = map[string]bool{}
			}
			p.cfg.Modules[a[0]] = true
		}
	case "port":
		if len(a) > 0 {
			p.cfg.Port = a[0]
		}
	case "define":
		if len(a) > 0 {
			v := ""
			if len(a) > 1 {
				v = a[1]
			}
			p.defines[a[0]] = v
		}
	case "undefine":
		if len(a) > 0 {
			delete(p.defines, a[0])
		}
	case "sethandler":
		if len(a) > 0 && strings.EqualFold(a[0], "server-status") {
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == "location" && stack[i].target != "" {
					p.cfg.StatusPath = stack[i].target
					break
				}
			}
		}
	case "include", "includeoptional":
		for _, pattern := range a {
			if err := p.include(pattern, depth); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *parser) include(pattern string, depth int) error {
	if !filepath.IsAbs(pattern) {
		pattern = filepath.Join(p.root, pattern)
	}
	var files []string
	if strings.ContainsAny(pattern, "*?[") {
		matches, err := p.opt.glob(pattern)
		if err != nil {
			return nil // a malformed pattern is for httpd to report
		}
		for _, m := range matches {
			if st, err := p.opt.stat(m); err == nil && st.Mode().IsRegular() {
				files = append(files, m)
			}
		}
	} else {
		files = p.tree(pattern, depth)
	}
	for _, f := range files {
		data, err := p.opt.readFile(f)
		if err != nil {
			continue
		}
		if err := p.file(f, data, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// tree is a file, or every file under a directory in name order, as httpd
// reads an included directory.
func (p *parser) tree(path string, depth int) []string {
	st, err := p.opt.stat(path)
	if err != nil {
		return nil
	}
	if !st.IsDir() {
		return []string{path}
	}
	if depth > maxIncludeDepth {
		return nil
	}
	entries, err := p.opt.readDir(path)
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		out = append(out, p.tree(filepath.Join(path, n), depth+1)...)
		if len(out) > maxFiles {
			break
		}
	}
	return out
}

// substitute replaces ${NAME} by a Define or an environment value, once,
// as httpd does; an unknown name stays as written.
func (p *parser) substitute(line string) string {
	if !strings.Contains(line, "${") {
		return line
	}
	var b strings.Builder
	for {
		i := strings.Index(line, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(line[i+2:], '}')
		if j < 0 {
			break
		}
		name := line[i+2 : i+2+j]
		b.WriteString(line[:i])
		if v, ok := p.defines[name]; ok {
			b.WriteString(v)
		} else if v, ok := p.opt.Env[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(line[i : i+3+j])
		}
		line = line[i+3+j:]
	}
	b.WriteString(line)
	return b.String()
}

// logicalLines joins backslash continuations and drops comments and blank
// lines.
func logicalLines(text string) []string {
	var out []string
	var cur strings.Builder
	for _, raw := range strings.Split(text, "\n") {
		raw = strings.TrimRight(raw, " \t\r")
		if strings.HasSuffix(raw, "\\") {
			cur.WriteString(raw[:len(raw)-1])
			continue
		}
		cur.WriteString(raw)
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" || line[0] == '#' {
			continue
		}
		out = append(out, line)
	}
	if line := strings.TrimSpace(cur.String()); line != "" && line[0] != '#' {
		out = append(out, line)
	}
	return out
}

func splitWord(line string) (string, string) {
	line = strings.TrimSpace(line)
	i := strings.IndexAny(line, " \t")
	if i < 0 {
		return line, ""
	}
	return line[:i], strings.TrimSpace(line[i+1:])
}

// args splits directive arguments like httpd's ap_getword_conf: words
// separated by blanks, single or double quotes group, a backslash escapes
// the quote inside a quoted word.
func args(s string) []string {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out
		}
		q := s[0]
		if q != '"' && q != '\'' {
			i := strings.IndexAny(s, " \t")
			if i < 0 {
				return append(out, s)
			}
			out = append(out, s[:i])
			s = s[i:]
			continue
		}
		var b strings.Builder
		i := 1
		for ; i < len(s) && s[i] != q; i++ {
			if s[i] == '\\' && i+1 < len(s) && s[i+1] == q {
				i++
			}
			b.WriteByte(s[i])
		}
		out = append(out, b.String())
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
}

// SplitArgs splits a command line the way httpd splits directive
// arguments: at blanks, with quotes keeping words together.
func SplitArgs(s string) []string { return args(s) }

// Defines are the -D names in httpd arguments ("-D NAME" or "-DNAME").
func Defines(argv []string) []string {
	var out []string
	for i := 0; i < len(argv); i++ {
		switch a := argv[i]; {
		case a == "-D" && i+1 < len(argv):
			out = append(out, argv[i+1])
			i++
		case strings.HasPrefix(a, "-D") && len(a) > 2:
			out = append(out, a[2:])
		}
	}
	return out
}
