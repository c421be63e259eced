//! The user's bookmarks of the app: listed, created, applied and destroyed
//! through the held socket. Applying one is a selection like any other: it
//! goes through the selection path, so the new layouts are cached, the
//! selections recorded and exactly one change announced.

use qlik::qix::BookmarkEntry;

use super::EngineSession;
use crate::error::{Error, Result};

/// The engine's code for an unknown object (`LOCERR_GENERIC_NOT_FOUND`); a
/// bookmark of another user is unknown too.
const NOT_FOUND: i64 = 2;

/// The hub's error for a bookmark call: an unknown bookmark is its own case.
fn bookmark_error(id: &str, error: qlik::Error) -> Error {
    match error.engine_code() {
        Some(NOT_FOUND) => Error::UnknownBookmark(id.to_owned()),
        _ => Error::Qlik(error),
    }
}

impl EngineSession {
    /// The user's bookmarks of the app, oldest first.
    pub async fn bookmarks(&self) -> Result<Vec<BookmarkEntry>> {
        self.touch();
        self.with_socket(|socket| {
            let doc = socket.doc.clone();
            async move { Ok(doc.bookmarks().await?) }
        })
        .await
    }

    /// Saves the current selections as a bookmark titled `title`; returns
    /// its id.
    pub async fn create_bookmark(&self, title: &str) -> Result<String> {
        self.touch();
        let title = title.to_owned();
        self.with_socket(move |socket| {
            let doc = socket.doc.clone();
            let title = title.clone();
            async move { Ok(doc.create_bookmark(&title, "").await?) }
        })
        .await
    }

    /// Applies a bookmark: its selections become the current ones, the
    /// tabs hear one change. [`Error::UnknownBookmark`] when the user has no
    /// such bookmark.
    pub async fn apply_bookmark(&self, id: &str) -> Result<bool> {
        let id = id.to_owned();
        self.selection_op(move |socket| {
            let doc = socket.doc.clone();
            let id = id.clone();
            async move {
                doc.apply_bookmark(&id)
                    .await
                    .map_err(|e| bookmark_error(&id, e))
            }
        })
        .await
    }

    /// Destroys one of the user's bookmarks ([`Error::UnknownBookmark`] when
    /// there is none with this id).
    pub async fn destroy_bookmark(&self, id: &str) -> Result<bool> {
        self.touch();
        let id = id.to_owned();
        self.with_socket(move |socket| {
            let doc = socket.doc.clone();
            let id = id.clone();
            async move {
                doc.destroy_bookmark(&id)
                    .await
                    .map_err(|e| bookmark_error(&id, e))
            }
        })
        .await
    }
}
