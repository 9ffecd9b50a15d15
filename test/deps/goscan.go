package deps

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

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
// standard library; recv is a method's receiver type name ("" for a
// function).
type sink struct {
	dir  string
	name string
	recv string
}

type goScan struct {
	fset  *token.FileSet
	pkgs  map[string]*goPkg
	sinks map[sink]int // → index of the command argument
	uses  Uses
}

// scanGo adds the commands of the Go files to uses and returns the names of
// the repository's main packages (their directories' names).
func scanGo(root string, files []string, uses Uses) (map[string]bool, error) {
	s := &goScan{fset: token.NewFileSet(), pkgs: map[string]*goPkg{}, uses: uses, sinks: map[sink]int{
		{"os/exec", "Command", ""}:        0,
		{"os/exec", "CommandContext", ""}: 1,
		{"os/exec", "LookPath", ""}:       0,
		// Not a command but a file a test needs from a package; its
		// argument flows to os.Stat, which is no sink.
		{"test/testenv", "NeedFile", ""}: 1,
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
	ours := map[string]bool{}
	for dir, pkg := range s.pkgs {
		for _, f := range pkg.files {
			if f.ast.Name.Name == "main" {
				abs, _ := filepath.Abs(filepath.Join(root, dir))
				ours[filepath.Base(abs)] = true
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
					self := sink{pkg.dir, fd.Name.Name, recvName(fd)}
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
// name and, where the syntax shows it, its receiver's type name: in its
// own package when unexported, in any package when exported. The scan has
// no types: a method whose receiver's type it cannot tell may be any
// method of that name (two sinks of one name both count).
func (s *goScan) callee(pkg *goPkg, f *goFile, call *ast.CallExpr) []sink {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return []sink{{pkg.dir, fn.Name, ""}}
	case *ast.SelectorExpr:
		if x, ok := fn.X.(*ast.Ident); ok && x.Obj == nil {
			if p, ok := f.imports[x.Name]; ok {
				return []sink{{p, fn.Sel.Name, ""}}
			}
		}
		name, recv := fn.Sel.Name, s.recvType(pkg, fn.X, 0)
		var out []sink
		for dir, other := range s.pkgs {
			if !ast.IsExported(name) && dir != pkg.dir {
				continue
			}
			for _, fd := range other.funcs[name] {
				if r := recvName(fd); r != "" && (recv == "" || r == recv) {
					out = append(out, sink{dir, name, r})
				}
			}
		}
		return out
	}
	return nil
}

// recvType is the type name of a method call's receiver x where the
// syntax shows it: a composite literal, a parameter or variable declared
// with its type, or the result of a function of this package. It is ""
// where it does not.
func (s *goScan) recvType(pkg *goPkg, x ast.Expr, depth int) string {
	if depth > 8 {
		return ""
	}
	switch x := x.(type) {
	case *ast.ParenExpr:
		return s.recvType(pkg, x.X, depth+1)
	case *ast.StarExpr:
		return s.recvType(pkg, x.X, depth+1)
	case *ast.UnaryExpr:
		return s.recvType(pkg, x.X, depth+1)
	case *ast.CompositeLit:
		return typeName(x.Type)
	case *ast.CallExpr:
		var name string
		switch fn := x.Fun.(type) {
		case *ast.Ident:
			name = fn.Name
		case *ast.SelectorExpr:
			name = fn.Sel.Name
		}
		if ds := pkg.funcs[name]; len(ds) == 1 && ds[0].Type.Results != nil && len(ds[0].Type.Results.List) > 0 {
			return typeName(ds[0].Type.Results.List[0].Type)
		}
	case *ast.Ident:
		if x.Obj == nil {
			return ""
		}
		switch d := x.Obj.Decl.(type) {
		case *ast.Field:
			return typeName(d.Type)
		case *ast.ValueSpec:
			if d.Type != nil {
				return typeName(d.Type)
			}
			for i, n := range d.Names {
				if n.Name == x.Name && i < len(d.Values) {
					return s.recvType(pkg, d.Values[i], depth+1)
				}
			}
		case *ast.AssignStmt:
			if len(d.Lhs) == len(d.Rhs) {
				for i, l := range d.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == x.Name {
						return s.recvType(pkg, d.Rhs[i], depth+1)
					}
				}
			}
		}
	}
	return ""
}

// recvName is the receiver's type name of a method, "" for a function.
func recvName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) != 1 {
		return ""
	}
	return typeName(fd.Recv.List[0].Type)
}

// typeName is the name of a type expression without pointer, package or
// type arguments: *cluster.Cluster → Cluster.
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.IndexExpr:
		return typeName(e.X)
	case *ast.IndexListExpr:
		return typeName(e.X)
	}
	return ""
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
