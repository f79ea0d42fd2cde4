// Package metrics exposes sharedesk's Prometheus metrics on their own listener. Every label value comes
// from a small fixed set (server, route pattern, method, status code, sign-in method, outcome, kind), never
// from a token, an id or an address, so the number of series stays bounded whatever clients send.
package metrics

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors of one process.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	LinksCreated prometheus.Counter
	LinksRevoked prometheus.Counter
	LinksExpired prometheus.Counter
	// SignIns counts recipient sign-ins by method (password, email_otp, sms_otp) and outcome
	// (success, failure, refused: a limit was reached before the check).
	SignIns *prometheus.CounterVec
	// CodesSent and DeliveryFailures count one-time codes and link emails by channel (email, sms).
	CodesSent        *prometheus.CounterVec
	DeliveryFailures *prometheus.CounterVec
	BytesUploaded    prometheus.Counter
	BytesDownloaded  prometheus.Counter
	// SweepRemoved counts what the retention sweeper removed, by kind; SweepRuns counts passes by outcome.
	SweepRemoved *prometheus.CounterVec
	SweepRuns    *prometheus.CounterVec
}

// New makes the collectors, with Go runtime and process metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	f(collectors.NewGoCollector())
	f(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{reg: reg}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sharedesk_http_requests_total", Help: "HTTP requests by server (api, portal, console), route pattern, " +
			"method and status code.",
	}, []string{"server", "route", "method", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "sharedesk_http_request_duration_seconds", Help: "Time to answer HTTP requests, by server, route " +
			"pattern, method and status code.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10, 60},
	}, []string{"server", "route", "method", "code"})
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		f(c)
		return c
	}
	vec := func(name, help string, labels ...string) *prometheus.CounterVec {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
		f(c)
		return c
	}
	f(m.requests)
	f(m.duration)
	m.LinksCreated = counter("sharedesk_links_created_total", "Share links created.")
	m.LinksRevoked = counter("sharedesk_links_revoked_total", "Share links revoked (deleted).")
	m.LinksExpired = counter("sharedesk_links_expired_total", "Share links that expired (counted once, when the "+
		"expiry is recorded in the link's history).")
	//nolint:misspell // a published metric name: renaming it would break dashboards
	m.SignIns = vec("sharedesk_recipient_signins_total", "Recipient sign-in attempts by method and "+
		"outcome.", "method", "outcome")
	m.CodesSent = vec("sharedesk_codes_sent_total", "One-time codes and link emails handed to delivery, by "+
		"channel.", "channel")
	m.DeliveryFailures = vec("sharedesk_delivery_failures_total", "Emails and texts that could not be delivered, by "+
		"channel.", "channel")
	m.BytesUploaded = counter("sharedesk_bytes_uploaded_total", "File bytes stored through the API and the portal.")
	m.BytesDownloaded = counter("sharedesk_bytes_downloaded_total", "File bytes served through the API and the portal.")
	m.SweepRemoved = vec("sharedesk_sweeper_removed_total", "What the retention sweeper removed, by kind.", "kind")
	m.SweepRuns = vec("sharedesk_sweeper_runs_total", "Retention sweeper passes by outcome (ok, error).", "outcome")
	return m
}

// WatchDB adds the connection pool statistics of db (open, in use, idle, waits) under the name db_name.
func (m *Metrics) WatchDB(name string, db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is for tests and for adding collectors of other packages.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

type routeKey struct{}

// route is filled in by whichever router serves the request.
type route struct{ pattern string }

// SetRoute records the route pattern of the request being served (for routers other than
// http.ServeMux, e.g. Echo's c.Path()). It does nothing outside Instrument.
func SetRoute(ctx context.Context, pattern string) {
	if r, ok := ctx.Value(routeKey{}).(*route); ok {
		r.pattern = pattern
	}
}

// Instrument counts and times every request to next as server. The route label is the pattern mux
// matches (without serving it twice), or what the router recorded with SetRoute; requests that match no
// route are "other", so unknown paths cannot create series.
func (m *Metrics) Instrument(server string, mux *http.ServeMux, next http.Handler) http.Handler {
	labels := prometheus.Labels{"server": server}
	opt := promhttp.WithLabelFromCtx("route", func(ctx context.Context) string {
		if r, ok := ctx.Value(routeKey{}).(*route); ok && r.pattern != "" {
			return r.pattern
		}
		return "other"
	})
	h := promhttp.InstrumentHandlerDuration(m.duration.MustCurryWith(labels),
		promhttp.InstrumentHandlerCounter(m.requests.MustCurryWith(labels), next, opt), opt)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt := &route{}
		if mux != nil {
			if _, p := mux.Handler(r); p != "" {
				rt.pattern = p
			}
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, rt)))
	})
}
