-- The fingerprint (a keyed hash, never the key) of the key that seals the
-- Qlik cookies: an instance started with another key is refused instead of
-- sealing cookies the others cannot open (src/key_check.rs).
CREATE TABLE store_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    recorded_at BIGINT NOT NULL);
