package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestDownloadURLSandbox: whatever /v1/download answers (a file, an archive, a refusal) carries the
// portal's sandbox CSP, so no shared file can run as a page of the share server's origin.
func TestDownloadURLSandbox(t *testing.T) {
	e, f := startSeeded(t, "sqlite")
	ctx := context.Background()
	file := sharetest.Must(e.Client.Get(ctx, api.GetRequest{ID: f.a.ID, TransferMethod: "dest-url"}))(t).DestURL
	zip := sharetest.Must(e.Client.GetArchiveURL(ctx, api.GetArchiveRequest{IDs: []string{f.docs.ID}, Format: "zip"}))(t).DestURL
	for _, tc := range []struct {
		name, url  string
		wantStatus int
	}{
		{"file", file, http.StatusOK},
		{"zip", zip, http.StatusOK},
		{"tampered", file[:len(file)-3] + "AAA", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := e.HTTP.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			if got := resp.Header.Get("Content-Security-Policy"); got != "default-src 'none'; sandbox" {
				t.Errorf("Content-Security-Policy: got %q, want %q", got, "default-src 'none'; sandbox")
			}
		})
	}
}
