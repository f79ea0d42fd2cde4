-- Counting all links of a bucket would walk a million index entries on every list call; a counter
-- kept by triggers answers at once. (Substring search uses plain ILIKE here: pg_trgm needs an
-- extension the database role may not be allowed to create.)

-- +goose Up
CREATE TABLE link_counts (
    bucket_id TEXT PRIMARY KEY,
    n         BIGINT NOT NULL
);
INSERT INTO link_counts (bucket_id, n) SELECT bucket_id, COUNT(*) FROM links GROUP BY bucket_id;

-- +goose StatementBegin
CREATE FUNCTION link_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO link_counts (bucket_id, n) VALUES (NEW.bucket_id, 1)
        ON CONFLICT (bucket_id) DO UPDATE SET n = link_counts.n + 1;
        RETURN NEW;
    END IF;
    UPDATE link_counts SET n = n - 1 WHERE bucket_id = OLD.bucket_id;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER link_counts_change AFTER INSERT OR DELETE ON links
    FOR EACH ROW EXECUTE FUNCTION link_counts_change();

-- +goose Down
DROP TRIGGER link_counts_change ON links;
DROP FUNCTION link_counts_change();
DROP TABLE link_counts;
