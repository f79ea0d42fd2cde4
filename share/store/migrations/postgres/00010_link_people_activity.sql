-- Finding a link by a person, and by what its recipients did.
--
-- links.people is every address or phone number a link is for (the address it was sent to, then the
-- contexts of its email-code and SMS-code authenticators, never a password's; an address already
-- named once is not repeated), lower-cased, one per line, searched through a pg_trgm GIN index. It is
-- derived by the trigger links_people_set and nothing else, so it is right on every path that writes a
-- link's recipient or authenticators (create, send, an edit of the link, a hand-written UPDATE): the
-- trigger recomputes it from the row before the row is written. links_people() is the one
-- definition, used by the trigger and the backfill.
--
-- links.opened and links.downloaded (0 or 1) say whether the link's history holds an "opened" event,
-- and a file or zip download. They are set by a trigger on link_events, once per link (later events
-- write nothing), so the Activity filter is an indexed column instead of a probe of the history per
-- link: a page of "never opened" links, and its count, read one index range.

-- +goose Up
ALTER TABLE links ADD COLUMN people TEXT NOT NULL DEFAULT '';

-- +goose StatementBegin
CREATE FUNCTION links_people(recipient TEXT, auths TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
    SELECT lower(concat_ws(E'\n', NULLIF(recipient, ''), (
        SELECT string_agg(a.value ->> 'auth_context', E'\n' ORDER BY a.n)
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(auths::jsonb) = 'array' THEN auths::jsonb ELSE '[]' END)
            WITH ORDINALITY AS a (value, n)
        WHERE a.value ->> 'auth_type' IN ('email_otp', 'sms_otp')
            AND lower(a.value ->> 'auth_context') <> lower(recipient))))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION links_people_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.people := links_people(NEW.recipient_email, NEW.authenticators);
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER links_people_set BEFORE INSERT OR UPDATE OF recipient_email, authenticators, people ON links
    FOR EACH ROW EXECUTE FUNCTION links_people_set();

UPDATE links SET people = links_people(recipient_email, authenticators);

-- The index needs pg_trgm, as 00007's do; without it the migration still succeeds, ILIKE works
-- without the index, and the server warns at every start (store.ensureTrigram) until it can build it.
-- +goose StatementBegin
DO $$
DECLARE
    ns text;
BEGIN
    SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ns IS NOT NULL THEN
        EXECUTE format('CREATE INDEX IF NOT EXISTS links_people_trgm ON links USING gin (people %I.gin_trgm_ops)', ns);
    END IF;
END;
$$;
-- +goose StatementEnd

ALTER TABLE links ADD COLUMN opened INTEGER NOT NULL DEFAULT 0, ADD COLUMN downloaded INTEGER NOT NULL DEFAULT 0;
UPDATE links SET opened = 1 WHERE id IN (SELECT link_id FROM link_events WHERE type = 'opened');
UPDATE links SET downloaded = 1 WHERE id IN (SELECT link_id FROM link_events WHERE type IN ('file_downloaded', 'zip_downloaded'));
CREATE INDEX links_opened ON links (bucket_id, opened, created_at, id);
CREATE INDEX links_downloaded ON links (bucket_id, created_at, id) WHERE downloaded = 1;

-- +goose StatementBegin
CREATE FUNCTION link_events_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.type = 'opened' THEN
        UPDATE links SET opened = 1 WHERE id = NEW.link_id AND opened = 0;
    ELSIF NEW.type IN ('file_downloaded', 'zip_downloaded') THEN
        UPDATE links SET downloaded = 1 WHERE id = NEW.link_id AND downloaded = 0;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER link_events_activity AFTER INSERT ON link_events
    FOR EACH ROW EXECUTE FUNCTION link_events_activity();

-- +goose Down
DROP TRIGGER link_events_activity ON link_events;
DROP FUNCTION link_events_activity();
DROP INDEX links_downloaded;
DROP INDEX links_opened;
ALTER TABLE links DROP COLUMN downloaded, DROP COLUMN opened;
DROP INDEX IF EXISTS links_people_trgm;
DROP TRIGGER links_people_set ON links;
DROP FUNCTION links_people_set();
DROP FUNCTION links_people(TEXT, TEXT);
ALTER TABLE links DROP COLUMN people;
