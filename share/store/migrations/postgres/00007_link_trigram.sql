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
            RAISE WARNING 'pg_trgm cannot be created (%): substring filters will scan the links table', SQLERRM;
            RETURN;
        END;
    END;
    SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_search_trgm ON links USING gin '
        '(title %1$I.gin_trgm_ops, message %1$I.gin_trgm_ops, recipient_email %1$I.gin_trgm_ops, sender_email %1$I.gin_trgm_ops)', ns);
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS links_search_trgm;
