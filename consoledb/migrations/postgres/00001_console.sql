-- The console's own tables: staff sessions, sign-in attempts in flight, and the audit log. They live
-- beside the share tables by default, or in their own database when the console fronts Pangea.

-- +goose Up
CREATE TABLE console_sessions (
    id_hash      TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    id_token     TEXT NOT NULL DEFAULT '',
    client       TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    data         TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_subject ON console_sessions (subject);

CREATE TABLE console_logins (
    state_hash   TEXT PRIMARY KEY,
    binding_hash TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    return_to    TEXT NOT NULL DEFAULT '/',
    created_at   BIGINT NOT NULL
);

CREATE TABLE console_audit (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_sub   TEXT NOT NULL DEFAULT '',
    actor_email TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL,
    client      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX console_audit_at ON console_audit (at);
CREATE INDEX console_audit_actor ON console_audit (actor_email, at);
CREATE INDEX console_audit_action ON console_audit (action, at);
CREATE INDEX console_audit_target ON console_audit (target);

-- +goose Down
DROP TABLE console_audit;
DROP TABLE console_logins;
DROP TABLE console_sessions;
