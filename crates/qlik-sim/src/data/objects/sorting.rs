//! Qlik's sort criteria on field values, and the order of states.

use std::cmp::Ordering;

use serde_json::Value;

use crate::data::app::{App, NULL};
use crate::data::selection::State;

/// Compares two values of a field by Qlik sort criteria (numeric, then text,
/// then load order).
pub(super) fn compare_values(
    app: &App,
    field: usize,
    a: u32,
    b: u32,
    criteria: &Value,
) -> Ordering {
    let values = &app.fields[field].values;
    if a == NULL || b == NULL {
        return (a == NULL).cmp(&(b == NULL));
    }
    let (va, vb) = (&values[a as usize], &values[b as usize]);
    let numeric = criteria["qSortByNumeric"].as_i64().unwrap_or(0);
    if numeric != 0
        && let (Some(x), Some(y)) = (va.num, vb.num)
    {
        let order = x.partial_cmp(&y).unwrap_or(Ordering::Equal);
        if order != Ordering::Equal {
            return if numeric < 0 { order.reverse() } else { order };
        }
    }
    let ascii = criteria["qSortByAscii"].as_i64().unwrap_or(0);
    if ascii != 0 {
        let order = va.text.to_lowercase().cmp(&vb.text.to_lowercase());
        if order != Ordering::Equal {
            return if ascii < 0 { order.reverse() } else { order };
        }
    }
    let load = criteria["qSortByLoadOrder"].as_i64().unwrap_or(1);
    if load < 0 { b.cmp(&a) } else { a.cmp(&b) }
}

/// Selected first, then possible, alternative, excluded.
pub(super) fn state_rank(state: State) -> u8 {
    match state {
        State::S | State::XS => 0,
        State::O => 1,
        State::A => 2,
        State::X => 3,
    }
}
