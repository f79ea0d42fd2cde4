-- PostgreSQL's 00007 adds the pg_trgm index that SQLite's FTS5 trigram index (00002) already gives;
-- this keeps the migration numbers of both databases aligned.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
