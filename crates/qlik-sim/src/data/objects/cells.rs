//! Cells in Qlik's shape and the simulator's number format.

use serde_json::{Value, json};

use crate::data::app::{App, NULL};

/// A number, or Qlik's `"NaN"` for none.
pub(super) fn nan_or(n: Option<f64>) -> Value {
    n.map_or(Value::String("NaN".into()), |v| json!(v))
}

/// Formats a measure value: integers plainly, others with two decimals;
/// thousands separated by commas.
pub fn format_number(value: f64) -> String {
    let negative = value < 0.0;
    let rounded = (value.abs() * 100.0).round() / 100.0;
    let whole = rounded.trunc() as u128;
    let cents = ((rounded - rounded.trunc()) * 100.0).round() as u32;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative && (whole > 0 || cents > 0) {
        "-"
    } else {
        ""
    };
    if cents == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{cents:02}")
    }
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

/// A measure cell: the formatted value, or a null cell.
pub(super) fn measure_cell(value: Option<f64>) -> Value {
    json!({"qText": value.map_or("-".to_owned(), format_number), "qNum": nan_or(value),
        "qElemNumber": 0, "qState": "L", "qIsEmpty": false, "qIsTotalCell": false,
        "qIsOtherCell": false, "qFrequency": "", "qIsNull": value.is_none()})
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_are_formatted_like_qlik_auto_format() {
        assert_eq!(format_number(1234567.0), "1,234,567");
        assert_eq!(format_number(1234.5), "1,234.50");
        assert_eq!(format_number(-0.004), "0");
        assert_eq!(format_number(-12.345), "-12.35");
        assert_eq!(format_number(999.999), "1,000");
    }
}
