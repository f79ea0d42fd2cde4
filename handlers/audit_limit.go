package handlers

import (
	"time"

	"github.com/labstack/echo/v5/middleware"
)

// anonAuditLimit bounds the audit rows that people who are not signed in can cause (refused
// sign-ins): 10 a minute per client address (bursts of 10), 60 a minute from everyone together
// (bursts of 60), per console instance. Past it the refusal still gets its request log line, marked
// audit_skipped, but no row.
type anonAuditLimit struct {
	perClient, all *middleware.RateLimiterMemoryStore
}

func newAnonAuditLimit() *anonAuditLimit {
	return &anonAuditLimit{
		perClient: middleware.NewRateLimiterMemoryStoreWithConfig(
			middleware.RateLimiterMemoryStoreConfig{Rate: 10.0 / 60, Burst: 10, ExpiresIn: 10 * time.Minute},
		),
		all: middleware.NewRateLimiterMemoryStoreWithConfig(
			middleware.RateLimiterMemoryStoreConfig{Rate: 1, Burst: 60, ExpiresIn: 10 * time.Minute},
		),
	}
}

// allow reports whether an unauthenticated audit row from client may be written now.
func (l *anonAuditLimit) allow(client string) bool {
	if ok, _ := l.perClient.Allow(client); !ok {
		return false
	}
	ok, _ := l.all.Allow("")
	return ok
}
