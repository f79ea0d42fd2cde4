package handlers

import (
	"io"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
)

// previewType is the Content-Type a file is shown with in the browser, by its name: images, PDF and
// plain text; anything else ("" here) is only ever a download. Text of any kind (HTML, SVG, scripts
// included) would be text/plain, but those are not offered: a preview must look like the file.
func previewType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".pdf":
		return "application/pdf"
	case ".txt", ".csv", ".tsv", ".log", ".md", ".json", ".yaml", ".yml":
		return "text/plain; charset=utf-8"
	}
	return ""
}

// fileCSP is the policy of a file sent to the browser: nothing it holds may run, load or submit
// anything, whatever it turns out to be (sandbox: a unique origin, no scripts, no forms).
const fileCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// contentDisposition names the file for the browser, without control or format characters (a
// right-to-left override could disguise "invoice\u202efdp.exe"); RFC 2231 encoding for the rest.
func contentDisposition(kind, name string) string {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	if v := mime.FormatMediaType(kind, map[string]string{"filename": clean}); v != "" {
		return v
	}
	return kind
}

// downloadFile handles GET /files/:id/download: the file as an attachment, streamed from the share
// service.
func (c *Console) downloadFile(ec *echo.Context) error { return c.sendFile(ec, false) }

// previewFile handles GET /files/:id/preview: images, PDF and text shown in the browser, sandboxed;
// anything else as an attachment.
func (c *Console) previewFile(ec *echo.Context) error { return c.sendFile(ec, true) }

func (c *Console) sendFile(ec *echo.Context, preview bool) error {
	ctx := ec.Request().Context()
	id := ec.Param("id")
	info, err := c.api.Get(ctx, api.GetRequest{ID: id})
	if err != nil {
		return err
	}
	o := info.Object
	if o.Type != "file" {
		return echo.NewHTTPError(http.StatusNotFound, "That is a folder: open it to see its files.")
	}
	ctype, disposition := "application/octet-stream", "attachment"
	if t := previewType(o.Name); preview && t != "" {
		ctype, disposition = t, "inline"
	}
	_, file, err := c.api.GetFile(ctx, api.GetRequest{ID: id})
	if err != nil {
		return err
	}
	defer file.Close()
	what := "download"
	if disposition == "inline" {
		what = "preview"
	}
	c.audit(ec, "download", id, o.Name+" ("+what+")", "ok")
	h := ec.Response().Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", contentDisposition(disposition, o.Name))
	h.Set("Content-Security-Policy", fileCSP)
	h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
	ec.Response().WriteHeader(http.StatusOK)
	if _, err := io.Copy(ec.Response(), file); err != nil {
		// The status is sent; the browser sees a download that broke off.
		logDetail(ec, slog.String("stream_error", err.Error()))
	}
	return nil
}
