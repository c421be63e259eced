//! The download's file name, from the object's title: a plain ASCII name for
//! every browser, and the title itself (RFC 5987) for those that read it.

use super::Format;

/// The `Content-Disposition` header value of a download of `title`.
pub fn content_disposition(title: &str, format: Format) -> String {
    let ascii = ascii_name(title);
    let extension = format.extension();
    format!(
        "attachment; filename=\"{ascii}.{extension}\"; filename*=UTF-8''{}.{extension}",
        rfc5987(title.trim())
    )
}

/// The title transliterated to ASCII (`Überblick` → `Uberblick`,
/// `Straße` → `Strasse`, by `deunicode`'s tables), then letters and digits
/// kept, lower-cased, every other run of characters one `-`; `export` when
/// nothing is left. At most 80 characters.
fn ascii_name(title: &str) -> String {
    let mut name = String::new();
    for c in deunicode::deunicode(title).chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name: String = name.trim_end_matches('-').chars().take(80).collect();
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "export".to_owned()
    } else {
        name.to_owned()
    }
}

/// Percent-encodes all but RFC 5987's `attr-char`s (so quotes, `;`, `\`,
/// control characters and line breaks cannot reach the header as such).
fn rfc5987(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes().take(200) {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.is_empty() {
        "export".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_keep_the_title() {
        assert_eq!(
            content_disposition("Sales by category", Format::Csv),
            "attachment; filename=\"sales-by-category.csv\"; filename*=UTF-8''Sales%20by%20category.csv"
        );
        let header = content_disposition("Umsätze \"Q1\"; x\r\ny", Format::Xlsx);
        assert!(
            header.starts_with("attachment; filename=\"umsatze-q1-xy.xlsx\""),
            "{header}"
        );
        assert!(!header.contains('\r') && !header.contains('\n'));
        assert!(header.contains("Ums%C3%A4tze%20%22Q1%22%3B%20x%0D%0Ay.xlsx"));
        assert_eq!(
            content_disposition("???", Format::Csv),
            "attachment; filename=\"export.csv\"; filename*=UTF-8''%3F%3F%3F.csv"
        );
        assert_eq!(ascii_name("Überblick"), "uberblick");
        assert_eq!(ascii_name("Straße Øst, Łódź"), "strasse-ost-lodz");
        assert_eq!(ascii_name(""), "export");
        assert_eq!(ascii_name(&"a".repeat(100)).len(), 80);
    }
}
