-- What happened to each link: created, sent, opened, signed in, downloads, uploads, revoked, expired.
-- No foreign key to links: a revoked link's history outlives its row, until the sweeper purges events
-- older than the expired-link retention whose link is gone. links.expiry_noted makes "expired" an event
-- recorded once per link, whether the sweeper or a recipient's refused visit sees it first.

-- +goose Up
CREATE TABLE link_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    link_id     TEXT NOT NULL,
    bucket_id   TEXT NOT NULL,
    type        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    client      TEXT NOT NULL DEFAULT '',
    method      TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    object_name TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX link_events_link ON link_events (link_id, seq);
CREATE INDEX link_events_type ON link_events (type, link_id);
CREATE INDEX link_events_at ON link_events (at);

ALTER TABLE links ADD COLUMN expiry_noted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX links_expiry_unnoted ON links (expires_at) WHERE expiry_noted = 0;

-- A delivery is written once per event and endpoint, so a replayed write cannot send an event twice.
CREATE UNIQUE INDEX webhook_outbox_event ON webhook_outbox (endpoint, event_id);

-- +goose Down
DROP INDEX webhook_outbox_event;
DROP INDEX links_expiry_unnoted;
ALTER TABLE links DROP COLUMN expiry_noted;
DROP TABLE link_events;
