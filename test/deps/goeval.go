package deps

import (
	"go/ast"
	"go/token"
	"path"
	"strconv"
)

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
			if recvName(fd) != k.recv || fd.Body == nil {
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
