// Package static embeds the project's own CSS and scripts. Third-party browser code is not here: it is
// installed from npm at build time.
package static

import "embed"

// FS holds the files served under /static/.
//
//go:embed *.css *.js vendor
var FS embed.FS
