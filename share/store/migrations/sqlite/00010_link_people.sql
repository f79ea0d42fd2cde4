-- Finding a link by a person: every address or phone number a link is for (the address it was sent
-- to, and the contexts of its email-code and SMS-code authenticators, never a password's), lower-cased
-- and one per line in links.people, searched through a trigram index of its own (links_people_fts:
-- smaller than adding a fifth column to links_fts, which would rebuild that index over every link).
--
-- people is derived by these triggers and nothing else, so it is right on every path that writes a
-- link's recipient or authenticators (create, send, an edit of the link, a hand-written UPDATE):
-- links_people_insert and links_people_update recompute it from the row itself. SQLite triggers
-- cannot change NEW, so they update the row they fire for; that UPDATE sets only people, which no
-- trigger watches. The trigram index is kept by the same triggers, in the same statements, so the
-- order in which SQLite fires triggers does not matter.

-- +goose Up
ALTER TABLE links ADD COLUMN people TEXT NOT NULL DEFAULT '';

UPDATE links SET people = lower(trim(recipient_email || char(10) || COALESCE((
    SELECT group_concat(json_extract(a.value, '$.auth_context'), char(10)) FROM json_each(links.authenticators) AS a
    WHERE json_extract(a.value, '$.auth_type') IN ('email_otp', 'sms_otp')), ''), char(10)));

CREATE VIRTUAL TABLE links_people_fts USING fts5(
    people, content = 'links', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO links_people_fts (links_people_fts) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER links_people_insert AFTER INSERT ON links BEGIN
    UPDATE links SET people = lower(trim(new.recipient_email || char(10) || COALESCE((
        SELECT group_concat(json_extract(a.value, '$.auth_context'), char(10)) FROM json_each(new.authenticators) AS a
        WHERE json_extract(a.value, '$.auth_type') IN ('email_otp', 'sms_otp')), ''), char(10)))
    WHERE rowid = new.rowid;
    INSERT INTO links_people_fts (rowid, people) SELECT rowid, people FROM links WHERE rowid = new.rowid;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER links_people_update AFTER UPDATE OF recipient_email, authenticators ON links BEGIN
    INSERT INTO links_people_fts (links_people_fts, rowid, people) VALUES ('delete', old.rowid, old.people);
    UPDATE links SET people = lower(trim(new.recipient_email || char(10) || COALESCE((
        SELECT group_concat(json_extract(a.value, '$.auth_context'), char(10)) FROM json_each(new.authenticators) AS a
        WHERE json_extract(a.value, '$.auth_type') IN ('email_otp', 'sms_otp')), ''), char(10)))
    WHERE rowid = new.rowid;
    INSERT INTO links_people_fts (rowid, people) SELECT rowid, people FROM links WHERE rowid = new.rowid;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER links_people_delete AFTER DELETE ON links BEGIN
    INSERT INTO links_people_fts (links_people_fts, rowid, people) VALUES ('delete', old.rowid, old.people);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER links_people_delete;
DROP TRIGGER links_people_update;
DROP TRIGGER links_people_insert;
DROP TABLE links_people_fts;
ALTER TABLE links DROP COLUMN people;
