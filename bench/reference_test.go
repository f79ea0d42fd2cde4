package bench

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share"
)

// The reference handlers are the floor sharedesk is compared with in the same run: the least a Go
// handler on the same database must do for the same request — decode the JSON, run the same SQL
// (the same rows, indexes, triggers and counters), encode JSON — and nothing else (no validation,
// authentication, logging or envelope).

// refLink is every column of the row, as sharedesk reads it, with the JSON columns decoded.
type refLink struct {
	ID             string                `json:"id"`
	BucketID       string                `json:"bucket_id"`
	TokenHash      string                `json:"-"`
	TokenSealed    []byte                `json:"-"`
	LinkType       string                `json:"link_type"`
	Targets        []string              `json:"targets"`
	AccessCount    int64                 `json:"access_count"`
	MaxAccessCount int64                 `json:"max_access_count"`
	CreatedAt      int64                 `json:"created_at"`
	ExpiresAt      int64                 `json:"expires_at"`
	LastAccessedAt int64                 `json:"last_accessed_at"`
	Authenticators []share.Authenticator `json:"authenticators"`
	Title          string                `json:"title"`
	Message        string                `json:"message"`
	Recipient      string                `json:"recipient_email"`
	SenderEmail    string                `json:"sender_email"`
	SenderName     string                `json:"sender_name"`
	Tags           []string              `json:"tags"`
}

// reference starts the reference handlers and returns their address.
func (s *server) reference(b *testing.B) string {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /create", s.refCreate())
	mux.HandleFunc("POST /list", s.refList())
	ts := httptest.NewServer(mux)
	b.Cleanup(ts.Close)
	return ts.URL
}

// rebind writes q's placeholders as the store's database wants them.
func (s *server) rebind(q string) string { return dbutil.Rebind(s.db.Postgres(), q) }

// refCreate inserts one link and its target in a transaction, as link/create does.
func (s *server) refCreate() http.HandlerFunc {
	db := s.db.SQL()
	insLink := s.rebind("INSERT INTO links (" + strings.Join(linkColumns, ", ") + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	insTarget := s.rebind("INSERT INTO link_targets (link_id, object_id) VALUES (?, ?)")
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Target, Title, Email string
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		id := share.NewID("psl_")
		_, hash, sealed := s.keys.NewLinkToken(id)
		now := time.Now()
		auths, _ := json.Marshal([]share.Authenticator{{Type: share.AuthEmailOTP, Context: in.Email}})
		err := dbutil.InTx(r.Context(), db, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(r.Context(), insLink, id, s.bucketID, hash, sealed, "download", `["`+in.Target+`"]`, 0, 10,
				now.UnixMicro(), now.Add(7*24*time.Hour).UnixMicro(), 0, string(auths), in.Title, "", "", "", "", "[]"); err != nil {
				return err
			}
			_, err := tx.ExecContext(r.Context(), insTarget, id, in.Target)
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id})
	}
}

// refList reads the first page of links, newest first, and the bucket's count, as link/list does.
func (s *server) refList() http.HandlerFunc {
	db := s.db.SQL()
	list := s.rebind("SELECT " + strings.Join(linkColumns, ", ") + " FROM links WHERE bucket_id = ? ORDER BY created_at DESC, id DESC LIMIT 51")
	count := s.rebind("SELECT n FROM link_counts WHERE bucket_id = ?")
	return func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := db.QueryRowContext(r.Context(), count, s.bucketID).Scan(&n); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		rows, err := db.QueryContext(r.Context(), list, s.bucketID)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		defer rows.Close()
		out := make([]refLink, 0, 51)
		for rows.Next() {
			var l refLink
			var targets, auths, tags string
			if err := rows.Scan(&l.ID, &l.BucketID, &l.TokenHash, &l.TokenSealed, &l.LinkType, &targets, &l.AccessCount, &l.MaxAccessCount,
				&l.CreatedAt, &l.ExpiresAt, &l.LastAccessedAt, &auths, &l.Title, &l.Message, &l.Recipient, &l.SenderEmail, &l.SenderName, &tags); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			_ = json.Unmarshal([]byte(targets), &l.Targets)
			_ = json.Unmarshal([]byte(auths), &l.Authenticators)
			_ = json.Unmarshal([]byte(tags), &l.Tags)
			out = append(out, l)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"count": n, "links": out[:min(50, len(out))]})
	}
}

func refPost(b *testing.B, c *http.Client, url string, body any) {
	raw, _ := json.Marshal(body)
	resp, err := c.Post(url, "application/json", strings.NewReader(string(raw)))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		b.Fatalf("reference %s: %d %v", url, resp.StatusCode, err)
	}
}

// benchCreate measures link/create and the reference insert alternately, in rounds of 50, so both
// see the same machine load.
func benchCreate(b *testing.B, s *server) {
	ref := s.reference(b)
	target := "pos_bench" + strings.Repeat("0", 27)
	var api, plain []time.Duration
	timeIt := func(into *[]time.Duration, fn func()) {
		t0 := time.Now()
		fn()
		*into = append(*into, time.Since(t0))
	}
	for round := range 10 {
		for i := range 50 {
			timeIt(&api, func() {
				s.post(b, "/v1/share/link/create", map[string]any{"links": []any{map[string]any{
					"targets": []string{target}, "title": fmt.Sprintf("bench %d", round*50+i),
					"authenticators": []any{map[string]any{"auth_type": "email_otp", "auth_context": "a@example.com"}}}}})
			})
		}
		for i := range 50 {
			timeIt(&plain, func() {
				refPost(b, s.http, ref+"/create", map[string]any{"target": target, "title": fmt.Sprintf("bench %d", round*50+i), "email": "a@example.com"})
			})
		}
	}
	a, p := quantiles(api), quantiles(plain)
	ratio := a.p50 / p.p50
	b.ReportMetric(a.p50, "p50-ms")
	b.ReportMetric(a.p99, "p99-ms")
	b.ReportMetric(ratio, "p50-vs-reference-x")
	b.ReportMetric(0, "ns/op")
	fmt.Printf("%-58s p50 %7.2f ms  p99 %7.2f ms  reference p50 %.2f ms: %.2f× (limit 1.5×) %s; p99/budget %.2f× of 10 ms %s  (load %s)\n",
		b.Name(), a.p50, a.p99, p.p50, ratio, mark(ratio <= 1.5), a.p99/10, mark(a.p99 <= 10), loadAvg())
}

func quantiles(d []time.Duration) latency {
	d = append([]time.Duration(nil), d...)
	sortDurations(d)
	p := func(q float64) float64 { return float64(d[int(q*float64(len(d)-1))].Microseconds()) / 1000 }
	return latency{p(0.5), p(0.99)}
}

// benchListThroughput runs the unfiltered first page of link/list from 32 clients at once, against
// sharedesk and against the reference handler running the same query, alternating three rounds of two
// seconds each, and compares requests per second.
func benchListThroughput(b *testing.B, s *server) {
	ref := s.reference(b)
	const clients = 32
	run := func(fn func()) float64 {
		var done atomic.Int64
		deadline := time.Now().Add(2 * time.Second)
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					fn()
					done.Add(1)
				}
			}()
		}
		wg.Wait()
		return float64(done.Load()) / 2
	}
	// Both bodies are read and dropped, not parsed: the client shares the two cores with the server,
	// and parsing the larger envelope would be counted against sharedesk.
	discard := func(url, token string) func() {
		return func() {
			req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"size": 50, "order": "desc"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := s.http.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("%s: HTTP %d", url, resp.StatusCode)
			}
		}
	}
	var apiRate, refRate float64
	for range 3 {
		apiRate += run(discard(s.url+"/v1/share/link/list", s.token))
		refRate += run(discard(ref+"/list", ""))
	}
	apiRate, refRate = apiRate/3, refRate/3
	ratio := apiRate / refRate
	b.ReportMetric(apiRate, "req/s")
	b.ReportMetric(ratio, "vs-reference-x")
	b.ReportMetric(0, "ns/op")
	fmt.Printf("%-58s %7.0f req/s  reference %7.0f req/s: %.2f× (floor 0.8×) %s  (load %s)\n",
		b.Name(), apiRate, refRate, ratio, mark(ratio >= 0.8), loadAvg())
}

func sortDurations(d []time.Duration) { slices.Sort(d) }
