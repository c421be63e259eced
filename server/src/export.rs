//! `/export/{object id}.csv` and `.xlsx`: a page's table or chart with every
//! row under the user's selections, as an attachment. Logged-out visitors are
//! sent to the login page by the login guard; the guard's session lookup is
//! reused here.

use app::dashboard::export::{self, Export, Format, csv, file_name, xlsx::XlsxWriter};
use app::error::AppError;
use app::server::{AppContext, sessions::LookedUp};
use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The route (the last segment is `{object id}.{csv|xlsx}`).
pub const ROUTE: &str = "/export/{file}";

/// Which page the object is on (`?page=name`; absent: the home page).
#[derive(Debug, serde::Deserialize)]
pub struct ExportQuery {
    /// The page's name.
    pub page: Option<String>,
}

/// Answers a download, or the error as text with its status.
pub async fn download(
    ctx: AppContext,
    session: Option<Extension<LookedUp>>,
    Path(file): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let Some(Extension(LookedUp(_, session))) = session else {
        return refused(AppError::SessionEnded);
    };
    let Some((object_id, format)) = file
        .rsplit_once('.')
        .and_then(|(id, ext)| Some((id, Format::from_extension(ext)?)))
    else {
        return refused(AppError::NotFound(
            "Downloads are /export/{object id}.csv or .xlsx.".into(),
        ));
    };
    let mut export = match export::prepare(&ctx, &session, query.page.as_deref(), object_id).await {
        Ok(export) => export,
        Err(error) => return refused(error),
    };
    if let Err(error) = export.arrange_for(format).await {
        return refused(error);
    }
    let disposition = file_name::content_disposition(&export.title, format);
    let body = match format {
        Format::Csv => csv_body(export),
        Format::Xlsx => match xlsx_body(export).await {
            Ok(body) => body,
            Err(error) => return refused(error),
        },
    };
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The error as the browser shows it: its message as plain text.
fn refused(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, error.to_string()).into_response()
}

/// The CSV, streamed: the header, then each page as the engine gives it. An
/// engine failure midway ends the body with an error (the browser reports a
/// failed download rather than keeping a truncated file as complete).
fn csv_body(export: Export) -> Body {
    let first = Bytes::from(csv::header(&export.headers));
    let pages = futures::stream::unfold(Some(export), |state| async move {
        let mut export = state?;
        match export.next_page().await {
            Ok(Some(rows)) => {
                let bytes = Bytes::from(csv::rows(&rows, export.dimensions));
                Some((Ok(bytes), Some(export)))
            }
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(%error, "a CSV download failed midway");
                Some((Err(std::io::Error::other(error.to_string())), None))
            }
        }
    });
    let head = futures::stream::once(async move { Ok::<_, std::io::Error>(first) });
    // Fused: a body may be polled again after its end (the compression layer
    // does), which an unfused `unfold` answers with a panic.
    Body::from_stream(futures::StreamExt::fuse(futures::StreamExt::chain(
        head, pages,
    )))
}

/// The workbook, written page by page into a temporary file, then streamed.
async fn xlsx_body(mut export: Export) -> Result<Body, AppError> {
    let writer = XlsxWriter::start(export.headers.clone(), export.dimensions);
    while let Some(rows) = export.next_page().await? {
        writer.add(rows).await?;
    }
    let file = tokio::fs::File::from_std(writer.finish().await?);
    Ok(Body::from_stream(tokio_util::io::ReaderStream::new(file)))
}
