-- Browser sessions (the cookie's token is kept only as its SHA-256) and, per
-- user and app, the sealed Qlik proxy-session cookie and the last selections.
CREATE TABLE browser_sessions (
    token_hash BYTEA PRIMARY KEY,
    user_directory TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL);
CREATE INDEX browser_sessions_user ON browser_sessions (user_directory, user_id);
CREATE TABLE qlik_sessions (
    user_directory TEXT NOT NULL,
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    cookie_name TEXT,
    cookie_sealed BYTEA,
    selections TEXT NOT NULL DEFAULT '[]',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_directory, user_id, app_id));
CREATE TABLE health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL);
-- Failed logins, shared by every instance: per username and per address.
CREATE TABLE login_throttle (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    in_flight INTEGER NOT NULL DEFAULT 0,
    blocked_until_ms BIGINT NOT NULL DEFAULT 0,
    last_failure_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, subject));
