-- Revoked links stay findable: link/delete keeps a tombstone of each link it deletes, in the same
-- transaction, with what the link was (its listing fields; never its token, message or password
-- hashes), when it was revoked and by whom. The sweeper purges a tombstone, with the link's history,
-- once it is older than the expired-link retention. search holds the title and every address and phone
-- number of the link, lower-cased by the service (Unicode, not only ASCII), for the substring filter.

-- +goose Up
CREATE TABLE revoked_links (
    id               TEXT PRIMARY KEY,
    bucket_id        TEXT NOT NULL,
    link_type        TEXT NOT NULL,
    targets          TEXT NOT NULL,
    access_count     BIGINT NOT NULL,
    max_access_count BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    last_accessed_at BIGINT NOT NULL DEFAULT 0,
    authenticators   TEXT NOT NULL,
    title            TEXT NOT NULL DEFAULT '',
    recipient_email  TEXT NOT NULL DEFAULT '',
    sender_email     TEXT NOT NULL DEFAULT '',
    sender_name      TEXT NOT NULL DEFAULT '',
    revoked_at       BIGINT NOT NULL,
    revoked_by       TEXT NOT NULL DEFAULT '',
    revoked_via      TEXT NOT NULL DEFAULT '',
    search           TEXT NOT NULL DEFAULT ''
);
-- Newest revocation first, per bucket (the listing's order and its keyset cursor).
CREATE INDEX revoked_links_recent ON revoked_links (bucket_id, revoked_at, id);
-- The sweeper's purge, across buckets.
CREATE INDEX revoked_links_revoked ON revoked_links (revoked_at);

-- +goose Down
DROP TABLE revoked_links;
