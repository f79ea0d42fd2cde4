package main

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestImportsFollowArchitecture: every package imports only the project packages its row of the code
// map in docs/ARCHITECTURE.md allows, and every package has a row. The map is the newcomer's first
// page; this keeps it true.
func TestImportsFollowArchitecture(t *testing.T) {
	const module = "github.com/sharedesk/sharedesk/"
	doc, err := os.ReadFile("docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([^`]+)`[^|]*\\|[^|]*\\| (.*) \\|$")
	quoted := regexp.MustCompile("`([^`]+)`")
	allowed := map[string][]string{} // package dir → project packages it may import; nil: not checked
	for _, line := range strings.Split(string(doc), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pkg := strings.TrimSuffix(m[1], "/")
		if pkg == "main" {
			pkg = "."
		}
		switch may := m[2]; {
		case strings.Contains(may, "everything"), strings.Contains(may, "only)"):
			allowed[pkg] = nil // the commands wire everything; test helpers and benchmarks use what they test
		default:
			list := []string{}
			for _, q := range quoted.FindAllStringSubmatch(may, -1) {
				list = append(list, strings.TrimSuffix(q[1], "/"))
			}
			allowed[pkg] = list
		}
	}
	if len(allowed) < 10 {
		t.Fatalf("read %d rows from the code map; the table's format changed?", len(allowed))
	}
	imports := projectImports(t, module)
	for pkg, imps := range imports {
		may, ok := allowed[pkg]
		if !ok {
			t.Errorf("package %s has no row in the code map of docs/ARCHITECTURE.md", pkg)
			continue
		}
		if may == nil {
			continue
		}
		for _, imp := range imps {
			if !slices.Contains(may, imp) {
				t.Errorf("%s imports %s; the code map allows only %v", pkg, imp, may)
			}
		}
	}
	for pkg := range allowed {
		if _, ok := imports[pkg]; !ok {
			t.Errorf("the code map names %s, which is not a package here", pkg)
		}
	}
}

// projectImports maps each package directory (relative, "." for the root) to the project packages its
// non-test files import.
func projectImports(t *testing.T, module string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" ||
			d.Name() == "testdata" || d.Name() == "tools") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		if _, ok := out[dir]; !ok {
			out[dir] = nil
		}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			if rest, ok := strings.CutPrefix(p, module); ok && !slices.Contains(out[dir], rest) {
				out[dir] = append(out[dir], rest)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
