-- Admin tokens and recipient activity across links.
-- api_tokens.admin marks the tokens that may manage other tokens (the /v1/ext/tokens/... endpoints);
-- only `sharedesk token create --admin` on the server makes one. The two link_events indexes serve the
-- newest events of one kind or one actor across every link (the console's dashboard and activity
-- page), newest first, without sorting the whole history.

-- +goose Up
ALTER TABLE api_tokens ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
CREATE INDEX link_events_type_at ON link_events (type, at, seq);
CREATE INDEX link_events_actor_at ON link_events (actor, at, seq);

-- +goose Down
DROP INDEX link_events_actor_at;
DROP INDEX link_events_type_at;
ALTER TABLE api_tokens DROP COLUMN admin;
