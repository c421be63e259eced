-- The last view each user was shown of each page, kept for when Qlik cannot
-- be reached (src/last_views.rs): the view model, LZ4-packed and sealed,
-- when it was computed and the selections it shows (as text for the
-- banner). Bounded by bytes per user and in total, oldest first out.
CREATE TABLE IF NOT EXISTS last_views (
    user_directory TEXT NOT NULL,
    user_id TEXT NOT NULL,
    page TEXT NOT NULL,
    view_sealed BLOB NOT NULL,
    bytes INTEGER NOT NULL,
    computed_at INTEGER NOT NULL,
    selections TEXT NOT NULL,
    PRIMARY KEY (user_directory, user_id, page));
CREATE INDEX IF NOT EXISTS last_views_by_age ON last_views (computed_at);
