//! The values of list boxes whose layout carries none: list boxes in filter
//! panes of real apps have `qInitialDataFetch: []`, and Qlik's client asks
//! `GetListObjectData` for them (`docs/qlik-protocol.md`, "Real apps").

use qlik::qix::layout::GenericObjectLayout;

use crate::dashboard::api::server::OnPage;
use crate::dashboard::mapping;
use crate::dashboard::object_id::ObjectId;
use crate::error::AppError;

/// The list box's layout with its first page of values: as the engine laid
/// it out when that holds values, else fetched with `GetListObjectData`
/// (at most [`mapping::LIST_BOX_ROWS`] values).
pub async fn with_values(
    on: &OnPage,
    id: &ObjectId,
    mut layout: GenericObjectLayout,
) -> Result<GenericObjectLayout, AppError> {
    let Some(list) = layout.list_object.as_mut() else {
        return Ok(layout);
    };
    let rows = list
        .size
        .as_ref()
        .and_then(|s| s.cy)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_default();
    if rows == 0 || !list.first_page_rows().is_empty() {
        return Ok(layout);
    }
    let page = qlik::qix::NxPage {
        left: 0,
        top: 0,
        width: 1,
        height: rows.min(mapping::LIST_BOX_ROWS),
    };
    let pages = on
        .engine
        .list_object_page(&on.page.hub_id(id), page)
        .await?;
    list.data_pages = Some(mapping::parse_pages(pages));
    Ok(layout)
}
