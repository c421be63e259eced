//! Server functions of bookmarks: the user's saved selections of the page's
//! app, stored in Qlik (`CreateBookmark`, `GetBookmarks`, `ApplyBookmark`,
//! `DestroyBookmark`). A user sees and applies only their own.

use leptos::prelude::*;

use crate::dashboard::view_model::BookmarkView;
use crate::error::AppError;

/// Longest bookmark name, in characters.
pub const MAX_TITLE_CHARS: usize = 100;

/// The user's bookmarks of the page's app, by name.
#[server(prefix = "/api", endpoint = "bookmarks", output = crate::codec::JsonText)]
pub async fn list_bookmarks(page: Option<String>) -> Result<Vec<BookmarkView>, AppError> {
    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        let mut list: Vec<BookmarkView> = on
            .engine
            .bookmarks()
            .await?
            .into_iter()
            .map(|b| BookmarkView {
                id: b.id,
                title: b.title,
            })
            .collect();
        list.sort_by_key(|b| b.title.to_lowercase());
        Ok(list)
    })
    .await
}

/// Saves the current selections of the page's app as a bookmark named
/// `title`; a name the user has given a bookmark of this app already (in
/// any case) is refused, so the list never shows two alike.
#[server(prefix = "/api", endpoint = "save-bookmark", output = crate::codec::JsonText)]
pub async fn save_bookmark(page: Option<String>, title: String) -> Result<(), AppError> {
    super::server::answer(async {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            return Err(AppError::BadInput(format!(
                "Name the bookmark (1 to {MAX_TITLE_CHARS} characters)."
            )));
        }
        let on = super::server::on_page(page.as_deref()).await?;
        let taken = on
            .engine
            .bookmarks()
            .await?
            .iter()
            .any(|b| b.title.trim().to_lowercase() == title.to_lowercase());
        if taken {
            return Err(AppError::BadInput(format!(
                "You have a bookmark named “{title}” already: choose another name, \
                 or delete that one first."
            )));
        }
        on.engine.create_bookmark(title).await?;
        Ok(())
    })
    .await
}

/// Applies one of the user's bookmarks: its selections replace the current
/// ones (one step in the selection history, announced to every tab).
#[server(prefix = "/api", endpoint = "apply-bookmark", output = crate::codec::JsonText)]
pub async fn apply_bookmark(page: Option<String>, id: String) -> Result<(), AppError> {
    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        on.engine.apply_bookmark(&id).await?;
        Ok(())
    })
    .await
}

/// Deletes one of the user's bookmarks.
#[server(prefix = "/api", endpoint = "delete-bookmark", output = crate::codec::JsonText)]
pub async fn delete_bookmark(page: Option<String>, id: String) -> Result<(), AppError> {
    super::server::answer(async {
        let on = super::server::on_page(page.as_deref()).await?;
        on.engine.destroy_bookmark(&id).await?;
        Ok(())
    })
    .await
}
