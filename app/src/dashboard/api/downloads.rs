//! Server function of downloads: the page asks before it follows a download
//! link, so a refused download (past `export.max_rows`) is told on the page
//! instead of ending as a cancelled download.

use leptos::prelude::*;

use crate::error::AppError;

/// Checks that the page's table or chart `object_id` can be downloaded under
/// the current selections, with the download's own checks: `None` when it
/// can, else why not (past the row limit: the 413 message of the download).
/// The answer to the question is a 200 either way (a browser logs a 4xx as
/// an error); an object not on the page is still 404, no session 401.
#[server(prefix = "/api", endpoint = "check-download", output = crate::codec::JsonText)]
pub async fn check_download(
    page: Option<String>,
    object_id: String,
) -> Result<Option<String>, AppError> {
    super::server::answer(async {
        let ctx = super::server::context()?;
        let session = super::server::browser_session(&ctx).await?;
        match crate::dashboard::export::prepare(&ctx, &session, page.as_deref(), &object_id).await {
            Ok(_) => Ok(None),
            Err(AppError::TooLarge(reason)) => Ok(Some(reason)),
            Err(other) => Err(other),
        }
    })
    .await
}
