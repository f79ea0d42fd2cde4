package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return rec.Body.String()
}

func TestInstrumentLabelsAreRoutePatterns(t *testing.T) {
	m := metrics.New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /s/{token}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "page") })
	mux.HandleFunc("POST /v1/share/link/get", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest) })
	h := m.Instrument("portal", mux, mux)

	for _, req := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/s/SECRETTOKEN123", nil),
		httptest.NewRequest(http.MethodPost, "/v1/share/link/get", nil),
		httptest.NewRequest(http.MethodGet, "/no/such/psl_IDFROMCLIENT", nil),
		httptest.NewRequest("BREW", "/s/x", nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	body := scrape(t, m)
	for _, want := range []string{
		`sharedesk_http_requests_total{code="200",method="get",route="GET /s/{token}",server="portal"} 1`,
		`sharedesk_http_requests_total{code="400",method="post",route="POST /v1/share/link/get",server="portal"} 1`,
		`sharedesk_http_requests_total{code="404",method="get",route="other",server="portal"} 1`,
		`sharedesk_http_request_duration_seconds_count{code="200",method="get",route="GET /s/{token}",server="portal"} 1`,
		`go_goroutines`, `process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, leak := range []string{"SECRETTOKEN123", "IDFROMCLIENT", "BREW"} {
		if strings.Contains(body, leak) {
			t.Errorf("a label holds %q, which came from the client", leak)
		}
	}
}

func TestSetRouteForOtherRouters(t *testing.T) {
	m := metrics.New()
	h := m.Instrument("console", nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		metrics.SetRoute(r.Context(), "/links/:id")
		w.WriteHeader(http.StatusForbidden)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/links/psl_abc", nil))
	if body := scrape(t, m); !strings.Contains(body, `sharedesk_http_requests_total{code="403",method="get",route="/links/:id",server="console"} 1`) {
		t.Errorf("route from SetRoute missing:\n%s", body)
	}
}
