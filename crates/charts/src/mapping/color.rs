//! The object's `color` settings: `auto` (Qlik's default: one colour for one
//! series, the palette for several), or a chosen `mode` — `primary`/`single`
//! with `paletteColor`, `byDimension`, `byMeasure`.

use crate::layout::{flag_at, text_at};
use crate::palette::{self, NULL, OTHERS, PRIMARY, SEQUENTIAL};
use serde_json::Value;

/// How marks get their colour.
#[derive(Debug, Clone, PartialEq)]
pub enum Scheme {
    /// Every mark of a single series the same colour.
    Single(String),
    /// One palette colour per series (measure or second dimension value).
    Series,
    /// One palette colour per dimension value.
    Categories,
    /// A gradient by the measure's value.
    ByValue,
}

/// Reads `color`; `several` says whether there are several series.
pub fn scheme(layout: &Value, several: bool) -> Scheme {
    let auto = flag_at(layout, "/color/auto").unwrap_or(true);
    let single = || {
        layout
            .pointer("/color/paletteColor")
            .and_then(palette::ui_color)
            .unwrap_or_else(|| PRIMARY.to_string())
    };
    if auto {
        return if several {
            Scheme::Series
        } else {
            Scheme::Single(PRIMARY.into())
        };
    }
    match text_at(layout, "/color/mode") {
        Some("byDimension") => Scheme::Categories,
        Some("byMeasure") => Scheme::ByValue,
        _ if several => Scheme::Series,
        _ => Scheme::Single(single()),
    }
}

/// The colour of dimension value `i` of `n` with element number `elem`:
/// "Others" and nulls get the theme's colours.
pub fn category(i: usize, n: usize, elem: i64, palette: &[String]) -> String {
    match elem {
        -3 => OTHERS.into(),
        -2 => NULL.into(),
        _ => palette
            .get(i % n.max(1))
            .cloned()
            .unwrap_or_else(|| PRIMARY.into()),
    }
}

/// The gradient colour of `v` in `[lo, hi]`.
pub fn by_value(v: f64, lo: f64, hi: f64) -> String {
    let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.0 };
    palette::mix(SEQUENTIAL.0, SEQUENTIAL.1, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn auto_and_chosen_modes() {
        assert_eq!(scheme(&json!({}), false), Scheme::Single(PRIMARY.into()));
        assert_eq!(
            scheme(&json!({"color": {"auto": true}}), true),
            Scheme::Series
        );
        let single = json!({"color": {"auto": false, "mode": "primary", "paletteColor": {"index": -1, "color": "#112233"}}});
        assert_eq!(scheme(&single, false), Scheme::Single("#112233".into()));
        let by_dim = json!({"color": {"auto": false, "mode": "byDimension"}});
        assert_eq!(scheme(&by_dim, false), Scheme::Categories);
        assert_eq!(category(0, 3, -3, &[]), OTHERS);
    }
}
