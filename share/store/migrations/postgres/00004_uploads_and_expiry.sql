-- Upload URLs (transfer methods put-url and post-url) and file expiry (file_ttl).
-- A pending upload is the request a client polls at /request/{id}; the object it names appears only
-- when the bytes have arrived and been checked. file_ttl is the explicit setting of an object,
-- file_ttl_effective and file_ttl_from what applies to a file (its own or its nearest folder's), and
-- expires_at (files only, NULL = never) is when the retention sweeper may delete it.

-- +goose Up
ALTER TABLE objects ADD COLUMN file_ttl TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN file_ttl_effective TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN file_ttl_from TEXT NOT NULL DEFAULT '';
ALTER TABLE objects ADD COLUMN expires_at BIGINT;
CREATE INDEX objects_expires ON objects (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE pending_uploads (
    id              TEXT PRIMARY KEY,
    bucket_id       TEXT NOT NULL REFERENCES buckets (id),
    object_id       TEXT NOT NULL UNIQUE,
    transfer_method TEXT NOT NULL,
    request         TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending', -- pending, uploading, done, failed
    error           TEXT NOT NULL DEFAULT ''         -- the refusal (JSON) when failed
);
CREATE INDEX pending_uploads_expires ON pending_uploads (expires_at);

-- +goose Down
DROP TABLE pending_uploads;
DROP INDEX objects_expires;
ALTER TABLE objects DROP COLUMN expires_at;
ALTER TABLE objects DROP COLUMN file_ttl_from;
ALTER TABLE objects DROP COLUMN file_ttl_effective;
ALTER TABLE objects DROP COLUMN file_ttl;
