package sharetest

import (
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"strings"
)

func newQP(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }

func newB64(r io.Reader) io.Reader {
	// Mail bodies wrap base64 at 76 columns; the decoder wants it whole.
	raw, _ := io.ReadAll(r)
	clean := strings.NewReplacer("\r", "", "\n", "").Replace(string(raw))
	return base64.NewDecoder(base64.StdEncoding, strings.NewReader(clean))
}
