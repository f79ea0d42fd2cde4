package httpapi

import (
	"io"
	"net/http"

	"github.com/sharedesk/sharedesk/share"
)

// servedWriter counts the body bytes written through it. ReadFrom hands the copy to the wrapped
// writer, so a file still goes out with sendfile.
type servedWriter struct {
	http.ResponseWriter
	n int64
}

func (c *servedWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *servedWriter) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(c.ResponseWriter, r)
	c.n += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (c *servedWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// CountServed wraps w for a file download; done tells svc how many file bytes went out.
func CountServed(svc *share.Service, w http.ResponseWriter) (wrapped http.ResponseWriter, done func()) {
	c := &servedWriter{ResponseWriter: w}
	return c, func() { svc.Served(c.n) }
}
