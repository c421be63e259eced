//! The Qlik sheets pages show (`sheet = "…"`, `sheets = "all"`), read once
//! at start-up: the app's sheet list and each sheet's layout through an
//! engine session of its own, as the reader user [`READER`] (its proxy
//! session ended right after). A sheet Qlik does not have stops start-up
//! naming the page; a filter pane's cell shows its list boxes (its
//! `qChildList`); when Qlik cannot be reached, the page starts without its
//! sheet and says so. `/sheets.css` places the cells.

use std::time::Duration;

use app::dashboard::pages::Pages;
use app::dashboard::sheet::{self, SHEETS_STYLESHEET_PATH, SheetLayout};
use axum::Router;
use axum::http::header;
use axum::routing::get;

use crate::error::ServerError;

/// The Qlik user (in `qlik.user_directory`) that reads the sheets.
pub const READER: &str = "qlik-mashup-sheet-reader";
/// The id of the reader's sheet list (a session object).
const SHEET_LIST: &str = "mashup-sheet-list";
/// Longest wait for one sheet.
const READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Gives each page with `sheets = "all"` the sheets of its app (in the
/// order of the engine's sheet list): it shows the first, a page after it
/// each other one. When Qlik cannot be reached, the page says so instead.
pub async fn list_all(
    mut pages: Pages,
    hub_config: &hub::HubConfig,
    store: &store::Store,
    directory: &str,
) -> Result<Pages, ServerError> {
    for (href, app_id) in pages.all_sheets() {
        let list = hub::ObjectDef::Session {
            id: SHEET_LIST.into(),
            properties: serde_json::json!({
                "qInfo": {"qType": SHEET_LIST},
                "qAppObjectListDef": {"qType": "sheet", "qData": {}},
            }),
        };
        match read_object(hub_config, store, directory, &app_id, list).await {
            Ok(layout) => {
                let ids: Vec<String> = layout
                    .pointer("/qAppObjectList/qItems")
                    .and_then(serde_json::Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|item| item.pointer("/qInfo/qId")?.as_str().map(str::to_owned))
                    .collect();
                if ids.is_empty() {
                    tracing::warn!(page = %href, app = %app_id, "the app has no sheets");
                }
                pages =
                    pages
                        .with_sheet_pages(&href, &ids)
                        .map_err(|reason| ServerError::Invalid {
                            key: "pages.sheets",
                            reason,
                        })?;
            }
            Err(error) => {
                tracing::warn!(page = %href, app = %app_id, %error,
                    "the app's sheets cannot be listed now: the page shows a notice until a restart");
            }
        }
    }
    Ok(pages)
}

/// Reads the sheet of every page that names one and gives it to the page.
pub async fn read(
    pages: &mut Pages,
    hub_config: &hub::HubConfig,
    store: &store::Store,
    directory: &str,
) -> Result<(), ServerError> {
    for (href, app_id, sheet_id) in pages.sheets() {
        let sheet = hub::ObjectDef::Master {
            id: sheet_id.clone(),
        };
        let invalid = |reason: String| ServerError::Invalid {
            key: "pages.sheet",
            reason: format!("page {href:?}: {reason}"),
        };
        match read_object(hub_config, store, directory, &app_id, sheet).await {
            Ok(layout) => {
                let mut layout = SheetLayout::from_layout(&layout).map_err(|reason| {
                    invalid(format!("{sheet_id:?} in app {app_id:?}: {reason}"))
                })?;
                for cell in &mut layout.grid.cells {
                    if cell.kind == "filterpane" {
                        let pane = hub::ObjectDef::Master {
                            id: cell.id.clone(),
                        };
                        match read_object(hub_config, store, directory, &app_id, pane).await {
                            Ok(pane) => {
                                let boxes = children(&pane);
                                if !boxes.is_empty() {
                                    cell.parts = boxes;
                                }
                            }
                            Err(error) => {
                                tracing::warn!(page = %href, pane = %cell.id, %error,
                                    "the filter pane's list boxes cannot be read: shown as a card");
                            }
                        }
                    }
                }
                pages.set_sheet(&href, layout);
            }
            Err(error @ hub::Error::Qlik(qlik::Error::Engine { .. })) => {
                return Err(invalid(format!(
                    "Qlik has no sheet {sheet_id:?} in app {app_id:?} ({error})"
                )));
            }
            Err(error) => {
                tracing::warn!(page = %href, sheet = %sheet_id, %error,
                    "the sheet cannot be read now: the page shows a notice until a restart");
            }
        }
    }
    Ok(())
}

/// The ids of an object's children, from its layout's `qChildList`.
fn children(layout: &serde_json::Value) -> Vec<String> {
    layout
        .pointer("/qChildList/qItems")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| item.pointer("/qInfo/qId")?.as_str().map(str::to_owned))
        .collect()
}

/// The layout of `object` in app `app_id`, through an engine session of
/// the reader's own, whose proxy session is ended afterwards.
async fn read_object(
    hub_config: &hub::HubConfig,
    store: &store::Store,
    directory: &str,
    app_id: &str,
    object: hub::ObjectDef,
) -> Result<serde_json::Value, hub::Error> {
    let id = object.id().to_owned();
    let config = hub::HubConfig {
        apps: vec![hub::AppObjects {
            app_id: app_id.to_owned(),
            objects: vec![object],
        }],
        ..hub_config.clone()
    };
    let reader = hub::Hub::new(config, store.clone());
    let read = async {
        let session = reader.session_in(app_id, directory, READER, &[]).await?;
        session.layout(&id).await
    };
    let answer = tokio::time::timeout(READ_TIMEOUT, read)
        .await
        .unwrap_or(Err(hub::Error::Qlik(qlik::Error::Timeout)));
    let ended = tokio::time::timeout(READ_TIMEOUT, reader.logout(directory, READER)).await;
    if let Err(error) = ended.unwrap_or(Err(hub::Error::Qlik(qlik::Error::Timeout))) {
        tracing::warn!(%error, "the sheet reader's Qlik session could not be ended");
    }
    answer
}

/// `/sheets.css`: the placement classes of every sheet read.
pub fn stylesheet_router<S: Clone + Send + Sync + 'static>(pages: &Pages) -> Router<S> {
    let css = sheet::stylesheet(pages.iter().filter_map(|p| p.sheet.as_ref()));
    Router::new().route(
        SHEETS_STYLESHEET_PATH,
        get(move || async move { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css) }),
    )
}
