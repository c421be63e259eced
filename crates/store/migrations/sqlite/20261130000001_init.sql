-- Browser sessions (the cookie's token is kept only as its SHA-256) and, per
-- user and app, the sealed Qlik proxy-session cookie and the last selections.
-- IF NOT EXISTS: stores made before migrations already have these tables.
CREATE TABLE IF NOT EXISTS browser_sessions (
    token_hash BLOB PRIMARY KEY,
    user_directory TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS browser_sessions_user
    ON browser_sessions (user_directory, user_id);
CREATE TABLE IF NOT EXISTS qlik_sessions (
    user_directory TEXT NOT NULL,
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    cookie_name TEXT,
    cookie_sealed BLOB,
    selections TEXT NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_directory, user_id, app_id));
CREATE TABLE IF NOT EXISTS health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL);
