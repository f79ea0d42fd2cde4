-- Substring search (title__contains and friends) over a million links would scan every row; a
-- trigram index answers it from the posting lists instead. Counting all links of a bucket would
-- walk an index of a million entries on every list call; a counter kept by triggers answers at once.

-- +goose Up
CREATE VIRTUAL TABLE links_fts USING fts5(
    title, message, recipient_email, sender_email,
    content = 'links', content_rowid = 'rowid', tokenize = 'trigram'
);
INSERT INTO links_fts (links_fts) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER links_fts_insert AFTER INSERT ON links BEGIN
    INSERT INTO links_fts (rowid, title, message, recipient_email, sender_email)
    VALUES (new.rowid, new.title, new.message, new.recipient_email, new.sender_email);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER links_fts_delete AFTER DELETE ON links BEGIN
    INSERT INTO links_fts (links_fts, rowid, title, message, recipient_email, sender_email)
    VALUES ('delete', old.rowid, old.title, old.message, old.recipient_email, old.sender_email);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER links_fts_update AFTER UPDATE OF title, message, recipient_email, sender_email ON links BEGIN
    INSERT INTO links_fts (links_fts, rowid, title, message, recipient_email, sender_email)
    VALUES ('delete', old.rowid, old.title, old.message, old.recipient_email, old.sender_email);
    INSERT INTO links_fts (rowid, title, message, recipient_email, sender_email)
    VALUES (new.rowid, new.title, new.message, new.recipient_email, new.sender_email);
END;
-- +goose StatementEnd

CREATE TABLE link_counts (
    bucket_id TEXT PRIMARY KEY,
    n         BIGINT NOT NULL
);
INSERT INTO link_counts (bucket_id, n) SELECT bucket_id, COUNT(*) FROM links GROUP BY bucket_id;

-- +goose StatementBegin
CREATE TRIGGER link_counts_insert AFTER INSERT ON links BEGIN
    INSERT INTO link_counts (bucket_id, n) VALUES (new.bucket_id, 1)
    ON CONFLICT (bucket_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER link_counts_delete AFTER DELETE ON links BEGIN
    UPDATE link_counts SET n = n - 1 WHERE bucket_id = old.bucket_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER link_counts_delete;
DROP TRIGGER link_counts_insert;
DROP TABLE link_counts;
DROP TRIGGER links_fts_update;
DROP TRIGGER links_fts_delete;
DROP TRIGGER links_fts_insert;
DROP TABLE links_fts;
