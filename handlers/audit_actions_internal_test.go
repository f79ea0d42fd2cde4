package handlers

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEveryAuditActionIsFilterable keeps the audit filter's Action choices in step with what the
// handlers record: an action missing from the list cannot be filtered on, and ?action= for it would
// silently show everything.
func TestEveryAuditActionIsFilterable(t *testing.T) {
	recorded := regexp.MustCompile(`\.audit\(ec, "([a-z-]+)"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range recorded.FindAllStringSubmatch(string(src), -1) {
			seen++
			if !slices.Contains(auditActions(), m[1]) {
				t.Errorf("%s records audit action %q, which the audit filter does not offer", f, m[1])
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found %d audit calls, want the handlers' (has the call's shape changed?)", seen)
	}
}
