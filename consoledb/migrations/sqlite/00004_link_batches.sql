-- One row per New link form that was posted: its one-time key, who posted it, and what came of it, so
-- that a reload, Back or a second click never creates links or sends emails twice, and the result page
-- can be shown again. Rows are purged after a week.

-- +goose Up
CREATE TABLE console_link_batches (
    id         TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    done       INTEGER NOT NULL DEFAULT 0,
    result     TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX console_link_batches_created ON console_link_batches (created_at);

-- +goose Down
DROP TABLE console_link_batches;
