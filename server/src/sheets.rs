//! The Qlik sheets pages show (`sheet = "…"`), read once at start-up: each
//! sheet's layout through an engine session of its own, as the reader user
//! [`READER`] (its proxy session ended right after). A sheet Qlik does not
//! have stops start-up naming the page; when Qlik cannot be reached, the
//! page starts without its grid and says so. `/sheets.css` places the cells.

use std::time::Duration;

use app::dashboard::pages::Pages;
use app::dashboard::sheet::{self, SHEETS_STYLESHEET_PATH, SheetLayout};
use axum::Router;
use axum::http::header;
use axum::routing::get;

use crate::error::ServerError;

/// The Qlik user (in `qlik.user_directory`) that reads the sheets.
pub const READER: &str = "qlik-mashup-sheet-reader";
/// Longest wait for one sheet.
const READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Reads the sheet of every page that names one and gives it to the page.
pub async fn read(
    pages: &mut Pages,
    hub_config: &hub::HubConfig,
    store: &store::Store,
    directory: &str,
) -> Result<(), ServerError> {
    for (href, app_id, sheet_id) in pages.sheets() {
        let config = hub::HubConfig {
            apps: vec![hub::AppObjects {
                app_id: app_id.clone(),
                objects: vec![hub::ObjectDef::Master {
                    id: sheet_id.clone(),
                }],
            }],
            ..hub_config.clone()
        };
        let reader = hub::Hub::new(config, store.clone());
        let read = async {
            let session = reader.session_in(&app_id, directory, READER, &[]).await?;
            session.layout(&sheet_id).await
        };
        let answer = tokio::time::timeout(READ_TIMEOUT, read).await;
        if let Err(error) = tokio::time::timeout(READ_TIMEOUT, reader.logout(directory, READER))
            .await
            .unwrap_or(Err(hub::Error::Qlik(qlik::Error::Timeout)))
        {
            tracing::warn!(%error, "the sheet reader's Qlik session could not be ended");
        }
        let invalid = |reason: String| ServerError::Invalid {
            key: "pages.sheet",
            reason: format!("page {href:?}: {reason}"),
        };
        match answer {
            Ok(Ok(layout)) => {
                let layout = SheetLayout::from_layout(&layout).map_err(|reason| {
                    invalid(format!("{sheet_id:?} in app {app_id:?}: {reason}"))
                })?;
                pages.set_sheet(&href, layout);
            }
            Ok(Err(error @ hub::Error::Qlik(qlik::Error::Engine { .. }))) => {
                return Err(invalid(format!(
                    "Qlik has no sheet {sheet_id:?} in app {app_id:?} ({error})"
                )));
            }
            Ok(Err(error)) => {
                tracing::warn!(page = %href, sheet = %sheet_id, %error,
                    "the sheet cannot be read now: the page shows a notice until a restart");
            }
            Err(_) => {
                tracing::warn!(page = %href, sheet = %sheet_id,
                    "no answer from Qlik for the sheet: the page shows a notice until a restart");
            }
        }
    }
    Ok(())
}

/// `/sheets.css`: the placement classes of every sheet read.
pub fn stylesheet_router<S: Clone + Send + Sync + 'static>(pages: &Pages) -> Router<S> {
    let css = sheet::stylesheet(pages.iter().filter_map(|p| p.sheet.as_ref()));
    Router::new().route(
        SHEETS_STYLESHEET_PATH,
        get(move || async move { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css) }),
    )
}
