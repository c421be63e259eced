//! Colours: Qlik Sense's default theme and the object's own `color` settings.
//! Values from nebula.js' default theme (`apis/theme/src/themes/base.json`):
//! the data palette "12 Colors" (a pyramid: n values take row n), the UI
//! palette that `paletteColor.index` points into, and the special colours for
//! the primary series, "Others" and nulls. Sources: docs/charts.md.

use serde_json::Value;

/// `dataColors.primaryColor`: one series.
pub const PRIMARY: &str = "#26a0a7";
/// `dataColors.othersColor`: the "Others" value (qElemNumber -3).
pub const OTHERS: &str = "#a5a5a5";
/// `dataColors.nullColor`: a null value (qElemNumber -2).
pub const NULL: &str = "#d2d2d2";
/// Track of a gauge (the theme's `@B90` grey).
pub const TRACK: &str = "#e6e6e6";

/// The "12 Colors" pyramid: row `n - 1` colours `n` values.
const PYRAMID: [&[&str]; 12] = [
    &["#26A0A7"],
    &["#26A0A7", "#EC983D"],
    &["#26A0A7", "#CBE989", "#EC983D"],
    &["#26A0A7", "#79D69F", "#F9EC86", "#EC983D"],
    &["#26A0A7", "#79D69F", "#CBE989", "#F9EC86", "#EC983D"],
    &[
        "#26A0A7", "#65D3DA", "#79D69F", "#CBE989", "#F9EC86", "#EC983D",
    ],
    &[
        "#26A0A7", "#65D3DA", "#79D69F", "#CBE989", "#F9EC86", "#EC983D", "#D76C6C",
    ],
    &[
        "#26A0A7", "#65D3DA", "#79D69F", "#CBE989", "#F9EC86", "#FAD144", "#EC983D", "#D76C6C",
    ],
    &[
        "#138185", "#26A0A7", "#65D3DA", "#79D69F", "#CBE989", "#F9EC86", "#FAD144", "#EC983D",
        "#D76C6C",
    ],
    &[
        "#138185", "#26A0A7", "#65D3DA", "#79D69F", "#CBE989", "#EBF898", "#F9EC86", "#FAD144",
        "#EC983D", "#D76C6C",
    ],
    &[
        "#138185", "#26A0A7", "#65D3DA", "#79D69F", "#CBE989", "#EBF898", "#F9EC86", "#FAD144",
        "#EC983D", "#D76C6C", "#A54343",
    ],
    &[
        "#138185", "#26A0A7", "#65D3DA", "#79D69F", "#70BA6E", "#CBE989", "#EBF898", "#F9EC86",
        "#FAD144", "#EC983D", "#D76C6C", "#A54343",
    ],
];

/// The UI palette (`palettes.ui[0].colors`) that `paletteColor.index` names.
const UI: [&str; 16] = [
    "#b0afae", "#7b7a78", "#a54343", "#d76c6c", "#ec983d", "#ecc43d", "#f9ec86", "#cbe989",
    "#70ba6e", "#578b60", "#79d69f", "#26a0a7", "#138185", "#65d3da", "#ffffff", "#000000",
];

/// The two ends of the "Sequential Gradient" scale (`sg`), for colouring by
/// measure.
pub const SEQUENTIAL: (&str, &str) = ("#26a0a7", "#c7ea8b");

/// `n` categorical colours: the pyramid's row `n`; past 12 values the
/// 12-colour row repeats.
pub fn categorical(n: usize) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let row = PYRAMID[n.min(12) - 1];
    (0..n).map(|i| row[i % row.len()].to_lowercase()).collect()
}

/// A `{index, color}` colour as the theme resolves it: a UI palette entry
/// when `index` is 0 or more, else `color` (when it is a plain colour).
pub fn ui_color(spec: &Value) -> Option<String> {
    let index = spec.get("index").and_then(Value::as_i64).unwrap_or(-1);
    if let Some(c) = usize::try_from(index).ok().and_then(|i| UI.get(i)) {
        return Some((*c).to_string());
    }
    spec.get("color")
        .and_then(Value::as_str)
        .and_then(safe_color)
}

/// `text` when it is a plain colour (`#rgb`, `#rrggbb`, `#rrggbbaa`, or a
/// `rgb()`/`rgba()` of numbers); anything else from a layout is refused.
pub fn safe_color(text: &str) -> Option<String> {
    let t = text.trim();
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit());
    let ok = if let Some(h) = t.strip_prefix('#') {
        matches!(h.len(), 3 | 6 | 8) && hex(h)
    } else if let Some(inner) = t
        .strip_prefix("rgba(")
        .or_else(|| t.strip_prefix("rgb("))
        .and_then(|r| r.strip_suffix(')'))
    {
        inner.split(',').all(|p| {
            !p.trim().is_empty() && p.trim().chars().all(|c| c.is_ascii_digit() || c == '.')
        })
    } else {
        false
    };
    ok.then(|| t.to_lowercase())
}

/// The colour at `t` in `[0, 1]` between two `#rrggbb` colours.
pub fn mix(from: &str, to: &str, t: f64) -> String {
    let rgb = |c: &str| {
        let v = u32::from_str_radix(c.trim_start_matches('#'), 16).unwrap_or(0);
        [(v >> 16) & 255, (v >> 8) & 255, v & 255]
    };
    let (a, b) = (rgb(from), rgb(to));
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let c: Vec<u32> = (0..3)
        .map(|i| (a[i] as f64 + (b[i] as f64 - a[i] as f64) * t).round() as u32)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_pyramid_row_matches_the_count() {
        assert_eq!(categorical(1), ["#26a0a7"]);
        assert_eq!(categorical(2), ["#26a0a7", "#ec983d"]);
        assert_eq!(categorical(12).len(), 12);
        let many = categorical(14);
        assert_eq!(many[12], many[0]);
    }

    #[test]
    fn palette_colors_resolve_like_the_theme() {
        assert_eq!(ui_color(&json!({"index": 11})).as_deref(), Some("#26a0a7"));
        assert_eq!(
            ui_color(&json!({"index": -1, "color": "#00CC00"})).as_deref(),
            Some("#00cc00")
        );
        assert_eq!(
            ui_color(&json!({"index": -1, "color": "red\" onload=\"x"})),
            None
        );
        assert_eq!(safe_color("rgb(1, 2, 3)").as_deref(), Some("rgb(1, 2, 3)"));
        assert_eq!(safe_color("url(#x)"), None);
        assert_eq!(mix("#000000", "#ffffff", 0.5), "#808080");
    }
}
