//! Data pages: the requested rectangles, cut out of a whole matrix.

use serde_json::{Value, json};

use super::{MAX_CELLS, ObjectError};

/// The rectangles `(left, top, width, height)` of a page request, within
/// Qlik's cell limit.
pub(super) fn pages_of(pages: &Value) -> Result<Vec<(u64, u64, u64, u64)>, ObjectError> {
    let list = pages.as_array().cloned().unwrap_or_default();
    let rects: Vec<(u64, u64, u64, u64)> = list
        .iter()
        .map(|p| {
            let get = |k: &str| p[k].as_u64().unwrap_or(0);
            (get("qLeft"), get("qTop"), get("qWidth"), get("qHeight"))
        })
        .collect();
    let cells: u64 = rects.iter().map(|(_, _, w, h)| w * h).sum();
    if cells > MAX_CELLS {
        return Err(ObjectError::PagesTooLarge);
    }
    Ok(rects)
}

/// One data page of `matrix_rows`.
pub(super) fn data_page(
    matrix_rows: &[Vec<Value>],
    (left, top, width, height): (u64, u64, u64, u64),
) -> Value {
    let rows: Vec<Value> = matrix_rows
        .iter()
        .skip(top as usize)
        .take(height as usize)
        .map(|row| {
            Value::Array(
                row.iter()
                    .skip(left as usize)
                    .take(width as usize)
                    .cloned()
                    .collect(),
            )
        })
        .collect();
    let actual_width = matrix_rows.first().map_or(0, |r| {
        r.len().saturating_sub(left as usize).min(width as usize)
    });
    json!({"qMatrix": rows, "qTails": [], "qIsReduced": false,
        "qArea": {"qLeft": left, "qTop": top, "qWidth": actual_width, "qHeight": rows.len()}})
}
