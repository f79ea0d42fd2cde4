-- +goose Up
CREATE TABLE buckets (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE objects (
    id         TEXT PRIMARY KEY,
    bucket_id  TEXT NOT NULL REFERENCES buckets (id),
    parent_id  TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    size       BIGINT NOT NULL DEFAULT 0,
    mimetype   TEXT NOT NULL DEFAULT '',
    sha256     TEXT NOT NULL DEFAULT '',
    sha512     TEXT NOT NULL DEFAULT '',
    md5        TEXT NOT NULL DEFAULT '',
    metadata   TEXT NOT NULL DEFAULT '{}',
    tags       TEXT NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX objects_name ON objects (bucket_id, parent_id, name);
CREATE INDEX objects_created ON objects (bucket_id, created_at, id);
CREATE INDEX objects_parent_created ON objects (bucket_id, parent_id, created_at, id);

CREATE TABLE object_tags (
    object_id TEXT NOT NULL REFERENCES objects (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    PRIMARY KEY (object_id, tag)
);
CREATE INDEX object_tags_tag ON object_tags (tag, object_id);

CREATE TABLE links (
    id               TEXT PRIMARY KEY,
    bucket_id        TEXT NOT NULL REFERENCES buckets (id),
    token_hash       TEXT NOT NULL UNIQUE,
    token_sealed     BLOB NOT NULL,
    link_type        TEXT NOT NULL,
    targets          TEXT NOT NULL,
    access_count     BIGINT NOT NULL DEFAULT 0,
    max_access_count BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    last_accessed_at BIGINT NOT NULL DEFAULT 0,
    authenticators   TEXT NOT NULL,
    title            TEXT NOT NULL DEFAULT '',
    message          TEXT NOT NULL DEFAULT '',
    recipient_email  TEXT NOT NULL DEFAULT '',
    sender_email     TEXT NOT NULL DEFAULT '',
    sender_name      TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX links_created ON links (bucket_id, created_at, id);
CREATE INDEX links_expires ON links (bucket_id, expires_at, id);
CREATE INDEX links_type_created ON links (bucket_id, link_type, created_at, id);
CREATE INDEX links_recipient ON links (bucket_id, recipient_email, id);
CREATE INDEX links_access ON links (bucket_id, access_count, id);
CREATE INDEX links_last_access ON links (bucket_id, last_accessed_at, id);

CREATE TABLE link_targets (
    link_id   TEXT NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    object_id TEXT NOT NULL,
    PRIMARY KEY (link_id, object_id)
);
CREATE INDEX link_targets_object ON link_targets (object_id, link_id);

CREATE TABLE link_tags (
    link_id TEXT NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (link_id, tag)
);
CREATE INDEX link_tags_tag ON link_tags (tag, link_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL DEFAULT 0,
    revoked_at   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body_text  TEXT NOT NULL DEFAULT '',
    body_html  TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE outbox;
DROP TABLE api_tokens;
DROP TABLE link_tags;
DROP TABLE link_targets;
DROP TABLE links;
DROP TABLE object_tags;
DROP TABLE objects;
DROP TABLE buckets;
