//! Escaping: everything taken from a layout reaches the page as text, never as
//! markup. One function serves element text and (double-quoted) attributes.

/// Escapes `&`, `<`, `>`, `"` and `'`, and drops control characters that are
/// not allowed in HTML text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Cuts `text` to at most `max` characters, ending in "…" when cut. Returns the
/// text and whether it was cut.
pub fn cut(text: &str, max: usize) -> (String, bool) {
    let max = max.max(2);
    if text.chars().count() <= max {
        return (text.to_string(), false);
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    (out, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        assert_eq!(escape("a\u{0}b"), "ab");
    }

    #[test]
    fn cut_keeps_short_text_and_marks_long() {
        assert_eq!(cut("EMEA", 8), ("EMEA".to_string(), false));
        assert_eq!(cut("North America", 6), ("North…".to_string(), true));
    }
}
