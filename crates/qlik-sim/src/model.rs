//! The associative in-memory data model of the simulated engine.
