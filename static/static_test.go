package static

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestReferencedMatchesPages keeps Referenced in step with what the templates and handlers link to.
func TestReferencedMatchesPages(t *testing.T) {
	ref := regexp.MustCompile(`/static/([A-Za-z0-9_./-]+\.(?:js|css))`)
	var sources []string
	for _, pattern := range []string{"../views/*.templ", "../views/*/*.templ", "../handlers/*.go", "../portal/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, m...)
	}
	found := map[string]bool{}
	for _, path := range sources {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ref.FindAllStringSubmatch(string(raw), -1) {
			found[m[1]] = true
			if !slices.Contains(Referenced(), m[1]) {
				t.Errorf("%s links to /static/%s, which Referenced() does not list", path, m[1])
			}
		}
	}
	for _, name := range Referenced() {
		if !found[name] {
			t.Errorf("Referenced() lists %s, which no page links to", name)
		}
	}
	if err := Check(FS); err != nil {
		t.Errorf("the embedded files: %v", err)
	}
}

func TestCheckNamesMissingFiles(t *testing.T) {
	complete := fstest.MapFS{}
	for _, name := range Referenced() {
		complete[name] = &fstest.MapFile{Data: []byte("x")}
	}
	without := func(name string, empty bool) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range complete {
			m[k] = v
		}
		if empty {
			m[name] = &fstest.MapFile{}
		} else {
			delete(m, name)
		}
		return m
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string // "" for no error
	}{
		{"complete", complete, ""},
		{"no htmx", without("vendor/htmx.min.js", false), "vendor/htmx.min.js"},
		{"empty htmx", without("vendor/htmx.min.js", true), "vendor/htmx.min.js"},
		{"no console script", without("console.js", false), "console.js"},
		{"no portal styles", without("portal.css", false), "portal.css"},
		{"no shared styles", without("base.css", false), "base.css"},
		{"empty upload script", without("upload.js", true), "upload.js"},
	}
	for _, tt := range tests {
		err := Check(tt.fsys)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: got %v, want no error", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want an error naming %s", tt.name, err, tt.want)
		}
	}
}

// TestVendoredHTMX checks the committed htmx against the pin in web/package.json (and, when
// `npm ci --prefix web` has run, byte for byte against the package, as make lint does).
func TestVendoredHTMX(t *testing.T) {
	raw, err := os.ReadFile("../web/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	pin := pkg.Dependencies["htmx.org"]
	if pin == "" || strings.ContainsAny(pin, "^~<>*") {
		t.Fatalf("web/package.json: htmx.org pinned as %q, want an exact version", pin)
	}
	committed, err := FS.ReadFile("vendor/htmx.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(committed, []byte(`version:"`+pin+`"`)) {
		t.Errorf("static/vendor/htmx.min.js is not htmx %s", pin)
	}
	readme, err := FS.ReadFile("vendor/README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("| "+pin+" |")) {
		t.Errorf("static/vendor/README.md does not name htmx %s", pin)
	}
	if _, err := FS.ReadFile("vendor/htmx.LICENSE"); err != nil {
		t.Errorf("the licence: %v", err)
	}
	upstream, err := os.ReadFile("../web/node_modules/htmx.org/dist/htmx.min.js")
	if err != nil {
		t.Logf("byte comparison left to make lint: %v", err)
		return
	}
	if !bytes.Equal(committed, upstream) {
		t.Error("static/vendor/htmx.min.js differs from the pinned npm package: copy it, never edit it")
	}
}

// TestScriptsParse checks every script the pages load is valid JavaScript: one that does not parse
// does nothing at all in the browser (no copy buttons, local times or confirmations), silently.
func TestScriptsParse(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("SHAREDESK_TEST_REQUIRE_ALL") != "" {
			t.Fatalf("Node.js is required (SHAREDESK_TEST_REQUIRE_ALL=1): %v", err)
		}
		t.Skipf("skipped: Node.js is not available (%v); install Node.js 20 or newer", err)
	}
	scripts, err := filepath.Glob("*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts found: %v", err)
	}
	for _, s := range scripts {
		if out, err := exec.Command(node, "--check", s).CombinedOutput(); err != nil {
			t.Errorf("%s does not parse: %v\n%s", s, err, out)
		}
	}
}
