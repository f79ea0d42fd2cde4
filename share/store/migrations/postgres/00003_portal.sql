-- Recipient access: one-time codes, failed attempts (for rate limits) and portal sessions. Codes and
-- failures go with their link. A session outlives its link only so the recipient can be told the
-- link was revoked: every request checks that the link still exists.

-- +goose Up
CREATE TABLE otp_codes (
    id         TEXT PRIMARY KEY,
    link_id    TEXT NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    auth_index INTEGER NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    BIGINT NOT NULL DEFAULT 0,
    superseded INTEGER NOT NULL DEFAULT 0 -- a newer code was sent: only the latest one works
);
CREATE INDEX otp_codes_link ON otp_codes (link_id, created_at);

CREATE TABLE auth_failures (
    link_id TEXT NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    client  TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX auth_failures_link ON auth_failures (link_id, at);
CREATE INDEX auth_failures_client ON auth_failures (client, at);

CREATE TABLE portal_sessions (
    id_hash    TEXT PRIMARY KEY,
    link_id    TEXT NOT NULL, -- no cascade: a session of a revoked link must still say "revoked" until purged
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX portal_sessions_link ON portal_sessions (link_id);

-- +goose Down
DROP TABLE portal_sessions;
DROP TABLE auth_failures;
DROP TABLE otp_codes;
