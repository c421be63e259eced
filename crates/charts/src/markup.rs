//! The safe subset of a text-image object's `markdown` that reaches the page
//! as markup: paragraphs (blank lines), line breaks, `**bold**`, `*italic*`
//! (or `_italic_`), and `[text](url)` links whose URL is `http://` or
//! `https://`. Qlik's own formats `#[text](size)`, `%[text](font)`,
//! `^[text](align)` and images `![text](url)` keep their text and drop the
//! rest. Everything else — HTML tags, attributes, other URL schemes — is
//! escaped text: nothing the app author wrote becomes markup or script.
//! Sources: `docs/qlik-protocol.md`, "Text and image objects".

use crate::escape::escape;

/// Deepest nesting of formats rendered; deeper text is shown as written.
const MAX_DEPTH: usize = 8;

/// The markdown as HTML: `<p>` per paragraph, `<br>` per line break.
pub fn html(markdown: &str) -> String {
    let text = markdown.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 32);
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |lines: &mut Vec<&str>, out: &mut String| {
        if lines.is_empty() {
            return;
        }
        out.push_str("<p>");
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            inline(line.trim_end(), 0, false, out);
        }
        out.push_str("</p>");
        lines.clear();
    };
    for line in text.split('\n') {
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut out);
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

/// The text of the markdown without its formats (for summaries).
pub fn plain(markdown: &str) -> String {
    let html = html(markdown);
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    unescape(&words.join(" "))
}

/// Back from [`escape`]'s entities.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// One line's inline formats, written to `out`; `in_link`: inside a link's
/// text (no link in a link).
fn inline(text: &str, depth: usize, in_link: bool, out: &mut String) {
    if depth > MAX_DEPTH {
        out.push_str(&escape(text));
        return;
    }
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(strong) = rest.strip_prefix("**")
            && let Some(end) = strong.find("**")
            && end > 0
        {
            out.push_str("<strong>");
            inline(&strong[..end], depth + 1, in_link, out);
            out.push_str("</strong>");
            rest = &strong[end + 2..];
            continue;
        }
        if (c == '*' || c == '_')
            && let Some(len) = emphasis(rest, c, out.chars().last())
        {
            out.push_str("<em>");
            inline(&rest[1..len], depth + 1, in_link, out);
            out.push_str("</em>");
            rest = &rest[len + 1..];
            continue;
        }
        if matches!(c, '#' | '%' | '^' | '!')
            && let Some((inner, _, len)) = bracketed(&rest[1..])
        {
            inline(inner, depth + 1, in_link, out);
            rest = &rest[1 + len..];
            continue;
        }
        if c == '['
            && let Some((inner, target, len)) = bracketed(rest)
        {
            match safe_url(target) {
                Some(url) if !in_link => {
                    out.push_str(&format!(
                        "<a href=\"{}\" rel=\"noopener noreferrer\">",
                        escape(url)
                    ));
                    inline(inner, depth + 1, true, out);
                    out.push_str("</a>");
                }
                _ => inline(inner, depth + 1, in_link, out),
            }
            rest = &rest[len..];
            continue;
        }
        out.push_str(&escape(&rest[..c.len_utf8()]));
        rest = &rest[c.len_utf8()..];
    }
}

/// `*text*` or `_text_` at the start of `text`: the byte index of the
/// closing delimiter. `_` counts only at word edges (`snake_case` stays).
fn emphasis(text: &str, delimiter: char, before: Option<char>) -> Option<usize> {
    if delimiter == '_' && before.is_some_and(char::is_alphanumeric) {
        return None;
    }
    let body = &text[1..];
    if body.starts_with(char::is_whitespace) {
        return None;
    }
    let end = body.find(delimiter)? + 1;
    let inner = &text[1..end];
    let after = text[end + 1..].chars().next();
    let open = inner.is_empty()
        || inner.ends_with(char::is_whitespace)
        || (delimiter == '_' && after.is_some_and(char::is_alphanumeric));
    (!open).then_some(end)
}

/// `[inner](target)` at the start of `text` (brackets may nest in `inner`):
/// the inner text, the target and the bytes taken.
fn bracketed(text: &str) -> Option<(&str, &str, usize)> {
    if !text.starts_with('[') {
        return None;
    }
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let after = &text[close + 1..];
    if !after.starts_with('(') {
        return None;
    }
    let end = after.find(')')?;
    Some((&text[1..close], &after[1..end], close + 1 + end + 1))
}

/// The URL when it is `http(s)://` with no space, quote or angle bracket.
fn safe_url(target: &str) -> Option<&str> {
    let url = target.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let scheme = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'));
    (scheme && clean && url.len() > "https://".len()).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_breaks_bold_italic_and_links() {
        assert_eq!(
            html(
                "Sales **up** and *rising*\nsee [the report](https://example.com/r?a=1&b=2)\n\nNext"
            ),
            "<p>Sales <strong>up</strong> and <em>rising</em><br>see \
             <a href=\"https://example.com/r?a=1&amp;b=2\" rel=\"noopener noreferrer\">the report</a></p>\
             <p>Next</p>"
        );
        assert_eq!(
            html("_a_ snake_case_name"),
            "<p><em>a</em> snake_case_name</p>"
        );
        assert_eq!(html("2 * 3 * 4"), "<p>2 * 3 * 4</p>");
        assert_eq!(html("\r\n\r\n"), "");
    }

    #[test]
    fn qlik_formats_keep_their_text() {
        // As in the stories of a real app (consumer-sales).
        assert_eq!(
            html("^[**#[%[No Sales in the Northeast](4)](7)**](center)"),
            "<p><strong>No Sales in the Northeast</strong></p>"
        );
        assert_eq!(html("![logo](https://x.example/l.png)"), "<p>logo</p>");
    }

    #[test]
    fn html_in_the_text_is_escaped() {
        let out = html("<script>alert(1)</script> <img src=x onerror=alert(1)> <b>b</b>");
        assert_eq!(
            out,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; \
             &lt;b&gt;b&lt;/b&gt;</p>"
        );
    }

    #[test]
    fn only_http_links_become_links() {
        for hostile in [
            "[x](javascript:alert(1))",
            "[x]( JavaScript:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
            "[x](//evil.example)",
            "[x](/relative)",
            "[x](https://a.example\" onmouseover=\"alert(1))",
            "[x](https://)",
        ] {
            let out = html(hostile);
            assert!(!out.contains("<a "), "{hostile}: {out}");
            assert!(!out.contains("href"), "{hostile}: {out}");
        }
        // A quote cannot leave the attribute.
        assert_eq!(
            html("[x](HTTPS://a.example/?q=<b>)"),
            "<p>x</p>",
            "angle brackets in a URL: no link"
        );
        assert!(html("[x](HTTPS://a.example/p)").contains("href=\"HTTPS://a.example/p\""));
    }

    #[test]
    fn no_link_inside_a_link_and_deep_nesting_is_text() {
        let out = html("[a [b](https://b.example)](https://a.example)");
        assert_eq!(out.matches("<a ").count(), 1, "{out}");
        let deep = format!("{}x{}", "**".repeat(40), "**".repeat(40));
        let out = html(&deep);
        assert!(out.matches("<strong>").count() <= MAX_DEPTH + 1, "{out}");
        assert_eq!(
            out.matches("<strong>").count(),
            out.matches("</strong>").count()
        );
    }

    #[test]
    fn unclosed_formats_are_text() {
        assert_eq!(html("**open [x](y"), "<p>**open [x](y</p>");
        assert_eq!(
            plain("**Total** sales: [here](https://a.example) <b>"),
            "Total sales: here <b>"
        );
    }
}
