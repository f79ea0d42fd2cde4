-- The webhook outbox: one row per event and endpoint, written when the event happens and delivered
-- afterwards in seq order per endpoint. state: 0 pending, 1 delivered, 2 given up.

-- +goose Up
CREATE TABLE webhook_outbox (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint        TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    link_id         TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    payload         TEXT NOT NULL,
    state           INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    locked_until    BIGINT NOT NULL DEFAULT 0,
    delivered_at    BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox (endpoint, state, seq);

-- +goose Down
DROP TABLE webhook_outbox;
