package sharetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Limits of what the validator reads of a body. JSON bodies are read whole (the server refuses JSON
// requests over 1 MiB, and replies of a test are small). Multipart and binary bodies are only read as
// far as the validator needs: the JSON part comes first, and file bytes are schema-less, so a 1 GiB
// upload or download still streams with flat memory.
const (
	maxJSONBody      = 64 << 20
	maxMultipartHead = 2 << 20
	maxBinaryHead    = 64 << 10
)

// APIDoc checks Share API traffic against the server's OpenAPI document.
type APIDoc struct {
	router routers.Router
}

// LoadAPIDoc parses and validates an OpenAPI document (httpapi.OpenAPI()).
func LoadAPIDoc(raw []byte) (*APIDoc, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("invalid OpenAPI document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route OpenAPI document: %w", err)
	}
	return &APIDoc{router: router}, nil
}

// Reporter receives the exchanges that do not match the document; a *testing.T fails the test.
type Reporter interface {
	Errorf(format string, args ...any)
}

// Transport returns a RoundTripper that sends through next (http.DefaultTransport when nil) and
// reports to r every exchange that does not match the document. Responses are always checked. A
// request is checked too, but one the document does not allow is only reported when the server
// accepted it: tests send bad requests on purpose, and then the server must answer 4xx.
func (d *APIDoc) Transport(r Reporter, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &validatingTransport{doc: d, report: r, next: next}
}

type validatingTransport struct {
	doc    *APIDoc
	report Reporter
	next   http.RoundTripper
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	check, err := v.doc.captureRequest(req)
	if err != nil {
		return nil, err
	}
	resp, err := v.next.RoundTrip(check.sent)
	if err != nil {
		return nil, err
	}
	if err := v.doc.checkExchange(check, resp); err != nil {
		v.report.Errorf("OpenAPI: %s %s (HTTP %d, request %s): %v", req.Method, req.URL.Path, resp.StatusCode,
			resp.Header.Get("X-Request-Id"), err)
	}
	return resp, nil
}

// requestCheck is a request as sent and the copy the validator reads.
type requestCheck struct {
	sent  *http.Request // what goes to the server: the original with its body re-assembled
	check *http.Request // a copy with the body the validator reads
	body  []byte
}

// captureRequest reads as much of req's body as the validator needs and gives the server the same
// bytes followed by the rest of the stream.
func (d *APIDoc) captureRequest(req *http.Request) (*requestCheck, error) {
	rc := &requestCheck{sent: req}
	if req.Body != nil && req.Body != http.NoBody {
		head, err := io.ReadAll(io.LimitReader(req.Body, requestHeadLimit(req.Header.Get("Content-Type"))))
		if err != nil {
			req.Body.Close()
			return nil, err
		}
		rc.sent = req.Clone(req.Context())
		rc.sent.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(head), req.Body), Closer: req.Body}
		rc.sent.GetBody = nil
		rc.body = head
	}
	rc.check = req.Clone(context.Background())
	if ct := req.Header.Get("Content-Type"); isMultipart(ct) {
		body, ct, err := multipartHead(rc.body, ct)
		if err != nil {
			// Not valid multipart: let the validator see the bytes as they are.
			body, ct = rc.body, req.Header.Get("Content-Type")
		}
		rc.body = body
		rc.check.Header.Set("Content-Type", ct)
	}
	if len(bytes.TrimSpace(rc.body)) == 0 {
		// The server takes a body of nothing but whitespace for {}, as it takes an empty one, and
		// the document says so; a JSON decoder would call it malformed.
		rc.body = nil
	}
	rc.check.Body = io.NopCloser(bytes.NewReader(rc.body))
	// The validator prefers GetBody when there is one; the original's would give the bytes as sent,
	// not the copy that goes with the copy's Content-Type.
	rc.check.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(rc.body)), nil }
	rc.check.ContentLength = int64(len(rc.body))
	return rc, nil
}

// checkExchange validates one request and its response. It replaces resp.Body with one that gives
// the caller every byte the server sent.
func (d *APIDoc) checkExchange(rc *requestCheck, resp *http.Response) error {
	body, header, err := captureResponse(resp)
	if err != nil {
		return fmt.Errorf("reading the response: %w", err)
	}
	route, params, err := d.router.FindRoute(rc.check)
	if err != nil {
		// Paths the document does not describe (the portal, unknown endpoints, wrong methods) are the
		// server's 404 and 405; anything else it accepts under /v1 must be in the document.
		if strings.HasPrefix(rc.check.URL.Path, "/v1") && resp.StatusCode < 400 {
			return fmt.Errorf("the server answered an operation the document does not describe: %v", err)
		}
		return nil
	}
	return d.validate(route, params, rc.check, resp.StatusCode, header, body)
}

// CheckExchange validates a request with its body and a response with its body against the
// document, the way the Transport does. It exists so the check itself can be tested with replies
// the server would never send.
func (d *APIDoc) CheckExchange(req *http.Request, status int, header http.Header, body []byte) error {
	rc, err := d.captureRequest(req)
	if err != nil {
		return err
	}
	resp := &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
	return d.checkExchange(rc, resp)
}

func (d *APIDoc) validate(
	route *routers.Route,
	params map[string]string,
	req *http.Request,
	status int,
	header http.Header,
	body []byte,
) error {
	ctx := context.Background()
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		AuthenticationFunc:    bearerPresent,
	}
	// The default message repeats the whole schema; the reason and where it applies are enough.
	opts.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string { return err.Reason })
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 header,
		Options:                opts,
	}
	out.SetBodyBytes(body)
	respErr := openapi3filter.ValidateResponse(ctx, out)
	var errs []error
	if reqErr != nil && (status < 400 || status >= 500) {
		errs = append(
			errs,
			fmt.Errorf("the request does not match the document, yet the server answered %d: %w", status, reqErr),
		)
	}
	if respErr != nil {
		errs = append(errs, fmt.Errorf("the response does not match the document: %w", respErr))
	}
	return errors.Join(errs...)
}

// bearerPresent checks the document's only security scheme as far as a document can: a bearer
// token is there. Whether the server accepts it is the server's business (401 is documented).
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	tok, ok := strings.CutPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(tok) == "" {
		return errors.New("no bearer token")
	}
	return nil
}

// captureResponse returns the part of resp's body the validator reads, with the header that goes with
// it, and puts the whole stream back for the caller.
func captureResponse(resp *http.Response) ([]byte, http.Header, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, resp.Header, nil
	}
	ct := resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	limit := int64(maxBinaryHead)
	switch {
	case mt == "application/json":
		limit = maxJSONBody
	case isMultipart(ct):
		limit = maxMultipartHead
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, nil, err
	}
	resp.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), Closer: resp.Body}
	if !isMultipart(ct) {
		return head, resp.Header, nil
	}
	body, newCT, err := multipartHead(head, ct)
	if err != nil {
		return head, resp.Header, nil // the validator will say what is wrong with it
	}
	// The validator reads the re-assembled copy, whose boundary differs from the one sent.
	header := resp.Header.Clone()
	header.Set("Content-Type", newCT)
	return body, header, nil
}

// multipartHead re-assembles the parts found in head, the start of a multipart body: every part
// whole except the last, which may be cut short. File parts are opaque bytes to the document, so a
// cut one validates like the whole.
func multipartHead(head []byte, contentType string) ([]byte, string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || params["boundary"] == "" {
		return nil, "", fmt.Errorf("no multipart boundary in %q", contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(head), params["boundary"])
	var out bytes.Buffer
	mw := multipart.NewWriter(&out)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || (err != nil && out.Len() > 0) {
			break
		}
		if err != nil {
			return nil, "", err
		}
		content, _ := io.ReadAll(p) // an error here is the cut: keep what was read
		w, err := mw.CreatePart(textproto.MIMEHeader(p.Header))
		if err != nil {
			return nil, "", err
		}
		if _, err := w.Write(content); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return out.Bytes(), mime.FormatMediaType(mt, map[string]string{"boundary": mw.Boundary()}), nil
}

// requestHeadLimit is how much of a request body the validator reads: JSON whole, multipart up to its
// JSON part, and anything else (the raw file of a put-url upload) only a little, since the document
// describes it as opaque bytes.
func requestHeadLimit(contentType string) int64 {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case isMultipart(contentType):
		return maxMultipartHead
	case contentType == "", mt == "application/json", strings.HasSuffix(mt, "+json"), strings.HasPrefix(mt, "text/"):
		return maxJSONBody
	}
	return maxBinaryHead
}

func isMultipart(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return strings.HasPrefix(mt, "multipart/")
}

type replayBody struct {
	io.Reader
	io.Closer
}

// ValidatingProxy starts a reverse proxy to the server that checks every exchange like HTTP does,
// for clients the test cannot hand an http.Client (Pangea's Node SDK). It returns the proxy's URL.
func (e *Env) ValidatingProxy(t testing.TB) string {
	t.Helper()
	target, err := url.Parse(e.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: e.APIDoc.Transport(t, nil),
	})
	t.Cleanup(proxy.Close)
	return proxy.URL
}
