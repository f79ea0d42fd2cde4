-- +goose Up
-- Service-wide settings, such as the fingerprint of the secret key the links are sealed with.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
