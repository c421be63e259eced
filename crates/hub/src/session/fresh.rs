//! Telling the tabs that fresh data is there without dropping anything: a
//! view computed in the background after a deadline, or Qlik answering
//! again after an outage.

use super::EngineSession;
use crate::changes::Change;

impl EngineSession {
    /// Sends one change naming every object, without dropping a cached
    /// layout: the tabs reload and find the fresh layouts in the cache.
    pub fn announce_fresh(&self) {
        let _ = self.changes.send(Change {
            objects: self.object_ids(),
        });
    }

    /// A tab listens for this session's changes (an open event stream).
    pub fn is_watched(&self) -> bool {
        self.has_listeners()
    }
}
