//! List objects: a field's values with their states, sorted; their layout
//! and pages.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::cells::cell;
use super::definitions::{dimension_title, field_names, library_id};
use super::paging::{data_page, pages_of};
use super::sorting::{compare_values, state_rank};
use super::{Context, ObjectError};
use crate::data::selection::State;

/// A list object's values in display order with their (shown) states.
fn list_values(ctx: &Context<'_>, def: &Value) -> Result<(usize, Vec<(u32, State)>), ObjectError> {
    let name = field_names(def).ok_or_else(|| ObjectError::NotFound(String::new()))?;
    let field = ctx
        .app
        .field(name)
        .ok_or_else(|| ObjectError::NotFound(name.to_owned()))?;
    let states = ctx.selections.states(ctx.app, ctx.associations, field);
    let show_alternatives = def["qShowAlternatives"].as_bool().unwrap_or(false);
    let mut values: Vec<(u32, State)> = states
        .into_iter()
        .enumerate()
        .map(|(symbol, state)| {
            let shown = if state == State::A && !show_alternatives {
                State::X
            } else {
                state
            };
            (symbol as u32, shown)
        })
        .collect();
    let criteria = def["qDef"]["qSortCriterias"][0].clone();
    let by_state = criteria["qSortByState"].as_i64().unwrap_or(0);
    values.sort_by(|(a, sa), (b, sb)| {
        let state_order = if by_state != 0 {
            let order = state_rank(*sa).cmp(&state_rank(*sb));
            if by_state < 0 { order.reverse() } else { order }
        } else {
            Ordering::Equal
        };
        state_order.then_with(|| compare_values(ctx.app, field, *a, *b, &criteria))
    });
    Ok((field, values))
}

/// The one-column matrix of a list object.
fn list_matrix(ctx: &Context<'_>, field: usize, values: &[(u32, State)]) -> Vec<Vec<Value>> {
    values
        .iter()
        .map(|(symbol, state)| vec![cell(ctx.app, field, *symbol, state.letter())])
        .collect()
}

/// The `qListObject` of a layout.
pub(super) fn list_object(ctx: &Context<'_>, def: &Value) -> Value {
    let Ok((field, values)) = list_values(ctx, def) else {
        return json!({"qStateName": "$", "qSize": {"qcx": 0, "qcy": 0},
            "qError": {"qErrorCode": 2}, "qDimensionInfo": {}, "qExpressions": [], "qDataPages": []});
    };
    let count = |s: State| values.iter().filter(|(_, st)| *st == s).count();
    let matrix = list_matrix(ctx, field, &values);
    let pages: Vec<Value> = pages_of(&def["qInitialDataFetch"])
        .unwrap_or_default()
        .into_iter()
        .map(|p| data_page(&matrix, p))
        .collect();
    let info = &ctx.app.fields[field];
    json!({
        "qStateName": "$",
        "qSize": {"qcx": 1, "qcy": values.len()},
        "qDimensionInfo": {
            "qFallbackTitle": dimension_title(def),
            "qApprMaxGlyphCount": info.values.iter().map(|v| v.text.chars().count()).max().unwrap_or(0),
            "qCardinal": info.values.len(), "qLocked": false, "qSortIndicator": "A",
            "qGroupFallbackTitles": [info.name], "qGroupPos": 0,
            "qStateCounts": {"qLocked": 0, "qSelected": count(State::S), "qOption": count(State::O),
                "qDeselected": 0, "qAlternative": count(State::A), "qExcluded": count(State::X),
                "qSelectedExcluded": count(State::XS), "qLockedExcluded": 0},
            "qTags": [], "qDimensionType": if info.is_numeric() { "N" } else { "D" },
            "qGrouping": "N", "qNumFormat": {"qType": "U", "qnDec": 0, "qUseThou": 0},
            "qIsAutoFormat": true, "qGroupFieldDefs": [info.name], "qIsSemantic": false,
            "qIsOneAndOnlyOne": false, "qContinuousAxes": false, "qIsCyclic": false,
            "qDerivedField": false, "qAttrExprInfo": [], "qAttrDimInfo": [], "qIsCalculated": false,
            "qLibraryId": library_id(def)
        },
        "qExpressions": [],
        "qDataPages": pages,
    })
}

/// `GetListObjectData`.
pub(super) fn list_object_page(
    ctx: &Context<'_>,
    def: &Value,
    pages: &Value,
) -> Result<Vec<Value>, ObjectError> {
    let rects = pages_of(pages)?;
    let (field, values) = list_values(ctx, def)?;
    let matrix = list_matrix(ctx, field, &values);
    Ok(rects.into_iter().map(|r| data_page(&matrix, r)).collect())
}
