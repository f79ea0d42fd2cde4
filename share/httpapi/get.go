package httpapi

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// get handles POST /v1/get.
func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	var req api.GetRequest
	if err := s.decode(r, "get", &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Password != "" {
		s.fail(w, r, errNoFilePasswords)
		return
	}
	o, err := s.svc.GetObject(r.Context(), req.BucketID, req.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := api.GetResult{Object: wireObject(o)}
	switch req.TransferMethod {
	case "", api.TransferDestURL:
		if o.Type == share.TypeFile {
			res.DestURL, err = s.svc.PresignDownload(r.Context(), o, ContentDisposition("attachment", o.Name), s.urlTTL)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if res.DestURL == "" {
				res.DestURL = s.destURL(share.DownloadGrant{Kind: "file", BucketID: o.BucketID, IDs: []string{o.ID}})
			}
		}
		s.ok(w, r, "Object found", res)
	case api.TransferMultipart:
		f, err := s.svc.OpenFile(r.Context(), o)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer f.Close()
		s.writeMultipart(w, r, "Object found", res, o.Name, o.MimeType, func(pw io.Writer) error {
			_, err := io.Copy(pw, f)
			return err
		})
	default:
		s.fail(w, r, share.Errf(share.CodeBadTransfer, "transfer_method must be multipart or dest-url"))
	}
}

// getArchive handles POST /v1/get_archive.
func (s *Server) getArchive(w http.ResponseWriter, r *http.Request) {
	var req api.GetArchiveRequest
	if err := s.decode(r, "get_archive", &req); err != nil {
		s.fail(w, r, err)
		return
	}
	format := req.Format
	if format == "" {
		format = "zip"
	}
	a, err := s.svc.NewArchive(r.Context(), req.BucketID, req.IDs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := api.GetArchiveResult{Count: len(a.Contents), Objects: wireObjects(a.Contents)}
	switch req.TransferMethod {
	case "", api.TransferDestURL:
		res.DestURL = s.destURL(share.DownloadGrant{Kind: format, BucketID: a.Objects[0].BucketID, IDs: req.IDs})
		s.ok(w, r, "Archive ready", res)
	case api.TransferMultipart:
		write, ct := a.WriteZip, "application/zip"
		if format == "tar" {
			write, ct = a.WriteTar, "application/x-tar"
		}
		s.writeMultipart(w, r, "Archive ready", res, "archive."+format, ct, write)
	default:
		s.fail(w, r, share.Errf(share.CodeBadTransfer, "transfer_method must be multipart or dest-url"))
	}
}

func (s *Server) destURL(g share.DownloadGrant) string {
	return s.publicURL + "/v1/download/" + s.svc.SignDownload(g, s.urlTTL)
}

// writeMultipart answers with the envelope as the first part and the file as the second, the way
// Pangea's SDKs read transfer_method multipart.
func (s *Server) writeMultipart(
	w http.ResponseWriter,
	r *http.Request,
	summary string,
	result any,
	filename, contentType string,
	write func(io.Writer) error,
) {
	mw := multipart.NewWriter(w)
	w.Header().Set("Content-Type", mw.FormDataContentType())
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="json"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err == nil {
		_, err = pw.Write(s.envelope(r, api.StatusSuccess, summary, result))
	}
	if err == nil {
		h = textproto.MIMEHeader{}
		h.Set("Content-Disposition",
			`form-data; name="file"; `+strings.TrimPrefix(ContentDisposition("form-data", filename), "form-data; "))
		h.Set("Content-Type", contentType)
		pw, err = mw.CreatePart(h)
	}
	if err == nil {
		err = write(pw)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		// Headers are gone; all we can do is log and cut the stream so the client sees it incomplete.
		s.log.ErrorContext(r.Context(), "multipart reply broken off", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// download handles GET /v1/download/{token}: the short-lived URL behind dest_url. The signed token is
// the credential, so no bearer token is needed (the URL may be handed to a browser).
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	// The URL may be opened in a browser: whatever the bytes are, they must never run as a page of this
	// origin (the same policy as the portal's downloads).
	w.Header().Set("Content-Security-Policy", SandboxCSP)
	w, served := CountServed(s.svc, w)
	defer served()
	g, err := s.svc.VerifyDownload(r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	switch g.Kind {
	case "file":
		o, err := s.svc.GetObject(r.Context(), g.BucketID, g.IDs[0])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f, err := s.svc.OpenFile(r.Context(), o)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", o.MimeType)
		w.Header().Set("Content-Disposition", ContentDisposition("attachment", o.Name))
		http.ServeContent(w, r, "", o.UpdatedAt, f)
	case "zip", "tar":
		a, err := s.svc.NewArchive(r.Context(), g.BucketID, g.IDs)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		write, ct := a.WriteZip, "application/zip"
		if g.Kind == "tar" {
			write, ct = a.WriteTar, "application/x-tar"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", ContentDisposition("attachment", "archive."+g.Kind))
		if err := write(w); err != nil {
			s.log.ErrorContext(r.Context(), "archive broken off", "err", err)
			panic(http.ErrAbortHandler)
		}
	default:
		s.fail(w, r, share.Errf(share.CodeNotFound, "unknown download"))
	}
}

// SandboxCSP is the Content-Security-Policy of every file or archive download.
const SandboxCSP = "default-src 'none'; sandbox"

// ContentDisposition builds a safe Content-Disposition header: the name is quoted, or RFC 2231-encoded
// when it is not plain ASCII, so no file name can inject header text.
//
// A name that is not ASCII also gets an ASCII stand-in in filename= (RFC 6266 §4.3): clients that read
// only filename= (Pangea's Node SDK among them) then still get a name with the right extension.
func ContentDisposition(kind, filename string) string {
	v := mime.FormatMediaType(kind, map[string]string{"filename": filename})
	if v == "" { // FormatMediaType refuses some names (control characters): fall back to a plain one
		return kind + `; filename="download"`
	}
	encoded, ok := strings.CutPrefix(v, kind+"; filename*=")
	if !ok { // plain ASCII, quoted
		return v
	}
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '_'
		}
		return r
	}, filename)
	return mime.FormatMediaType(kind, map[string]string{"filename": fallback}) + "; filename*=" + encoded
}
