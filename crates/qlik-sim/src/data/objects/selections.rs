//! The current-selections object.

use serde_json::{Value, json};

use super::Context;

/// The `qSelectionObject` of a layout.
pub(super) fn current_selections(ctx: &Context<'_>) -> Value {
    let items: Vec<Value> = ctx
        .selections
        .fields
        .iter()
        .map(|(field, selected)| {
            let info = &ctx.app.fields[*field];
            let names: Vec<&str> = selected
                .iter()
                .map(|s| info.values[*s as usize].text.as_str())
                .collect();
            let summary = if names.len() <= 6 {
                names.join(", ")
            } else {
                format!("{} of {}", names.len(), info.values.len())
            };
            json!({"qField": info.name, "qTotal": info.values.len(), "qIsNum": info.is_numeric(),
                "qLocked": false, "qOneAndOnlyOne": false, "qTextSearch": "",
                "qSelectedCount": names.len(), "qSelected": summary, "qRangeInfo": [],
                "qSortIndex": 0, "qStateCounts": {},
                "qSelectedFieldSelectionInfo": names.iter().map(|n| json!({"qName": n, "qFieldSelectionMode": "NORMAL"})).collect::<Vec<_>>(),
                "qNotSelectedFieldSelectionInfo": [], "qSelectionThreshold": 6,
                "qReadableName": info.name, "qIsHidden": false, "qDimensionReferences": []})
        })
        .collect();
    json!({"qBackCount": ctx.back_count, "qForwardCount": ctx.forward_count,
        "qStateName": "$", "qSelections": items})
}
