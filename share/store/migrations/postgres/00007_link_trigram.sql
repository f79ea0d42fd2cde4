-- Substring filters (title__contains, recipient_email__contains, …) over a million links scan every
-- row with ILIKE; a pg_trgm GIN index answers them from posting lists, as the FTS5 trigram index does
-- on SQLite. pg_trgm is a trusted extension (PostgreSQL 13+), so a role allowed to CREATE in the
-- database may install it. If it cannot, the migration still succeeds and ILIKE keeps working
-- without the index; the server warns at every start until the index exists (it creates the index
-- itself once the extension is there). The extension goes into public when possible: it is
-- database-wide, and a schema holding it would take it, and every index using it, along when dropped.

-- +goose Up
-- +goose StatementBegin
DO $$
DECLARE
    ns text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN OTHERS THEN
            RETURN; -- the server warns at every start (store.ensureTrigram)
        END;
    END;
    SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    -- One index per column: each is smaller than one over all four, and the planner prices it so.
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_title_trgm ON links USING gin (title %I.gin_trgm_ops)', ns);
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_message_trgm ON links USING gin (message %I.gin_trgm_ops)', ns);
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_recipient_trgm ON links USING gin (recipient_email %I.gin_trgm_ops)', ns);
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_sender_trgm ON links USING gin (sender_email %I.gin_trgm_ops)', ns);
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS links_title_trgm;
DROP INDEX IF EXISTS links_message_trgm;
DROP INDEX IF EXISTS links_recipient_trgm;
DROP INDEX IF EXISTS links_sender_trgm;
