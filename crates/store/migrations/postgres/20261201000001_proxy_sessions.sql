-- One Qlik proxy session per user, whatever the number of apps (Qlik counts
-- proxy sessions, not apps): its cookie moves from the per-app rows to a row
-- per user. A cookie sealed before this migration keeps the app id it was
-- sealed with (`sealed_app_id`), so it still opens; new ones have none.
CREATE TABLE qlik_proxy_sessions (
    user_directory TEXT NOT NULL,
    user_id TEXT NOT NULL,
    cookie_name TEXT NOT NULL,
    cookie_sealed BYTEA NOT NULL,
    sealed_app_id TEXT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_directory, user_id));
INSERT INTO qlik_proxy_sessions
    (user_directory, user_id, cookie_name, cookie_sealed, sealed_app_id, updated_at)
SELECT s.user_directory, s.user_id, s.cookie_name, s.cookie_sealed, s.app_id, s.updated_at
FROM qlik_sessions s
WHERE s.cookie_name IS NOT NULL AND s.cookie_sealed IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM qlik_sessions t
    WHERE t.user_directory = s.user_directory AND t.user_id = s.user_id
      AND t.cookie_name IS NOT NULL AND t.cookie_sealed IS NOT NULL
      AND (t.updated_at > s.updated_at OR (t.updated_at = s.updated_at AND t.app_id > s.app_id)));
UPDATE qlik_sessions SET cookie_name = NULL, cookie_sealed = NULL;
