package httpapi

import (
	_ "embed" // the document ships inside the binary
	"io"
	"net/http"
)

// openAPIDocument (a string, so nothing can change it) is the OpenAPI 3.1 description of this server's
// Share API. The API tests validate every request and response they make against it, so it cannot drift
// from the handlers.
//
//go:embed openapi.json
var openAPIDocument string

// OpenAPI returns the OpenAPI 3.1 document served at /v1/openapi.json.
func OpenAPI() []byte { return []byte(openAPIDocument) }

// openAPI handles GET /v1/openapi.json. It needs no token: the document holds nothing secret, and
// client generators fetch it before they have one.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	io.WriteString(w, openAPIDocument)
}
