package handlers_test

import (
	"net/http"
	"testing"
)

// TestStaticListsNoDirectory: /static/ serves files, never a listing of what is there.
func TestStaticListsNoDirectory(t *testing.T) {
	e := startConsole(t, "sqlite")
	tests := []struct {
		path string
		want int
	}{
		{"/static/console.css", http.StatusOK},
		{"/static/vendor/htmx.min.js", http.StatusOK},
		{"/static/", http.StatusNotFound},
		{"/static/vendor/", http.StatusNotFound},
		{"/static/vendor", http.StatusNotFound},
		{"/static/no-such-file.js", http.StatusNotFound},
	}
	for _, tt := range tests {
		resp, err := http.Get(e.url + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s: got %d, want %d", tt.path, resp.StatusCode, tt.want)
		}
	}
}
