//! CSV downloads: UTF-8 with a byte-order mark (so Excel reads the accents
//! right), a header row, then the rows page by page.

use qlik::qix::layout::NxCellRows;

use super::cells::{Cell, cell, defend, rendering};

/// Excel takes a file starting with this as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The start of the file: the BOM and the header row.
pub fn header(headers: &[String]) -> Vec<u8> {
    let mut out = BOM.to_vec();
    let mut writer = ::csv::Writer::from_writer(&mut out);
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(headers.iter().map(|h| defend(h).into_owned()));
    let _ = writer.flush();
    drop(writer);
    out
}

/// One page of rows as CSV lines.
pub fn rows(rows: &[NxCellRows], dimensions: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut writer = ::csv::Writer::from_writer(&mut out);
    for row in rows {
        let record =
            row.iter()
                .enumerate()
                .map(|(column, nx)| match cell(nx, column, dimensions) {
                    Cell::Number(number) => rendering(number),
                    Cell::Text(text) => defend(text).into_owned(),
                });
        let _ = writer.write_record(record);
    }
    let _ = writer.flush();
    drop(writer);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, Option<f64>)]) -> NxCellRows {
        cells
            .iter()
            .map(|(text, number)| {
                serde_json::from_value(serde_json::json!({
                    "qText": text,
                    "qNum": number.map_or(serde_json::json!("NaN"), |n| serde_json::json!(n)),
                }))
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn a_file_is_a_bom_a_header_and_quoted_rows() {
        let mut file = header(&["Customer".into(), "Sales".into()]);
        file.extend(rows(
            &[
                row(&[("Müller, Söhne", None), ("1,234.50", Some(1234.5))]),
                row(&[("=HYPERLINK(\"x\")", None), ("-", None)]),
            ],
            1,
        ));
        let text = String::from_utf8(file).unwrap();
        assert_eq!(
            text,
            "\u{feff}Customer,Sales\n\"Müller, Söhne\",1234.5\n\"'=HYPERLINK(\"\"x\"\")\",'-\n"
        );
    }

    #[test]
    fn ids_keep_their_text_and_measures_are_numbers() {
        let text = String::from_utf8(rows(
            &[
                row(&[("00123", Some(123.0)), ("1.50", Some(1.5))]),
                row(&[("1e3", Some(1000.0)), ("+1", Some(1.0))]),
                row(&[("2024", Some(2024.0)), ("7", Some(7.0))]),
                // Text starting with `+` is still defended against formulas.
                row(&[("+1", Some(1.0)), ("-2", Some(-2.0))]),
            ],
            1,
        ))
        .unwrap();
        assert_eq!(text, "00123,1.5\n1e3,1\n2024,7\n'+1,-2\n");
    }
}
