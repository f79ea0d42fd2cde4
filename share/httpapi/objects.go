package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// folderCreate handles POST /v1/folder/create.
func (s *Server) folderCreate(ctx context.Context, req *api.FolderCreateRequest) (any, string, error) {
	o, err := s.svc.CreateFolder(ctx, share.FolderInput{BucketID: req.BucketID, Name: req.Name, ParentID: req.ParentID,
		Folder: req.Folder, Metadata: req.Metadata, Tags: req.Tags})
	if err != nil {
		return nil, "", err
	}
	return api.ObjectResult{Object: wireObject(o)}, "Folder created", nil
}

// list handles POST /v1/list.
func (s *Server) list(ctx context.Context, req *api.ListRequest) (any, string, error) {
	page, err := s.svc.ListObjects(ctx, share.ListRequest{BucketID: req.BucketID, Filter: req.Filter, Last: req.Last,
		Order: req.Order, OrderBy: req.OrderBy, Size: req.Size})
	if err != nil {
		return nil, "", err
	}
	return api.ListResult{Count: page.Count, Last: page.Last, Objects: wireObjects(page.Items)},
		fmt.Sprintf("Listed %d of %d object(s)", len(page.Items), page.Count), nil
}

// deleteObject handles POST /v1/delete.
func (s *Server) deleteObject(ctx context.Context, req *api.DeleteRequest) (any, string, error) {
	n, err := s.svc.DeleteObject(ctx, req.BucketID, req.ID, req.Force)
	if err != nil {
		return nil, "", err
	}
	return api.DeleteResult{Count: n}, fmt.Sprintf("%d object(s) deleted", n), nil
}

// update handles POST /v1/update.
func (s *Server) update(ctx context.Context, req *api.UpdateRequest) (any, string, error) {
	o, err := s.svc.UpdateObject(ctx, share.UpdateInput{BucketID: req.BucketID, ID: req.ID, Name: req.Name,
		ParentID: req.ParentID, Folder: req.Folder, Tags: req.Tags, AddTags: req.AddTags, RemoveTags: req.RemoveTags,
		Metadata: req.Metadata, AddMetadata: req.AddMetadata, RemoveMetadata: req.RemoveMetadata, UpdatedAt: timePtr(req.UpdatedAt)})
	if err != nil {
		return nil, "", err
	}
	return api.ObjectResult{Object: wireObject(o)}, "Object updated", nil
}

// put handles POST /v1/put: a multipart body whose "request" part (JSON) comes before the file part
// ("upload" or "file"), so the file streams straight to disk.
func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		s.fail(w, r, share.Errf(share.CodeMissingPayload, "put takes multipart/form-data with a \"request\" JSON part and an \"upload\" file part"))
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, share.Invalid("BadFormat", "", "the multipart body could not be read: "+err.Error()))
		return
	}
	var req *api.PutRequest
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(w, r, share.Invalid("BadFormat", "", "the multipart body could not be read: "+err.Error()))
			return
		}
		switch part.FormName() {
		case "request":
			req = new(api.PutRequest)
			if err := s.decode(r, part, "put", req); err != nil {
				s.fail(w, r, err)
				return
			}
			if req.TransferMethod != "" && req.TransferMethod != api.TransferMultipart {
				s.fail(w, r, share.Errf(share.CodeBadTransfer, "transfer_method %q is not supported here; use multipart", req.TransferMethod))
				return
			}
		case "upload", "file":
			if req == nil {
				s.fail(w, r, share.Invalid("BadFormat", "", "the \"request\" part must come before the file part"))
				return
			}
			name := req.Name
			if name == "" {
				name = part.FileName()
			}
			o, err := s.svc.PutObject(r.Context(), share.PutInput{BucketID: req.BucketID, Name: name, ParentID: req.ParentID,
				Folder: req.Folder, MimeType: req.MimeType, Size: req.Size, SHA256: req.SHA256, SHA512: req.SHA512,
				MD5: req.MD5, Metadata: req.Metadata, Tags: req.Tags}, part)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			s.ok(w, r, "Object uploaded", api.ObjectResult{Object: wireObject(o)})
			return
		default:
			s.fail(w, r, share.Invalid("UnexpectedProperty", "", fmt.Sprintf("unexpected multipart part %q", part.FormName())))
			return
		}
	}
	if req == nil {
		s.fail(w, r, share.Invalid("FieldRequired", "", "the \"request\" part is missing"))
		return
	}
	s.fail(w, r, share.Errf(share.CodeMissingPayload, "An API request was submitted without a file payload: add an \"upload\" part."))
}

// get handles POST /v1/get.
func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	var req api.GetRequest
	if err := s.decode(r, r.Body, "get", &req); err != nil {
		s.fail(w, r, err)
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
			res.DestURL = s.destURL(share.DownloadGrant{Kind: "file", BucketID: o.BucketID, IDs: []string{o.ID}})
		}
		s.ok(w, r, "Object found", res)
	case api.TransferMultipart:
		f, err := s.svc.OpenFile(o)
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
	if err := s.decode(r, r.Body, "get_archive", &req); err != nil {
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
	res := api.GetArchiveResult{Count: len(a.Objects), Objects: wireObjects(a.Objects)}
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
func (s *Server) writeMultipart(w http.ResponseWriter, r *http.Request, summary string, result any, filename, contentType string, write func(io.Writer) error) {
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
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": filename}))
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
		f, err := s.svc.OpenFile(o)
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
func ContentDisposition(kind, filename string) string {
	v := mime.FormatMediaType(kind, map[string]string{"filename": filename})
	if v == "" { // FormatMediaType refuses some names (control characters): fall back to a plain one
		return kind + `; filename="download"`
	}
	return v
}
