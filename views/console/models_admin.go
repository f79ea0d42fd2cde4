package console

import (
	"time"
)

// AuditVM is the audit log; the filter round-trips through the URL like the Links view's.
type AuditVM struct {
	Page
	Rows     []AuditRow
	Q        string
	Actor    string
	Action   string
	From, To string
	Actors   []string
	Actions  []string
	Errors   map[string]string // filter field -> problem
	Filtered bool
	NextURL  string // older entries
	PrevURL  string // newer entries
	CSVURL   string
}

// AuditRow is one audit entry.
type AuditRow struct {
	At                                     time.Time
	Actor, Action, Target, Detail, Outcome string
}

// TokenRow is one API token (never its secret).
type TokenRow struct {
	ID, Name, Fingerprint      string
	Admin                      bool
	Created, LastUsed, Revoked time.Time
}

// TokensVM is the API tokens page, re-shown with what was typed when a create is refused.
type TokensVM struct {
	Page
	Tokens []TokenRow
	Name   string
	Errors map[string]string
	// Unavailable says why tokens cannot be managed from the console (the service token is not an
	// admin token; the share service has no token endpoints).
	Unavailable string
	Now         time.Time
}

// TokenCreatedVM shows a new token's secret, once; Secret is empty when it was shown already.
type TokenCreatedVM struct {
	Page
	Token  TokenRow
	Secret string
}

// RevokeTokenVM asks before revoking a token (the no-JavaScript path).
type RevokeTokenVM struct {
	Page
	Token TokenRow
}

// OutboxVM lists the messages the demo would have sent.
type OutboxVM struct {
	Page
	Messages []OutboxMessage
}

// OutboxMessage is one email or text.
type OutboxMessage struct {
	Kind, To, Subject, Text string
	At                      time.Time
	Link                    string
}

// SessionsVM lists signed-in staff.
type SessionsVM struct {
	Page
	Rows []SessionRow
}

// SessionRow is one console session.
type SessionRow struct {
	IDHash, Name, Email, Role, Client, Agent string
	Created, LastSeen                        time.Time
	Current                                  bool
}
