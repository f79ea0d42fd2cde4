package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

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
		s.fail(
			w,
			r,
			share.Errf(
				share.CodeMissingPayload,
				"put takes multipart/form-data with a \"request\" JSON part and an \"upload\" file part, or JSON "+
					"asking for an upload URL (transfer_method put-url or post-url)",
			),
		)
		return
	}
	o, err := s.putMultipart(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.ok(w, r, "Object uploaded", api.ObjectResult{Object: wireObject(o)})
}

// putMultipart reads a multipart put part by part: the request first, then the file, which is stored
// as it streams in.
func (s *Server) putMultipart(r *http.Request) (share.Object, error) {
	BufferBody(r)
	mr, err := r.MultipartReader()
	if err != nil {
		return share.Object{}, unreadableMultipart(err)
	}
	var req *api.PutRequest
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return share.Object{}, unreadableMultipart(err)
		}
		switch part.FormName() {
		case "request":
			req = new(api.PutRequest)
			if err := s.readPutRequestPart(part, req); err != nil {
				return share.Object{}, err
			}
		case "upload", "file":
			if req == nil {
				return share.Object{}, share.Invalid(
					"BadFormat",
					"",
					"the \"request\" part must come before the file part",
				)
			}
			in := putInput(req)
			if in.Name == "" {
				in.Name = part.FileName()
			}
			return s.svc.PutObject(r.Context(), in, part)
		default:
			return share.Object{}, share.Invalid(
				"UnexpectedProperty",
				"",
				fmt.Sprintf("unexpected multipart part %q", part.FormName()),
			)
		}
	}
	if req == nil {
		return share.Object{}, share.Invalid("FieldRequired", "", "the \"request\" part is missing")
	}
	return share.Object{}, share.Errf(
		share.CodeMissingPayload,
		"An API request was submitted without a file payload: add an \"upload\" part.",
	)
}

// readPutRequestPart decodes the "request" part of a multipart put into req and refuses what a put
// that carries its file cannot ask for.
func (s *Server) readPutRequestPart(part *multipart.Part, req *api.PutRequest) error {
	if err := s.decodeJSONPart(part, "put", req); err != nil {
		return err
	}
	if err := refuseUnsupportedPut(req); err != nil {
		return err
	}
	if req.TransferMethod != "" && req.TransferMethod != api.TransferMultipart {
		return share.Errf(
			share.CodeBadTransfer,
			"transfer_method %q sends no file with the request: send JSON alone to get an upload URL, or "+
				"use multipart",
			req.TransferMethod,
		)
	}
	return nil
}

// unreadableMultipart is the refusal of a multipart body that breaks off or is malformed.
func unreadableMultipart(err error) error {
	return share.Invalid("BadFormat", "", "the multipart body could not be read: "+err.Error())
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
		return share.Invalid(
			"UnexpectedProperty",
			"/format",
			"this server does not verify file formats: omit format (mimetype is stored as given)",
		)
	case req.TransferMethod == api.TransferSourceURL || req.SourceURL != "":
		return share.Errf(
			share.CodeBadTransfer,
			"transfer_method source-url is not supported: the server does not fetch URLs on a client's behalf (that "+
				"would let callers reach internal addresses); upload the bytes with multipart, put-url or post-url",
		)
	}
	return nil
}

var errNoFilePasswords = share.Errf(
	share.CodeVaultMissing,
	"Files cannot be password protected on this server (there is no vault to keep their keys); protect the share "+
		"link with a password authenticator instead.",
)

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
		s.fail(
			w,
			r,
			share.Errf(
				share.CodeMissingPayload,
				"An API request was submitted without a file payload: send multipart/form-data with an \"upload\" "+
					"part, or ask for an upload URL with transfer_method put-url or post-url.",
			),
		)
		return
	default:
		s.fail(w, r, share.Errf(share.CodeBadTransfer, "transfer_method must be multipart, put-url or post-url"))
		return
	}
	if req.Name == "" {
		s.fail(
			w,
			r,
			share.Invalid(
				"FieldRequired",
				"/name",
				"name is required with an upload URL (there is no file part to take it from)",
			),
		)
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
	s.writeJSON(
		w,
		http.StatusAccepted,
		s.envelope(
			r,
			api.StatusAccepted,
			"Upload URL created: send the file to it, then poll location for the result",
			res,
		),
	)
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
		return nil, share.Errf(
			share.CodeMissingPayload,
			"a post-url upload is multipart/form-data with a \"file\" part",
		)
	}
	BufferBody(r)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, unreadableMultipart(err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, share.Errf(
				share.CodeMissingPayload,
				"An API request was submitted without a file payload: add a \"file\" part.",
			)
		}
		if err != nil {
			return nil, unreadableMultipart(err)
		}
		if name := part.FormName(); name == "file" || name == "upload" {
			return part, nil
		}
		// A form field: read past it, within reason.
		if _, err := io.Copy(io.Discard, io.LimitReader(part, 64<<10)); err != nil {
			return nil, unreadableMultipart(err)
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
