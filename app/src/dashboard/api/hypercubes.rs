//! The data of straight hypercubes whose layout carries none: charts and
//! tables of real apps may have `qInitialDataFetch: []` (or a fetch smaller
//! than what they show), and Qlik's clients then ask `GetHyperCubeData`
//! (`docs/qlik-protocol.md`, "Real apps").

use serde_json::Value;

use crate::dashboard::api::server::OnPage;
use crate::dashboard::object_id::ObjectId;
use crate::error::AppError;

/// Most cells asked for at once (the engine's limit per call).
const MAX_CELLS: u64 = 10_000;

/// The object's raw layout with the first `max_rows` rows of its straight
/// hypercube: as the engine laid it out when that holds rows, else fetched
/// with `GetHyperCubeData` (at most 10,000 cells). Pivot and stacked cubes,
/// empty cubes and objects without a cube are left as they are.
pub async fn with_data(
    on: &OnPage,
    id: &ObjectId,
    mut raw: Value,
    max_rows: u64,
) -> Result<Value, AppError> {
    let Some(cube) = raw.get("qHyperCube") else {
        return Ok(raw);
    };
    let number = |pointer: &str| cube.pointer(pointer).and_then(Value::as_u64).unwrap_or(0);
    let (columns, rows) = (number("/qSize/qcx"), number("/qSize/qcy"));
    let straight = cube
        .get("qMode")
        .and_then(Value::as_str)
        .is_none_or(|m| m == "S");
    let held = cube
        .get("qDataPages")
        .and_then(Value::as_array)
        .is_some_and(|pages| {
            pages.iter().any(|p| {
                p.get("qMatrix")
                    .and_then(Value::as_array)
                    .is_some_and(|m| !m.is_empty())
            })
        });
    if !straight || held || columns == 0 || rows == 0 || max_rows == 0 {
        return Ok(raw);
    }
    let height = rows.min(max_rows).min(MAX_CELLS / columns).max(1);
    let page = qlik::qix::NxPage {
        left: 0,
        top: 0,
        width: u32::try_from(columns).unwrap_or(u32::MAX),
        height: u32::try_from(height).unwrap_or(u32::MAX),
    };
    let pages = on.engine.hypercube_page(&on.page.hub_id(id), page).await?;
    raw["qHyperCube"]["qDataPages"] = Value::Array(pages);
    Ok(raw)
}
