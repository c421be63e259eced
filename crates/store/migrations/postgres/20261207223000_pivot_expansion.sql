-- Per user, app and pivot table, the expansion state (`qExpansionState`, as
-- JSON text) the engine last reported: the hub gives it back to the object
-- when the engine session has to be re-created, as it does the selections.
CREATE TABLE pivot_expansions (
    user_directory TEXT NOT NULL,
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    object_id TEXT NOT NULL,
    expansion TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_directory, user_id, app_id, object_id));
