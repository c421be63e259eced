//! The open event streams, by user and browser session. A stream belongs to
//! the browser session that opened it: it ends when that session ends
//! (logout on any tab, a new login in that browser, server shutdown), and a
//! user has at most a fixed number open (the oldest is dropped).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use store::SessionToken;
use tokio_util::sync::CancellationToken;

struct Entry {
    id: u64,
    /// The browser session's token, kept only in memory.
    session: SessionToken,
    ended: CancellationToken,
    replaced: Arc<AtomicBool>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    /// Open streams per (directory, user id), oldest first.
    by_user: HashMap<(String, String), Vec<Entry>>,
}

/// Every open event stream of this server. Cheap to clone.
#[derive(Clone)]
pub struct Streams {
    inner: Arc<Mutex<Inner>>,
    /// Cancelled at shutdown: every stream's token is its child.
    shutdown: CancellationToken,
    per_user: usize,
}

/// One open stream; dropping it forgets the stream.
pub struct StreamHandle {
    id: u64,
    user: (String, String),
    ended: CancellationToken,
    replaced: Arc<AtomicBool>,
    registry: Weak<Mutex<Inner>>,
}

impl StreamHandle {
    /// Resolves when the stream must end.
    pub async fn ended(&self) {
        self.ended.cancelled().await
    }

    /// It ended because the user opened more streams than allowed (the tab
    /// should stop reconnecting, or the tabs would take turns forever).
    pub fn was_replaced(&self) -> bool {
        self.replaced.load(Ordering::Acquire)
    }
}

impl Drop for StreamHandle {
    fn drop(&mut self) {
        if let Some(inner) = self.registry.upgrade() {
            let mut inner = inner.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(list) = inner.by_user.get_mut(&self.user) {
                list.retain(|e| e.id != self.id);
                if list.is_empty() {
                    inner.by_user.remove(&self.user);
                }
            }
        }
    }
}

impl Streams {
    /// A registry allowing `per_user` open streams per user (at least one).
    pub fn new(per_user: usize) -> Self {
        Self {
            inner: Arc::default(),
            shutdown: CancellationToken::new(),
            per_user: per_user.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a stream of `user`'s browser session `session`; the user's
    /// oldest streams end if this one goes over the cap.
    pub fn open(&self, directory: &str, user_id: &str, session: &SessionToken) -> StreamHandle {
        let user = (directory.to_owned(), user_id.to_owned());
        let ended = self.shutdown.child_token();
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        let list = inner.by_user.entry(user.clone()).or_default();
        let replaced = Arc::new(AtomicBool::new(false));
        list.push(Entry {
            id,
            session: session.clone(),
            ended: ended.clone(),
            replaced: replaced.clone(),
        });
        let excess = list.len().saturating_sub(self.per_user);
        for oldest in list.drain(..excess) {
            oldest.replaced.store(true, Ordering::Release);
            oldest.ended.cancel();
        }
        StreamHandle {
            id,
            user,
            ended,
            replaced,
            registry: Arc::downgrade(&self.inner),
        }
    }

    /// Ends the streams of one browser session (it ended, or a new login
    /// replaced it).
    pub fn end_session(&self, session: &SessionToken) {
        for list in self.lock().by_user.values() {
            for entry in list.iter().filter(|e| e.session == *session) {
                entry.ended.cancel();
            }
        }
    }

    /// Ends the streams of the browser session whose token hashes to
    /// `digest` ([`SessionToken::digest_hex`]: another instance's notice).
    pub fn end_session_digest(&self, digest: &str) {
        for list in self.lock().by_user.values() {
            for entry in list.iter().filter(|e| e.session.digest_hex() == digest) {
                entry.ended.cancel();
            }
        }
    }

    /// The browser sessions with an open stream (each once).
    pub fn sessions(&self) -> Vec<SessionToken> {
        let mut sessions: Vec<SessionToken> = Vec::new();
        for entry in self.lock().by_user.values().flatten() {
            if !sessions.contains(&entry.session) {
                sessions.push(entry.session.clone());
            }
        }
        sessions
    }

    /// Ends every stream of a user (logout everywhere).
    pub fn end_user(&self, directory: &str, user_id: &str) {
        let key = (directory.to_owned(), user_id.to_owned());
        if let Some(list) = self.lock().by_user.get(&key) {
            for entry in list {
                entry.ended.cancel();
            }
        }
    }

    /// Ends every stream (server shutdown).
    pub fn end_all(&self) {
        self.shutdown.cancel();
    }

    /// How many streams are open.
    pub fn open_count(&self) -> usize {
        self.lock().by_user.values().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_ended(handle: &StreamHandle) -> bool {
        handle.ended.is_cancelled()
    }

    #[test]
    fn a_session_ends_only_its_own_streams() {
        let streams = Streams::new(10);
        let (a, b) = (SessionToken::generate(), SessionToken::generate());
        let on_a = streams.open("CORP", "alice", &a);
        let on_b = streams.open("CORP", "alice", &b);
        let bob = streams.open("CORP", "bob", &a);
        streams.end_session(&a);
        assert!(is_ended(&on_a) && is_ended(&bob));
        assert!(!on_a.was_replaced(), "ended, not replaced");
        assert!(!is_ended(&on_b));
    }

    #[test]
    fn another_instances_notice_ends_a_session_by_its_digest() {
        let streams = Streams::new(10);
        let (a, b) = (SessionToken::generate(), SessionToken::generate());
        let on_a = streams.open("CORP", "alice", &a);
        let on_b = streams.open("CORP", "alice", &b);
        let again_a = streams.open("CORP", "alice", &a);
        assert_eq!(streams.sessions().len(), 2, "each session once");
        streams.end_session_digest(&a.digest_hex());
        assert!(is_ended(&on_a) && is_ended(&again_a));
        assert!(!is_ended(&on_b));
    }

    #[test]
    fn a_user_logout_ends_all_their_streams() {
        let streams = Streams::new(10);
        let alice: Vec<_> = (0..3)
            .map(|_| streams.open("CORP", "alice", &SessionToken::generate()))
            .collect();
        let bob = streams.open("CORP", "bob", &SessionToken::generate());
        streams.end_user("CORP", "alice");
        assert!(alice.iter().all(is_ended));
        assert!(!is_ended(&bob));
    }

    #[test]
    fn the_oldest_stream_goes_past_the_cap() {
        let streams = Streams::new(2);
        let session = SessionToken::generate();
        let first = streams.open("CORP", "alice", &session);
        let second = streams.open("CORP", "alice", &session);
        let third = streams.open("CORP", "alice", &session);
        assert!(is_ended(&first) && first.was_replaced());
        assert!(!is_ended(&second) && !is_ended(&third));
        assert_eq!(streams.open_count(), 2);
        drop(third);
        assert_eq!(streams.open_count(), 1, "a dropped stream is forgotten");
    }

    #[test]
    fn shutdown_ends_every_stream() {
        let streams = Streams::new(2);
        let a = streams.open("CORP", "alice", &SessionToken::generate());
        let b = streams.open("CORP", "bob", &SessionToken::generate());
        streams.end_all();
        assert!(is_ended(&a) && is_ended(&b));
    }
}
