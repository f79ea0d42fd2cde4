// Package static embeds the files served under /static/: the project's own CSS and scripts, and the
// committed third-party browser code in vendor/ (htmx, checked against its pinned npm package by
// make lint), so a plain `go build` yields the whole product.
package static

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

// FS holds the files served under /static/.
//
//go:embed *.css *.js vendor
var FS embed.FS

// Referenced lists every file under /static/ that a page links to. A test keeps it in step with the
// templates, so a page can never point at a file the server does not have.
func Referenced() []string {
	return []string{
		"base.css", "console.css", "console.js", "localtime.js", "portal.css", "portal.js", "upload.js",
		"vendor/htmx.min.js",
	}
}

// Check reports every referenced file that is missing or empty in fsys. The servers refuse to start
// on it: pages without their scripts still render but behave differently (htmx filters stop updating
// in place), and nobody would notice.
func Check(fsys fs.FS) error {
	var missing []string
	for _, name := range Referenced() {
		if st, err := fs.Stat(fsys, name); err != nil || st.IsDir() || st.Size() == 0 {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("this build lacks static files its pages load (%s): rebuild from a complete checkout "+
		"(static/vendor is committed, never fetched at build time)", strings.Join(missing, ", "))
}

// Files serves the files of fsys and nothing else: a directory is not found rather than listed.
func Files(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, err := fs.Stat(fsys, r.URL.Path)
		if err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}
