-- Finding a link by a person, and by what its recipients did.
--
-- links.people is every address or phone number a link is for (the address it was sent to, then the
-- contexts of its email-code and SMS-code authenticators, never a password's; an address already
-- named once is not repeated), lower-cased, one per line, searched through a trigram index of its own
-- (links_people_fts: smaller than a fifth column of links_fts, which would rebuild that index over
-- every link). It is derived by the triggers below and nothing else, so it is right on every path that
-- writes a link's recipient or authenticators (create, send, an edit of the link, a hand-written
-- UPDATE). SQLite triggers cannot change NEW, so they update the row they fire for; that UPDATE sets
-- only people, which no trigger watches. The trigram index is kept by the same triggers, in the same
-- statements, so the order in which SQLite fires triggers does not matter.
--
-- links.opened and links.downloaded (0 or 1) say whether the link's history holds an "opened" event,
-- and a file or zip download. They are set by a trigger on link_events, once per link (later events
-- write nothing), so the Activity filter is an indexed column instead of a probe of the history per
-- link: a page of "never opened" links, and its count, read one index range.

-- +goose Up
ALTER TABLE links ADD COLUMN people TEXT NOT NULL DEFAULT '';

UPDATE links SET people = lower(trim(recipient_email || char(10) || COALESCE((
    SELECT group_concat(json_extract(a.value, '$.auth_context'), char(10)) FROM json_each(links.authenticators) AS a
    WHERE json_extract(a.value, '$.auth_type') IN ('email_otp', 'sms_otp')
        AND lower(json_extract(a.value, '$.auth_context')) <> lower(links.recipient_email)), ''), char(10)));

CREATE VIRTUAL TABLE links_people_fts USING fts5(
    people, content = 'links', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO links_people_fts (links_people_fts) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER links_people_insert AFTER INSERT ON links BEGIN
    UPDATE links SET people = lower(trim(new.recipient_email || char(10) || COALESCE((
        SELECT group_concat(json_extract(a.value, '$.auth_context'), char(10)) FROM json_each(new.authenticators) AS a
        WHERE json_extract(a.value, '$.auth_type') IN ('email_otp', 'sms_otp')
            AND lower(json_extract(a.value, '$.auth_context')) <> lower(new.recipient_email)), ''), char(10)))
    WHERE rowid = new.rowid;
    INSERT INTO links_people_fts (rowid, people) SELECT rowid, people FROM links WHERE rowid = new.rowid;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER links_people_update AFTER UPDATE OF recipient_email, authenticators ON links BEGIN
    INSERT INTO links_people_fts (links_people_fts, rowid, people) VALUES ('delete', old.rowid, old.people);
    UPDATE links SET people = lower(trim(new.recipient_email || char(10) || COALESCE((
        SELECT group_concat(json_extract(a.value, '$.auth_context'), char(10)) FROM json_each(new.authenticators) AS a
        WHERE json_extract(a.value, '$.auth_type') IN ('email_otp', 'sms_otp')
            AND lower(json_extract(a.value, '$.auth_context')) <> lower(new.recipient_email)), ''), char(10)))
    WHERE rowid = new.rowid;
    INSERT INTO links_people_fts (rowid, people) SELECT rowid, people FROM links WHERE rowid = new.rowid;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER links_people_delete AFTER DELETE ON links BEGIN
    INSERT INTO links_people_fts (links_people_fts, rowid, people) VALUES ('delete', old.rowid, old.people);
END;
-- +goose StatementEnd

ALTER TABLE links ADD COLUMN opened INTEGER NOT NULL DEFAULT 0;
ALTER TABLE links ADD COLUMN downloaded INTEGER NOT NULL DEFAULT 0;
UPDATE links SET opened = 1 WHERE id IN (SELECT link_id FROM link_events WHERE type = 'opened');
UPDATE links SET downloaded = 1 WHERE id IN (SELECT link_id FROM link_events WHERE type IN ('file_downloaded', 'zip_downloaded'));
CREATE INDEX links_opened ON links (bucket_id, opened, created_at, id);
CREATE INDEX links_downloaded ON links (bucket_id, created_at, id) WHERE downloaded = 1;

-- +goose StatementBegin
CREATE TRIGGER link_events_activity AFTER INSERT ON link_events
WHEN new.type IN ('opened', 'file_downloaded', 'zip_downloaded') BEGIN
    UPDATE links SET opened = 1 WHERE id = new.link_id AND opened = 0 AND new.type = 'opened';
    UPDATE links SET downloaded = 1 WHERE id = new.link_id AND downloaded = 0 AND new.type <> 'opened';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER link_events_activity;
DROP INDEX links_downloaded;
DROP INDEX links_opened;
ALTER TABLE links DROP COLUMN downloaded;
ALTER TABLE links DROP COLUMN opened;
DROP TRIGGER links_people_delete;
DROP TRIGGER links_people_update;
DROP TRIGGER links_people_insert;
DROP TABLE links_people_fts;
ALTER TABLE links DROP COLUMN people;
