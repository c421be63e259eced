//! CSV downloads: UTF-8 with a byte-order mark (so Excel reads the accents
//! right), a header row, then the rows page by page.

use qlik::qix::layout::NxCellRows;

use super::cells::{Cell, cell, defend};

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
                    Cell::Number(number) => number.to_string(),
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
}
