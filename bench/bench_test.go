package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/blob"
	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/share/store"
)

// Links is the store size of the budgets; BENCH_LINKS overrides it for a quick look.
func links() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_LINKS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

type server struct {
	url, token string
	db         *store.DB
	svc        *share.Service
	http       *http.Client
}

func start(b *testing.B) *server {
	b.Helper()
	ctx := context.Background()
	dir := filepath.Join(".data", strconv.Itoa(links()))
	db, secret, err := OpenSeeded(ctx, dir, links())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	keys, err := share.NewKeys(secret)
	if err != nil {
		b.Fatal(err)
	}
	blobs, err := blob.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	log := applog.New(io.Discard, slog.LevelWarn)
	ts := httptest.NewUnstartedServer(nil)
	url := "http://" + ts.Listener.Addr().String()
	svc := share.New(db, blobs, keys, share.Config{PublicURL: url, DefaultMaxAccess: 10, MaxAccessLimit: 1000,
		DefaultExpiry: 7 * 24 * time.Hour, MaxExpiry: 90 * 24 * time.Hour, Logger: log})
	if err := svc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	api := httpapi.New(svc, log, httpapi.Options{PublicURL: url})
	mux := http.NewServeMux()
	api.Register(mux)
	ts.Config.Handler = api.Middleware(mux)
	ts.Start()
	b.Cleanup(ts.Close)
	token, _, err := svc.CreateToken(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return &server{url: url, token: token, db: db, svc: svc, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
}

func (s *server) post(b *testing.B, path string, body any) map[string]any {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.url+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.http.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Status  string         `json:"status"`
		Summary string         `json:"summary"`
		Result  map[string]any `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Status != "Success" {
		b.Fatalf("%s: %s %s (%v)", path, env.Status, env.Summary, err)
	}
	return env.Result
}

// measure runs fn n times and reports p50 and p99 in milliseconds.
func measure(b *testing.B, n int, fn func(i int)) {
	fn(0) // warm caches and connections
	d := make([]time.Duration, n)
	for i := range n {
		t0 := time.Now()
		fn(i)
		d[i] = time.Since(t0)
	}
	slices.Sort(d)
	p := func(q float64) float64 { return float64(d[int(q*float64(n-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
	fmt.Printf("%-48s p50 %7.2f ms   p99 %7.2f ms   (%d requests)\n", b.Name(), p(0.50), p(0.99), n)
}

func BenchmarkShareAPI(b *testing.B) {
	s := start(b)
	ctx := context.Background()
	n := links()
	year := 365 * 24 * time.Hour
	now := time.Now().UTC()

	b.Run("link-get", func(b *testing.B) {
		measure(b, 2000, func(i int) {
			s.post(b, "/v1/share/link/get", map[string]any{"id": fmt.Sprintf("psl_bench%027d", (i*7919)%n)})
		})
	})
	b.Run("link-create", func(b *testing.B) {
		target := "pos_bench" + strings.Repeat("0", 27)
		measure(b, 500, func(i int) {
			s.post(b, "/v1/share/link/create", map[string]any{"links": []any{map[string]any{
				"targets": []string{target}, "title": fmt.Sprintf("bench %d", i),
				"authenticators": []any{map[string]any{"auth_type": "email_otp", "auth_context": "a@example.com"}}}}})
		})
	})
	lists := []struct {
		name   string
		filter map[string]any
	}{
		{"link-list-nofilter", nil},
		{"link-list-type+created-range", map[string]any{"link_type": "editor",
			"created_at__gte": now.Add(-year / 2).Format(time.RFC3339), "created_at__lt": now.Add(-year / 2).Add(30 * 24 * time.Hour).Format(time.RFC3339)}},
		{"link-list-title-contains", map[string]any{"title__contains": []string{"Globex 12"}}},
		{"link-list-recipient", map[string]any{"recipient_email": "user0042@example.com"}},
		{"link-list-target", map[string]any{"target_id": "pos_bench" + fmt.Sprintf("%027d", 17)}},
	}
	for _, l := range lists {
		b.Run(l.name, func(b *testing.B) {
			measure(b, 200, func(int) {
				s.post(b, "/v1/share/link/list", map[string]any{"size": 50, "order": "desc", "filter": l.filter})
			})
		})
	}
	b.Run("link-list-page-1000", func(b *testing.B) {
		var last any // omitted on the first page
		for range min(999, n/50-1) {
			res := s.post(b, "/v1/share/link/list", map[string]any{"size": 50, "last": last})
			last = res["last"]
		}
		measure(b, 200, func(int) {
			s.post(b, "/v1/share/link/list", map[string]any{"size": 50, "last": last})
		})
	})
	_ = ctx
	b.Run("peak-rss", func(b *testing.B) {
		runtime.GC()
		rss := peakRSS()
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
		b.ReportMetric(0, "ns/op")
		fmt.Printf("%-48s %d MiB\n", b.Name(), rss>>20)
	})
}

// peakRSS reads VmHWM, the process's peak resident set, from /proc.
func peakRSS() int64 { return procStatus("VmHWM:") }
