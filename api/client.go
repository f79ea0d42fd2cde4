package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// Error is a reply whose status is not Success (or a reply that is not an envelope at all).
type Error struct {
	HTTPStatus int
	Status     string
	Summary    string
	RequestID  string
	Errors     []FieldError
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "share api: %s (HTTP %d): %s", e.Status, e.HTTPStatus, e.Summary)
	for _, fe := range e.Errors {
		fmt.Fprintf(&b, "; %s %s: %s", fe.Source, fe.Code, fe.Detail)
	}
	return b.String()
}

// IsStatus reports whether err is an *Error with the given envelope status.
func IsStatus(err error, status string) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// Client calls a Share API server: the embedded one or Pangea's hosted service.
type Client struct {
	BaseURL   string // e.g. http://127.0.0.1:8081 or https://share.aws.us.pangea.cloud
	Token     string
	TokenFile *TokenFile // when set, the token comes from here instead of Token
	HTTP      *http.Client
	// CallTimeout bounds a JSON call (not a streamed upload or download), so a server that accepts
	// connections but never answers gives an error instead of a page that loads forever.
	CallTimeout time.Duration
}

// NewClient returns a client with sensible timeouts. It never follows redirects: a Share API does not
// redirect, and following one would send the bearer token to wherever the redirect points.
func NewClient(baseURL, token string) *Client {
	return &Client{
		BaseURL:     strings.TrimRight(baseURL, "/"),
		Token:       token,
		CallTimeout: 30 * time.Second,
		HTTP:        &http.Client{Timeout: 5 * time.Minute, CheckRedirect: neverFollow},
	}
}

// neverFollow is the CheckRedirect of NewClient's HTTP client: a redirect is returned, not followed.
func neverFollow(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (c *Client) newRequest(
	ctx context.Context, path string, body io.Reader, contentType string,
) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, body)
	if err != nil {
		return nil, err
	}
	token := c.Token
	if c.TokenFile != nil {
		token = c.TokenFile.Token()
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	return req, nil
}

// call posts in as JSON and decodes the result into out.
func (c *Client) call(ctx context.Context, path string, in, out any) error {
	if c.CallTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.CallTimeout)
		defer cancel()
	}
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	resp, err := c.post(ctx, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeEnvelope(resp, resp.Body, out)
}

// post sends a JSON body. A refused token may have been rotated in its file since it was last read:
// after a 401 the file is re-read and, when the token changed, the request is sent once more.
func (c *Client) post(ctx context.Context, path string, body []byte) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := c.newRequest(ctx, path, bytes.NewReader(body), "application/json")
		if err != nil {
			return nil, err
		}
		resp, err := c.HTTP.Do(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || attempt > 0 || !c.reloadToken() {
			return resp, err
		}
		resp.Body.Close()
	}
}

// reloadToken re-reads the token file, if any, and reports whether the token changed.
func (c *Client) reloadToken() bool {
	if c.TokenFile == nil {
		return false
	}
	changed, _ := c.TokenFile.Reload()
	return changed
}

// decodeEnvelope reads one envelope from r; a non-Success status becomes an *Error.
func decodeEnvelope(resp *http.Response, r io.Reader, out any) error {
	raw, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return err
	}
	var env Response
	if err := json.Unmarshal(raw, &env); err != nil || env.Status == "" {
		return &Error{HTTPStatus: resp.StatusCode, Status: "BadResponse", Summary: fmt.Sprintf(
			"the server did not answer with a Share API envelope (%s)", http.StatusText(resp.StatusCode))}
	}
	if env.Status != StatusSuccess {
		e := &Error{HTTPStatus: resp.StatusCode, Status: env.Status, Summary: env.Summary, RequestID: env.RequestID}
		var er ErrorResult
		if json.Unmarshal(env.Result, &er) == nil {
			e.Errors = er.Errors
		}
		return e
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(env.Result, out)
}

// post calls one endpoint and decodes its result into a new T: each typed method below is one line.
func post[T any](ctx context.Context, c *Client, path string, req any) (*T, error) {
	var out T
	return &out, c.call(ctx, path, req, &out)
}

// LinkCreate creates share links, all or none.
func (c *Client) LinkCreate(ctx context.Context, r LinkCreateRequest) (*LinksResult, error) {
	return post[LinksResult](ctx, c, "/v1/share/link/create", r)
}

// LinkGet returns one share link.
func (c *Client) LinkGet(ctx context.Context, r LinkGetRequest) (*LinkGetResult, error) {
	return post[LinkGetResult](ctx, c, "/v1/share/link/get", r)
}

// LinkList lists share links.
func (c *Client) LinkList(ctx context.Context, r LinkListRequest) (*LinkListResult, error) {
	return post[LinkListResult](ctx, c, "/v1/share/link/list", r)
}

// LinkDelete revokes share links and returns them.
func (c *Client) LinkDelete(ctx context.Context, r LinkDeleteRequest) (*LinksResult, error) {
	return post[LinksResult](ctx, c, "/v1/share/link/delete", r)
}

// LinkSend emails share links to recipients.
func (c *Client) LinkSend(ctx context.Context, r LinkSendRequest) (*LinksResult, error) {
	return post[LinksResult](ctx, c, "/v1/share/link/send", r)
}

// Buckets lists the buckets.
func (c *Client) Buckets(ctx context.Context) (*BucketsResult, error) {
	return post[BucketsResult](ctx, c, "/v1/buckets", struct{}{})
}

// FolderCreate creates a folder.
func (c *Client) FolderCreate(ctx context.Context, r FolderCreateRequest) (*ObjectResult, error) {
	return post[ObjectResult](ctx, c, "/v1/folder/create", r)
}

// List lists objects.
func (c *Client) List(ctx context.Context, r ListRequest) (*ListResult, error) {
	return post[ListResult](ctx, c, "/v1/list", r)
}

// Delete deletes an object (a non-empty folder only with Force).
func (c *Client) Delete(ctx context.Context, r DeleteRequest) (*DeleteResult, error) {
	return post[DeleteResult](ctx, c, "/v1/delete", r)
}

// Update renames, moves or retags an object.
func (c *Client) Update(ctx context.Context, r UpdateRequest) (*ObjectResult, error) {
	return post[ObjectResult](ctx, c, "/v1/update", r)
}

// Get returns an object's information (and dest_url when TransferMethod is dest-url).
func (c *Client) Get(ctx context.Context, r GetRequest) (*GetResult, error) {
	return post[GetResult](ctx, c, "/v1/get", r)
}

// Put uploads a file, streaming body as the "upload" part of a multipart request.
func (c *Client) Put(ctx context.Context, r PutRequest, filename string, body io.Reader) (*ObjectResult, error) {
	r.TransferMethod = TransferMultipart
	meta, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", `form-data; name="request"`)
			h.Set("Content-Type", "application/json")
			part, err := mw.CreatePart(h)
			if err != nil {
				return err
			}
			if _, err := part.Write(meta); err != nil {
				return err
			}
			fw, err := mw.CreateFormFile("upload", filename)
			if err != nil {
				return err
			}
			if _, err := io.Copy(fw, body); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	req, err := c.newRequest(ctx, "/v1/put", pr, mw.FormDataContentType())
	if err != nil {
		pr.Close()
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized {
		c.reloadToken() // the stream cannot be sent again, but the next request uses a rotated token
	}
	var out ObjectResult
	return &out, decodeEnvelope(resp, resp.Body, &out)
}

// Download is a file or archive streamed from a multipart reply. Close it when done.
type Download struct {
	io.Reader
	Filename    string
	ContentType string
	closer      io.Closer
}

// Close releases the connection.
func (d *Download) Close() error { return d.closer.Close() }

// GetFile returns an object's information and streams its bytes (transfer_method multipart).
func (c *Client) GetFile(ctx context.Context, r GetRequest) (*GetResult, *Download, error) {
	r.TransferMethod = TransferMultipart
	var out GetResult
	d, err := c.multipartCall(ctx, "/v1/get", r, &out)
	return &out, d, err
}

// GetArchive streams a zip or tar of the given objects (transfer_method multipart).
func (c *Client) GetArchive(ctx context.Context, r GetArchiveRequest) (*GetArchiveResult, *Download, error) {
	r.TransferMethod = TransferMultipart
	var out GetArchiveResult
	d, err := c.multipartCall(ctx, "/v1/get_archive", r, &out)
	return &out, d, err
}

// GetArchiveURL asks for a short-lived download URL of an archive (transfer_method dest-url).
func (c *Client) GetArchiveURL(ctx context.Context, r GetArchiveRequest) (*GetArchiveResult, error) {
	r.TransferMethod = TransferDestURL
	return post[GetArchiveResult](ctx, c, "/v1/get_archive", r)
}

func (c *Client) multipartCall(ctx context.Context, path string, in, out any) (*Download, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	resp, err := c.post(ctx, path, body)
	if err != nil {
		return nil, err
	}
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		defer resp.Body.Close()
		if err := decodeEnvelope(resp, resp.Body, nil); err != nil {
			return nil, err
		}
		return nil, &Error{HTTPStatus: resp.StatusCode, Status: "BadResponse", Summary: "expected a multipart reply"}
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	first, err := mr.NextPart()
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	if err := decodeEnvelope(resp, first, out); err != nil {
		resp.Body.Close()
		return nil, err
	}
	file, err := mr.NextPart()
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("multipart reply without a file part: %w", err)
	}
	return &Download{
		Reader:      file,
		Filename:    file.FileName(),
		ContentType: file.Header.Get("Content-Type"),
		closer:      resp.Body,
	}, nil
}
