//! What a cell is written as, in both formats: measures are numbers (when
//! the engine has one); dimension values are Qlik's text unless that text is
//! exactly the number's own rendering (`2024`, `-5`, `1.5`). So duals such as
//! month names keep their names, and ids such as `00123`, `+1`, `1.50` or
//! `1e3` keep the characters the page shows. CSV text is defended against
//! spreadsheet formula injection (an XLSX string cell is never a formula).

use std::borrow::Cow;

use qlik::qix::layout::NxCell;

/// A cell as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// A number (written as a number; it cannot be a formula).
    Number(f64),
    /// Qlik's text, as it is.
    Text(&'a str),
}

/// The cell at `column` of a row whose first `dimensions` columns are
/// dimensions.
pub fn cell(cell: &NxCell, column: usize, dimensions: usize) -> Cell<'_> {
    let text = cell.text();
    match cell.number() {
        Some(number) if column >= dimensions => Cell::Number(number),
        Some(number) if text == rendering(number) => Cell::Number(number),
        _ => Cell::Text(text),
    }
}

/// How a number is written in a CSV file: the shortest text that reads back
/// as the same number (`123`, `1.5`, `-0.25`).
pub fn rendering(number: f64) -> String {
    number.to_string()
}

/// Text that a spreadsheet would read as a formula (it begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) is prefixed with `'`, which makes
/// it plain text (OWASP's advice on CSV injection).
pub fn defend(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nx(text: &str, number: Option<f64>) -> NxCell {
        serde_json::from_value(serde_json::json!({
            "qText": text,
            "qNum": number.map_or(serde_json::json!("NaN"), |n| serde_json::json!(n)),
        }))
        .unwrap()
    }

    #[test]
    fn formulas_become_text() {
        for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(defend(text), format!("'{text}"));
        }
        assert_eq!(defend("EMEA"), "EMEA");
        assert_eq!(defend(""), "");
        assert_eq!(defend("a=b"), "a=b");
    }

    #[test]
    fn measures_are_numbers_and_duals_keep_their_text() {
        assert_eq!(
            cell(&nx("1,234.50", Some(1234.5)), 2, 2),
            Cell::Number(1234.5)
        );
        assert_eq!(cell(&nx("-5", Some(-5.0)), 1, 1), Cell::Number(-5.0));
        assert_eq!(cell(&nx("2024", Some(2024.0)), 0, 1), Cell::Number(2024.0));
        assert_eq!(cell(&nx("Jan", Some(1.0)), 0, 1), Cell::Text("Jan"));
        assert_eq!(cell(&nx("-", None), 1, 1), Cell::Text("-"));
    }

    #[test]
    fn dimension_text_stays_unless_it_is_the_numbers_own_rendering() {
        for (text, number) in [
            ("00123", 123.0),
            ("+1", 1.0),
            ("1.50", 1.5),
            ("1e3", 1000.0),
        ] {
            assert_eq!(cell(&nx(text, Some(number)), 0, 1), Cell::Text(text));
            // As a measure the same cell is the number.
            assert_eq!(cell(&nx(text, Some(number)), 1, 1), Cell::Number(number));
        }
        for (text, number) in [("123", 123.0), ("1.5", 1.5), ("-0.25", -0.25), ("0", 0.0)] {
            assert_eq!(cell(&nx(text, Some(number)), 0, 1), Cell::Number(number));
        }
        assert_eq!(rendering(1000.0), "1000");
    }
}
