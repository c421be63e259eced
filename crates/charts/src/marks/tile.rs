//! Treemap tiles and the squarified layout (Bruls, Huizing, van Wijk 2000).
//! Tiles are nested SVGs, so their labels are clipped to the tile.

use super::{attributes, n, title};
use crate::chart::Mark;
use crate::escape::escape;

/// A tile: a rectangle with label lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// Left, percent.
    pub x: f64,
    /// Top, px.
    pub y: f64,
    /// Width, percent.
    pub w: f64,
    /// Height, px.
    pub h: f64,
    /// Label lines (name, value), clipped to the tile.
    pub lines: Vec<String>,
    /// A group header (the first dimension's value above its tiles).
    pub header: bool,
}

/// A rectangle in layout units.
pub type Rect = (f64, f64, f64, f64);

/// Lays `values` (≥ 0) out in `rect`, each tile's area proportional to its
/// value, tiles as square as the algorithm gets them; results in input order.
pub fn squarify(values: &[f64], rect: Rect) -> Vec<Rect> {
    let mut out = vec![(rect.0, rect.1, 0.0, 0.0); values.len()];
    let total: f64 = values.iter().filter(|v| v.is_finite() && **v > 0.0).sum();
    if total <= 0.0 || rect.2 <= 0.0 || rect.3 <= 0.0 {
        return out;
    }
    let scale = rect.2 * rect.3 / total;
    let mut order: Vec<usize> = (0..values.len())
        .filter(|i| values[*i].is_finite() && values[*i] > 0.0)
        .collect();
    order.sort_by(|a, b| values[*b].total_cmp(&values[*a]));
    let (mut x, mut y, mut w, mut h) = rect;
    let mut row: Vec<usize> = Vec::new();
    let area = |i: usize| values[i] * scale;
    let worst = |row: &[usize], side: f64| {
        let s: f64 = row.iter().map(|i| area(*i)).sum();
        let max = row.iter().map(|i| area(*i)).fold(0.0, f64::max);
        let min = row.iter().map(|i| area(*i)).fold(f64::INFINITY, f64::min);
        (side * side * max / (s * s)).max(s * s / (side * side * min))
    };
    let mut k = 0;
    while k < order.len() {
        let side = w.min(h);
        let mut with = row.clone();
        with.push(order[k]);
        if row.is_empty() || worst(&with, side) <= worst(&row, side) {
            row = with;
            k += 1;
            continue;
        }
        place(&row, &mut out, &mut (x, y, w, h), area);
        (x, y, w, h) = remaining(&row, (x, y, w, h), area);
        row.clear();
    }
    if !row.is_empty() {
        place(&row, &mut out, &mut (x, y, w, h), area);
    }
    out
}

fn place(row: &[usize], out: &mut [Rect], r: &mut Rect, area: impl Fn(usize) -> f64) {
    let s: f64 = row.iter().map(|i| area(*i)).sum();
    let (x, y, w, h) = *r;
    let mut offset = 0.0;
    for i in row {
        if w >= h {
            let thick = s / h;
            let len = area(*i) / thick;
            out[*i] = (x, y + offset, thick, len);
            offset += len;
        } else {
            let thick = s / w;
            let len = area(*i) / thick;
            out[*i] = (x + offset, y, len, thick);
            offset += len;
        }
    }
}

fn remaining(row: &[usize], (x, y, w, h): Rect, area: impl Fn(usize) -> f64) -> Rect {
    let s: f64 = row.iter().map(|i| area(*i)).sum();
    if w >= h {
        let thick = s / h;
        (x + thick, y, w - thick, h)
    } else {
        let thick = s / w;
        (x, y + thick, w, h - thick)
    }
}

/// Writes the tile: a nested SVG (clipping its labels) holding the rectangle.
pub fn svg(t: &Tile, mark: &Mark, tab: Option<bool>, out: &mut String) {
    out.push_str(&format!(
        "<svg x=\"{}%\" y=\"{}\" width=\"{}%\" height=\"{}\"><rect width=\"100%\" height=\"100%\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"{}>{}</rect>",
        n(t.x),
        n(t.y),
        n(t.w.max(0.0)),
        n(t.h.max(0.0)),
        mark.fill,
        attributes(mark, tab),
        title(mark)
    ));
    for (i, line) in t.lines.iter().enumerate() {
        out.push_str(&format!(
            "<text x=\"4\" y=\"{}\" font-size=\"12\" fill=\"#333333\"{} aria-hidden=\"true\">{}</text>",
            15 + 15 * i,
            if t.header || i == 0 { " font-weight=\"bold\"" } else { "" },
            escape(line)
        ));
    }
    out.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_proportional_and_inside() {
        let values = [6.0, 6.0, 4.0, 3.0, 2.0, 2.0, 1.0];
        let rects = squarify(&values, (0.0, 0.0, 6.0, 4.0));
        for (v, r) in values.iter().zip(&rects) {
            assert!((r.2 * r.3 - v).abs() < 1e-9, "{v}: {r:?}");
            assert!(
                r.0 >= -1e-9 && r.1 >= -1e-9 && r.0 + r.2 <= 6.0 + 1e-9 && r.1 + r.3 <= 4.0 + 1e-9
            );
        }
        // The classic example: the first two tiles are 3 × 2.
        assert!((rects[0].2 - 3.0).abs() < 1e-9 && (rects[0].3 - 2.0).abs() < 1e-9);
    }

    #[test]
    fn zero_negative_and_nan_values_get_no_area() {
        let rects = squarify(&[0.0, -1.0, f64::NAN, 5.0], (0.0, 0.0, 10.0, 10.0));
        assert_eq!(rects[3], (0.0, 0.0, 10.0, 10.0));
        assert!(rects[..3].iter().all(|r| r.2 * r.3 == 0.0));
    }
}
