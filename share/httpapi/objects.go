package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// folderCreate handles POST /v1/folder/create.
func (s *Server) folderCreate(ctx context.Context, req *api.FolderCreateRequest) (any, string, error) {
	o, err := s.svc.CreateFolder(ctx, share.FolderInput{BucketID: req.BucketID, Name: req.Name, ParentID: req.ParentID,
		Folder: req.Folder, FileTTL: req.FileTTL, Metadata: req.Metadata, Tags: req.Tags})
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
	if req.AddPassword != "" || req.AddPasswordAlgorithm != "" || req.RemovePassword != "" {
		return nil, "", errNoFilePasswords
	}
	o, err := s.svc.UpdateObject(ctx, share.UpdateInput{BucketID: req.BucketID, ID: req.ID, Name: req.Name,
		ParentID: req.ParentID, Folder: req.Folder, Tags: req.Tags, AddTags: req.AddTags, RemoveTags: req.RemoveTags,
		Metadata: req.Metadata, AddMetadata: req.AddMetadata, RemoveMetadata: req.RemoveMetadata, FileTTL: req.FileTTL,
		UpdatedAt: timePtr(req.UpdatedAt)})
	if err != nil {
		return nil, "", err
	}
	return api.ObjectResult{Object: wireObject(o)}, "Object updated", nil
}

// put handles POST /v1/put. A multipart body carries the "request" part (JSON) before the file part
// ("upload" or "file"), so the file streams straight to disk. A JSON body asks for an upload URL
// (transfer_method put-url or post-url): the answer is 202 Accepted with the URL, and the object
// appears once the file has been sent there and checked.
func (s *Server) put(w http.ResponseWriter, r *http.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && mt == "application/json" {
		s.putRequestURL(w, r)
		return
	}
	if err != nil || mt != "multipart/form-data" {
		s.fail(w, r, share.Errf(share.CodeMissingPayload, "put takes multipart/form-data with a \"request\" JSON part and an \"upload\" file part, or JSON asking for an upload URL (transfer_method put-url or post-url)"))
		return
	}
	BufferBody(r)
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
			if err := s.decodeJSONPart(part, "put", req); err != nil {
				s.fail(w, r, err)
				return
			}
			if err := refuseUnsupportedPut(req); err != nil {
				s.fail(w, r, err)
				return
			}
			if req.TransferMethod != "" && req.TransferMethod != api.TransferMultipart {
				s.fail(w, r, share.Errf(share.CodeBadTransfer, "transfer_method %q sends no file with the request: send JSON alone to get an upload URL, or use multipart", req.TransferMethod))
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
			in := putInput(req)
			in.Name = name
			o, err := s.svc.PutObject(r.Context(), in, part)
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

func putInput(req *api.PutRequest) share.PutInput {
	return share.PutInput{BucketID: req.BucketID, Name: req.Name, ParentID: req.ParentID, Folder: req.Folder,
		MimeType: req.MimeType, Size: req.Size, SHA1: req.SHA1, SHA256: req.SHA256, SHA512: req.SHA512, MD5: req.MD5,
		CRC32C: req.CRC32C, FileTTL: req.FileTTL, Metadata: req.Metadata, Tags: req.Tags}
}

// refuseUnsupportedPut refuses the put options this server does not implement, each with its reason,
// rather than accepting them and silently doing something else.
func refuseUnsupportedPut(req *api.PutRequest) error {
	switch {
	case req.Password != "" || req.PasswordAlgorithm != "":
		return errNoFilePasswords
	case req.Format != "":
		return share.Invalid("UnexpectedProperty", "/format", "this server does not verify file formats: omit format (mimetype is stored as given)")
	case req.TransferMethod == api.TransferSourceURL || req.SourceURL != "":
		return share.Errf(share.CodeBadTransfer, "transfer_method source-url is not supported: the server does not fetch URLs on a client's behalf (that would let callers reach internal addresses); upload the bytes with multipart, put-url or post-url")
	}
	return nil
}

var errNoFilePasswords = share.Errf(share.CodeVaultMissing, "Files cannot be password protected on this server (there is no vault to keep their keys); protect the share link with a password authenticator instead.")

// putRequestURL answers a JSON put: an upload URL for put-url and post-url, a refusal otherwise.
func (s *Server) putRequestURL(w http.ResponseWriter, r *http.Request) {
	var req api.PutRequest
	if err := s.decode(r, "put", &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := refuseUnsupportedPut(&req); err != nil {
		s.fail(w, r, err)
		return
	}
	switch req.TransferMethod {
	case api.TransferPutURL, api.TransferPostURL:
	case "", api.TransferMultipart:
		s.fail(w, r, share.Errf(share.CodeMissingPayload, "An API request was submitted without a file payload: send multipart/form-data with an \"upload\" part, or ask for an upload URL with transfer_method put-url or post-url."))
		return
	default:
		s.fail(w, r, share.Errf(share.CodeBadTransfer, "transfer_method must be multipart, put-url or post-url"))
		return
	}
	if req.Name == "" {
		s.fail(w, r, share.Invalid("FieldRequired", "/name", "name is required with an upload URL (there is no file part to take it from)"))
		return
	}
	p, err := s.svc.RequestUpload(r.Context(), info(r).id, req.TransferMethod, putInput(&req), s.uploadTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.accepted(w, r, p)
}

// uploadURL is where the bytes of the pending upload go: the object store's presigned URL (and the
// form fields of a post-url) for a direct upload, the server's own signed upload URL otherwise.
func (s *Server) uploadURL(r *http.Request, p share.PendingUpload) (string, map[string]string, error) {
	u, fields, err := s.svc.DirectUploadURL(r.Context(), p)
	if err != nil || u != "" {
		return u, fields, err
	}
	return s.publicURL + "/v1/upload/" + s.svc.UploadToken(p.ID), nil, nil
}

// accepted answers 202 with where to send the file and where to ask for the outcome.
func (s *Server) accepted(w http.ResponseWriter, r *http.Request, p share.PendingUpload) {
	res := api.AcceptedResult{TTLMins: int(time.Until(p.ExpiresAt).Round(time.Minute) / time.Minute),
		Location: s.publicURL + "/request/" + p.ID}
	u, fields, err := s.uploadURL(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	form := json.RawMessage("{}")
	if fields != nil {
		if form, err = json.Marshal(fields); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if p.TransferMethod == api.TransferPostURL {
		// The server's own URL needs no form fields (it carries its credential), but the SDKs require the
		// object; a bucket's POST needs the fields of its signed policy.
		res.PostURL, res.PostFormData = u, form
	} else {
		res.PutURL = u
	}
	s.writeJSON(w, http.StatusAccepted, s.envelope(r, api.StatusAccepted, "Upload URL created: send the file to it, then poll location for the result", res))
}

// upload handles PUT /v1/upload/{token} (put-url: the body is the file) and POST /v1/upload/{token}
// (post-url: multipart/form-data whose "file" part is the file; other fields are ignored). The token
// is the credential, so no bearer token is needed; it works once, before it expires.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	var body io.Reader = r.Body
	method := api.TransferPutURL
	if r.Method == http.MethodPost {
		method = api.TransferPostURL
		part, err := filePart(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body = part
	}
	o, err := s.svc.CompleteUpload(r.Context(), token, method, body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.ok(w, r, "Object uploaded", api.ObjectResult{Object: wireObject(o)})
}

// filePart returns the file part of a post-url upload, skipping the form fields before it.
func filePart(r *http.Request) (io.Reader, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, share.Errf(share.CodeMissingPayload, "a post-url upload is multipart/form-data with a \"file\" part")
	}
	BufferBody(r)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, share.Invalid("BadFormat", "", "the multipart body could not be read: "+err.Error())
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, share.Errf(share.CodeMissingPayload, "An API request was submitted without a file payload: add a \"file\" part.")
		}
		if err != nil {
			return nil, share.Invalid("BadFormat", "", "the multipart body could not be read: "+err.Error())
		}
		if name := part.FormName(); name == "file" || name == "upload" {
			return part, nil
		}
		// A form field: read past it, within reason.
		if _, err := io.Copy(io.Discard, io.LimitReader(part, 64<<10)); err != nil {
			return nil, share.Invalid("BadFormat", "", "the multipart body could not be read: "+err.Error())
		}
	}
}

// requestStatus handles GET /request/{id}, where Pangea's SDKs poll a 202 Accepted request: 202 again
// while the upload is awaited, the put's result once the object is stored, or why it was refused.
func (s *Server) requestStatus(w http.ResponseWriter, r *http.Request) {
	p, o, err := s.svc.UploadStatus(r.Context(), r.PathValue("id"))
	switch {
	case err != nil:
		s.fail(w, r, err)
	case p.State == share.UploadDone:
		s.ok(w, r, "Object uploaded", api.ObjectResult{Object: wireObject(o)})
	default:
		s.accepted(w, r, p)
	}
}

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
func ContentDisposition(kind, filename string) string {
	v := mime.FormatMediaType(kind, map[string]string{"filename": filename})
	if v == "" { // FormatMediaType refuses some names (control characters): fall back to a plain one
		return kind + `; filename="download"`
	}
	return v
}

// uploadReadSize is how much of an upload body is read from the connection at once. multipart.Reader
// reads in 4 KiB steps; without a larger buffer under it each step is a read(2) of its own, some
// 260,000 system calls per GiB, which costs the upload path as much CPU as a digest.
const uploadReadSize = 256 << 10

// BufferBody puts a large read buffer under r's body, before its multipart reader is made.
func BufferBody(r *http.Request) {
	r.Body = bufferedBody{Reader: bufio.NewReaderSize(r.Body, uploadReadSize), Closer: r.Body}
}

type bufferedBody struct {
	*bufio.Reader
	io.Closer
}
