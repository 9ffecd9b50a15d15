// Package deps finds the external commands that ocfkit's code, tests and
// scripts run, and checks that a package of test/packages.txt provides each
// one: a package missing from the list (or a new command nobody listed) is
// a failure on any Debian machine, also on one that happens to have it.
//
// Nothing here is a list of commands kept by hand. The Go scan follows the
// code: every call of exec.Command, exec.CommandContext and exec.LookPath,
// and every function of the repository that passes one of its parameters on
// to such a call (mount's run, cluster's Run, testenv.NeedCmd, ...), is a
// sink; the string constants that reach a sink's command argument are the
// commands, with what they run in turn (sh -c, nsenter, ip netns exec, env:
// see Argv). The shell scan reads scripts, .ci/run and the Makefile's
// recipes for the commands in command position.
package deps

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Module is the import path prefix of the repository's packages.
const Module = "github.com/ocfkit/ocfkit"

// Uses maps a command (a name, or an absolute path) to where the code uses
// it ("file:line", relative to the repository).
type Uses map[string][]string

func (u Uses) add(cmd, where string) {
	for _, w := range u[cmd] {
		if w == where {
			return
		}
	}
	u[cmd] = append(u[cmd], where)
}

// Sorted returns the commands in order.
func (u Uses) Sorted() []string {
	out := make([]string, 0, len(u))
	for c := range u {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Absolute paths in string constants that name something a package
// installs: programs, the installed anchors of the agents, and the schemas
// the tests validate meta-data against. The repository's own agents
// (resource.d/ocfkit) are what the tests build.
var pathRe = regexp.MustCompile(`^(/(usr/)?(local/)?s?bin/[A-Za-z0-9_.+-]+|/usr/lib/ocf/resource\.d/[A-Za-z0-9_.-]+/[A-Za-z0-9_.+-]+|/usr/share/(resource-agents|fence|cluster)/[^\s]+)$`)

// Scan finds the commands used under root: Go sources, shell scripts
// (*.sh and files with a shell #! line) and the Makefile's recipes.
// Directories named testdata, vendor and dot-directories other than .ci are
// left out.
func Scan(root string) (Uses, error) {
	uses := Uses{}
	var goFiles, shFiles []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// test/deps itself: its constants are the scanner's data,
			// and dpkg-query, which it runs, is Essential.
			rel, _ := filepath.Rel(root, p)
			if p != root && (name == "testdata" || name == "vendor" || name == "bin" || name == "dist" ||
				(strings.HasPrefix(name, ".") && name != ".ci") || filepath.ToSlash(rel) == "test/deps") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".go"):
			goFiles = append(goFiles, p)
		case strings.HasSuffix(name, ".sh") || name == "Makefile" || isShellScript(p):
			shFiles = append(shFiles, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ours, err := scanGo(root, goFiles, uses)
	if err != nil {
		return nil, err
	}
	for _, f := range shFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, f)
		src := string(b)
		if filepath.Base(f) == "Makefile" {
			src = makeRecipes(src)
		}
		for _, c := range ScanShell(src) {
			uses.add(c.Name, rel+":"+strconv.Itoa(c.Line))
		}
	}
	for cmd := range uses {
		dir, name := path.Split(cmd)
		switch {
		// The repository's own programs: the tests build them, and
		// under /usr/sbin (the fence agents) they are what the package
		// installs, not a dependency. The OCF agents (agents/) install
		// elsewhere; /usr/sbin/apache is someone else's.
		case dir == "" && ours[name] != "", binDir[dir] && ours[name] != "" && ours[name] != "agents":
			delete(uses, cmd)
		// A program the test made (a memfd, a temporary file): no
		// package has it.
		case strings.HasPrefix(cmd, "/") && !packagePath.MatchString(cmd):
			delete(uses, cmd)
		}
	}
	return uses, nil
}

var (
	binDir      = map[string]bool{"/usr/sbin/": true, "/usr/bin/": true, "/sbin/": true, "/bin/": true}
	packagePath = regexp.MustCompile(`^/(usr|bin|sbin|lib|lib64|etc|opt)/`)
)

func isShellScript(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 64)
	n, _ := f.Read(b)
	first, _, _ := strings.Cut(string(b[:n]), "\n")
	return strings.HasPrefix(first, "#!") &&
		(strings.HasSuffix(first, "/sh") || strings.HasSuffix(first, "bash") || strings.Contains(first, "/sh "))
}

// goFile is one parsed file with its imports (local name → import path).
type goFile struct {
	rel     string
	ast     *ast.File
	imports map[string]string
}

// goPkg is the files of one directory.
type goPkg struct {
	dir    string // relative to the repository, "." for the top
	files  []*goFile
	funcs  map[string][]*ast.FuncDecl
	values map[string]valueRef // package-level constants and variables
}

type valueRef struct {
	expr ast.Expr
	file *goFile
}

// sink is a function that runs (or looks up) the command in one of its
// arguments. dir is the package's directory, or the import path for the
// standard library.
type sink struct {
	dir    string
	name   string
	method bool
}

type goScan struct {
	fset  *token.FileSet
	pkgs  map[string]*goPkg
	sinks map[sink]int // → index of the command argument
	uses  Uses
}

// scanGo adds the commands of the Go files to uses and returns the names of
// the repository's main packages (their directories' names) with the top
// directory they are in.
func scanGo(root string, files []string, uses Uses) (map[string]string, error) {
	s := &goScan{fset: token.NewFileSet(), pkgs: map[string]*goPkg{}, uses: uses, sinks: map[sink]int{
		{"os/exec", "Command", false}:        0,
		{"os/exec", "CommandContext", false}: 1,
		{"os/exec", "LookPath", false}:       0,
		// Not a command but a file a test needs from a package; its
		// argument flows to os.Stat, which is no sink.
		{"test/testenv", "NeedFile", false}: 1,
	}}
	for _, f := range files {
		af, err := parser.ParseFile(s.fset, f, nil, 0)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(root, f)
		dir := filepath.ToSlash(filepath.Dir(rel))
		pkg := s.pkgs[dir]
		if pkg == nil {
			pkg = &goPkg{dir: dir, funcs: map[string][]*ast.FuncDecl{}, values: map[string]valueRef{}}
			s.pkgs[dir] = pkg
		}
		gf := &goFile{rel: filepath.ToSlash(rel), ast: af, imports: map[string]string{}}
		for _, im := range af.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			name := path.Base(p)
			if im.Name != nil {
				name = im.Name.Name
			}
			if rest, ok := strings.CutPrefix(p, Module+"/"); ok {
				p = rest
			}
			gf.imports[name] = p
		}
		pkg.files = append(pkg.files, gf)
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				pkg.funcs[d.Name.Name] = append(pkg.funcs[d.Name.Name], d)
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for i, n := range vs.Names {
							if i < len(vs.Values) {
								pkg.values[n.Name] = valueRef{vs.Values[i], gf}
							}
						}
					}
				}
			}
		}
	}
	s.findSinks()
	s.collect()
	ours := map[string]string{}
	for dir, pkg := range s.pkgs {
		for _, f := range pkg.files {
			if f.ast.Name.Name == "main" {
				abs, _ := filepath.Abs(filepath.Join(root, dir))
				top, _, _ := strings.Cut(dir, "/")
				ours[filepath.Base(abs)] = top
			}
		}
	}
	return ours, nil
}

// findSinks adds, until nothing changes, every function that passes one of
// its own parameters as the command argument of a known sink.
func (s *goScan) findSinks() {
	for changed := true; changed; {
		changed = false
		for _, pkg := range s.pkgs {
			for _, f := range pkg.files {
				for _, d := range f.ast.Decls {
					fd, ok := d.(*ast.FuncDecl)
					if !ok || fd.Body == nil {
						continue
					}
					self := sink{pkg.dir, fd.Name.Name, fd.Recv != nil}
					if _, known := s.sinks[self]; known {
						continue
					}
					params := map[*ast.Field]map[string]int{}
					i := 0
					for _, fl := range fd.Type.Params.List {
						params[fl] = map[string]int{}
						if len(fl.Names) == 0 {
							i++
						}
						for _, n := range fl.Names {
							params[fl][n.Name] = i
							i++
						}
					}
					ast.Inspect(fd.Body, func(n ast.Node) bool {
						call, ok := n.(*ast.CallExpr)
						if !ok {
							return true
						}
						for _, k := range s.callee(pkg, f, call) {
							idx, ok := s.sinks[k]
							if !ok || idx >= len(call.Args) {
								continue
							}
							id, ok := call.Args[idx].(*ast.Ident)
							if !ok || id.Obj == nil {
								continue
							}
							if fl, ok := id.Obj.Decl.(*ast.Field); ok {
								if pi, ok := params[fl][id.Name]; ok {
									s.sinks[self] = pi
									changed = true
									return false
								}
							}
						}
						return true
					})
				}
			}
		}
	}
}

// callee names the functions a call may reach. A method is known by its
// name: in its own package when unexported, in any package when exported
// (the scan has no types; an exported method name shared by two sinks
// counts for both).
func (s *goScan) callee(pkg *goPkg, f *goFile, call *ast.CallExpr) []sink {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return []sink{{pkg.dir, fn.Name, false}}
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok && x.Obj == nil {
			if p, ok := f.imports[x.Name]; ok {
				return []sink{{p, fn.Sel.Name, false}}
			}
		}
		name := fn.Sel.Name
		if !ast.IsExported(name) {
			return []sink{{pkg.dir, name, true}}
		}
		var out []sink
		for dir := range s.pkgs {
			out = append(out, sink{dir, name, true})
		}
		return out
	}
	return nil
}

// collect records the constant commands that reach a sink, the scripts of
// sh -c, and the absolute paths of installed files in string constants.
func (s *goScan) collect() {
	for _, pkg := range s.pkgs {
		for _, f := range pkg.files {
			// A test's inputs hold paths that nothing runs (a fake
			// binary name, a parameter to refuse): in a test file only
			// package-level constants and variables count, besides
			// what reaches a sink.
			test := strings.HasSuffix(f.rel, "_test.go")
			for _, d := range f.ast.Decls {
				if g, ok := d.(*ast.GenDecl); ok && test {
					ast.Inspect(g, s.pathLiteral(f))
				}
			}
			ast.Inspect(f.ast, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if !test {
						s.pathLiteral(f)(n)
					}
				case *ast.CallExpr:
					s.collectCall(pkg, f, n)
				}
				return true
			})
		}
	}
}

// pathLiteral records a string literal that is the absolute path of a
// program or file that a package installs.
func (s *goScan) pathLiteral(f *goFile) func(ast.Node) bool {
	return func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		if v, err := strconv.Unquote(lit.Value); err == nil && pathRe.MatchString(v) &&
			!strings.HasPrefix(v, "/usr/lib/ocf/resource.d/ocfkit/") {
			s.uses.add(v, s.where(f, lit))
		}
		return true
	}
}

func (s *goScan) collectCall(pkg *goPkg, f *goFile, call *ast.CallExpr) {
	line := s.fset.Position(call.Pos()).Line
	for _, k := range s.callee(pkg, f, call) {
		idx, ok := s.sinks[k]
		if !ok || idx >= len(call.Args) {
			continue
		}
		// The words after the command, where they are constants: what a
		// wrapper (nsenter, ip netns exec, env) or sh -c runs.
		var rest []Arg
		for i, a := range call.Args[idx+1:] {
			if call.Ellipsis.IsValid() && i == len(call.Args)-idx-2 {
				break // args...: words unknown, and how many
			}
			if v := s.eval(pkg, f, a, 0); len(v) == 1 {
				rest = append(rest, Arg{v[0], true})
			} else {
				rest = append(rest, Arg{})
			}
		}
		for _, cmd := range s.eval(pkg, f, call.Args[idx], 0) {
			// A relative path is one of the repository's scripts.
			if cmd == "" || (!filepath.IsAbs(cmd) && strings.Contains(cmd, "/")) {
				continue
			}
			if k.dir == "test/testenv" && k.name == "NeedFile" || !cmdNameRe.MatchString(cmd) {
				s.uses.add(cmd, f.rel+":"+strconv.Itoa(line))
				continue
			}
			for _, c := range Argv(append([]Arg{{cmd, true}}, rest...)) {
				if !shBuiltins[c.Name] {
					s.uses.add(c.Name, f.rel+":"+strconv.Itoa(line+c.Line-1))
				}
			}
		}
	}
}

func (s *goScan) where(f *goFile, n ast.Node) string {
	return f.rel + ":" + strconv.Itoa(s.fset.Position(n.Pos()).Line)
}

// eval returns the constant strings e can hold, as far as a look at the
// syntax tells: literals, constants and variables set from literals, range
// variables over literal lists, concatenations and filepath.Join of those,
// and the literal results of a function of the repository. Anything else
// (a parameter, a computed value) gives nothing.
func (s *goScan) eval(pkg *goPkg, f *goFile, e ast.Expr, depth int) []string {
	if depth > 8 {
		return nil
	}
	depth++
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			if v, err := strconv.Unquote(e.Value); err == nil {
				return []string{v}
			}
		}
	case *ast.ParenExpr:
		return s.eval(pkg, f, e.X, depth)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return product(s.eval(pkg, f, e.X, depth), s.eval(pkg, f, e.Y, depth), func(a, b string) string { return a + b })
		}
	case *ast.Ident:
		return s.evalIdent(pkg, f, e, depth)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Obj == nil {
			if p, ok := f.imports[x.Name]; ok {
				if other := s.pkgs[p]; other != nil {
					if v, ok := other.values[e.Sel.Name]; ok {
						return s.eval(other, v.file, v.expr, depth)
					}
				}
			}
		}
	case *ast.CallExpr:
		return s.evalCall(pkg, f, e, depth)
	}
	return nil
}

func (s *goScan) evalIdent(pkg *goPkg, f *goFile, id *ast.Ident, depth int) []string {
	if id.Obj == nil {
		if v, ok := pkg.values[id.Name]; ok {
			return s.eval(pkg, v.file, v.expr, depth)
		}
		return nil
	}
	switch d := id.Obj.Decl.(type) {
	case *ast.ValueSpec:
		for i, n := range d.Names {
			if n.Name == id.Name && i < len(d.Values) {
				return s.eval(pkg, f, d.Values[i], depth)
			}
		}
	case *ast.AssignStmt:
		// for _, v := range x: the parser declares v in an assignment
		// from "range x".
		if u, ok := d.Rhs[0].(*ast.UnaryExpr); ok && len(d.Rhs) == 1 && u.Op == token.RANGE {
			if len(d.Lhs) == 2 {
				if v, ok := d.Lhs[1].(*ast.Ident); ok && v.Name == id.Name {
					return s.evalList(pkg, f, u.X, depth)
				}
			}
			return nil
		}
		if len(d.Lhs) == len(d.Rhs) {
			for i, l := range d.Lhs {
				if n, ok := l.(*ast.Ident); ok && n.Name == id.Name {
					return s.eval(pkg, f, d.Rhs[i], depth)
				}
			}
		}
	case *ast.RangeStmt:
		if v, ok := d.Value.(*ast.Ident); ok && v.Name == id.Name {
			return s.evalList(pkg, f, d.X, depth)
		}
	}
	return nil
}

// evalList returns the constant elements of a slice or array literal, or of
// a variable set to one.
func (s *goScan) evalList(pkg *goPkg, f *goFile, e ast.Expr, depth int) []string {
	switch e := e.(type) {
	case *ast.CompositeLit:
		var out []string
		for _, el := range e.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			out = append(out, s.eval(pkg, f, el, depth)...)
		}
		return out
	case *ast.Ident:
		if e.Obj != nil {
			if vs, ok := e.Obj.Decl.(*ast.ValueSpec); ok {
				for i, n := range vs.Names {
					if n.Name == e.Name && i < len(vs.Values) {
						return s.evalList(pkg, f, vs.Values[i], depth+1)
					}
				}
			}
			if as, ok := e.Obj.Decl.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
				for i, l := range as.Lhs {
					if n, ok := l.(*ast.Ident); ok && n.Name == e.Name {
						return s.evalList(pkg, f, as.Rhs[i], depth+1)
					}
				}
			}
		} else if v, ok := pkg.values[e.Name]; ok {
			return s.evalList(pkg, v.file, v.expr, depth+1)
		}
	}
	return nil
}

func (s *goScan) evalCall(pkg *goPkg, f *goFile, call *ast.CallExpr, depth int) []string {
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		if x, ok := sel.X.(*ast.Ident); ok && x.Obj == nil {
			if p := f.imports[x.Name]; (p == "path/filepath" || p == "path") && sel.Sel.Name == "Join" {
				out := []string{""}
				for _, a := range call.Args {
					out = product(out, s.eval(pkg, f, a, depth), func(a, b string) string {
						if a == "" {
							return b
						}
						return a + "/" + b
					})
				}
				for i := range out {
					out[i] = path.Clean(out[i])
				}
				return out
			}
		}
	}
	var out []string
	for _, k := range s.callee(pkg, f, call) {
		other := s.pkgs[k.dir]
		if other == nil {
			continue
		}
		for _, fd := range other.funcs[k.name] {
			if (fd.Recv != nil) != k.method || fd.Body == nil {
				continue
			}
			file := other.fileOf(fd)
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.ReturnStmt:
					if len(n.Results) > 0 {
						out = append(out, s.eval(other, file, n.Results[0], depth)...)
					}
				}
				return true
			})
		}
	}
	return out
}

func (p *goPkg) fileOf(n ast.Node) *goFile {
	for _, f := range p.files {
		if f.ast.FileStart <= n.Pos() && n.End() <= f.ast.FileEnd {
			return f
		}
	}
	return p.files[0]
}

func product(a, b []string, join func(a, b string) string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			out = append(out, join(x, y))
		}
	}
	return out
}
