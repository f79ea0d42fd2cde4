package main

import (
	"net/http"
	"strings"

	"github.com/sharedesk/sharedesk/metrics"
	"github.com/sharedesk/sharedesk/share"
)

// metricsListener is the listener of --metrics-listen, or none. It is its own server so that the
// public port never serves /metrics.
func metricsListener(addr string, m *metrics.Metrics) []listener {
	if addr == "" || m == nil {
		return nil
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return []listener{{name: "metrics", addr: addr, handler: mux}}
}

// observeEvents moves the counters that link events stand for. Labels come from fixed sets only.
func observeEvents(m *metrics.Metrics, evs []share.Event) {
	for _, ev := range evs {
		switch ev.Type {
		case share.EventCreated:
			m.LinksCreated.Inc()
		case share.EventRevoked:
			m.LinksRevoked.Inc()
		case share.EventExpired:
			m.LinksExpired.Inc()
		case share.EventSignedIn:
			m.SignIns.WithLabelValues(signInMethod(ev.Method), "success").Inc()
		case share.EventFailedAttempt:
			outcome := "failure"
			if ev.Outcome == share.OutcomeRefused {
				outcome = "refused"
			}
			m.SignIns.WithLabelValues(signInMethod(ev.Method), outcome).Inc()
		case share.EventCodeRequested, share.EventSent:
			channel := "email"
			if ev.Method == share.AuthSMSOTP {
				channel = "sms"
			}
			// Every code or email handed to delivery is counted, and the failed ones again, so
			// failures / sent is a ratio an alert can use.
			switch ev.Outcome {
			case "":
				m.CodesSent.WithLabelValues(channel).Inc()
			case share.OutcomeFailed:
				m.CodesSent.WithLabelValues(channel).Inc()
				m.DeliveryFailures.WithLabelValues(channel).Inc()
			}
		}
	}
}

// signInMethod keeps the method label to its known values.
func signInMethod(m string) string {
	switch m {
	case share.AuthPassword, share.AuthEmailOTP, share.AuthSMSOTP:
		return m
	}
	return "other"
}

// observeBytes counts file bytes stored and served.
func observeBytes(m *metrics.Metrics) func(up bool, n int64) {
	return func(up bool, n int64) {
		if up {
			m.BytesUploaded.Add(float64(n))
		} else {
			m.BytesDownloaded.Add(float64(n))
		}
	}
}

// instrumentShare labels share-server requests "api" (/v1…) or "portal" (everything else), by the
// ServeMux pattern that serves them.
func instrumentShare(m *metrics.Metrics, mux *http.ServeMux, next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	apiH, portalH := m.Instrument("api", mux, next), m.Instrument("portal", mux, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v1/") || strings.HasPrefix(r.URL.Path, "/v1beta/") {
			apiH.ServeHTTP(w, r)
			return
		}
		portalH.ServeHTTP(w, r)
	})
}

// observeSweep counts what a sweeper pass removed, and the pass itself.
func observeSweep(m *metrics.Metrics, rep share.SweepReport, err error) {
	for kind, n := range map[string]int{
		"temp_files": rep.TempFiles, "orphan_blobs": rep.OrphanBlobs, "expired_files": rep.ExpiredFiles,
		"expired_links": rep.ExpiredLinks, "revoked_links": rep.RevokedLinks, "link_events": rep.Events,
		"upload_urls": rep.UploadURLs} {
		m.SweepRemoved.WithLabelValues(kind).Add(float64(n))
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.SweepRuns.WithLabelValues(outcome).Inc()
}
