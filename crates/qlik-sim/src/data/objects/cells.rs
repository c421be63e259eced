//! Cells in Qlik's shape.

use serde_json::{Value, json};

use crate::data::app::{App, NULL};
use crate::data::locale::Locale;
use crate::data::numfmt::{self, NumFormat};

/// A number, or Qlik's `"NaN"` for none.
pub(super) fn nan_or(n: Option<f64>) -> Value {
    n.map_or(Value::String("NaN".into()), |v| json!(v))
}

/// A dimension cell: the value `symbol` of `field` in `state`.
pub(super) fn cell(app: &App, field: usize, symbol: u32, state: &str) -> Value {
    if symbol == NULL {
        return json!({"qText": "-", "qNum": "NaN", "qElemNumber": -2, "qState": state,
            "qIsEmpty": false, "qIsTotalCell": false, "qIsOtherCell": false,
            "qFrequency": "", "qIsNull": true});
    }
    let value = &app.fields[field].values[symbol as usize];
    json!({"qText": value.text, "qNum": nan_or(value.num), "qElemNumber": symbol,
        "qState": state, "qIsEmpty": false, "qIsTotalCell": false, "qIsOtherCell": false,
        "qFrequency": "", "qIsNull": false})
}

/// A measure cell: the value formatted by the measure's number format, or a
/// null cell.
pub(super) fn measure_cell(value: Option<f64>, format: &NumFormat, locale: &Locale) -> Value {
    json!({"qText": numfmt::format(value, format, locale), "qNum": nan_or(value),
        "qElemNumber": 0, "qState": "L", "qIsEmpty": false, "qIsTotalCell": false,
        "qIsOtherCell": false, "qFrequency": "", "qIsNull": value.is_none()})
}
