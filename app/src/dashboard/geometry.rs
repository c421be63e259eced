//! Chart geometry: where the bars, points, ticks and labels of a chart go in
//! its SVG view box. Pure arithmetic, shared by the server and the browser.

use super::config::ChartKind;
use super::view_model::{ChartPoint, compact_number};

/// Width of a chart's view box.
pub const WIDTH: f64 = 640.0;
/// Height of a chart's view box.
pub const HEIGHT: f64 = 280.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;
/// Most dimension labels written under the x axis.
const MAX_X_LABELS: usize = 8;

/// A horizontal grid line with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Vertical position.
    pub y: f64,
    /// The value, compact ("1.5M").
    pub label: String,
}

/// One mark of the chart: a bar (`width > 0`) or a line point.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// Left edge of a bar, centre of a point.
    pub x: f64,
    /// Top of a bar, centre of a point.
    pub y: f64,
    /// Bar width (0 for points).
    pub width: f64,
    /// Bar height (0 for points).
    pub height: f64,
    /// Horizontal centre (for labels and tooltips).
    pub centre: f64,
    /// Dimension value.
    pub label: String,
    /// Measure value as text.
    pub text: String,
    /// The dimension value's element number (what a click selects).
    pub elem: i64,
}

/// An x-axis label.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisLabel {
    /// Horizontal centre.
    pub x: f64,
    /// The text.
    pub text: String,
}

/// Everything drawn for a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Grid lines, bottom to top.
    pub ticks: Vec<Tick>,
    /// Vertical position of the zero line.
    pub baseline: f64,
    /// Bars or points, in dimension order.
    pub marks: Vec<Mark>,
    /// The SVG path of a line chart (empty for bars).
    pub path: String,
    /// The labels under the x axis (thinned out when there are many).
    pub x_labels: Vec<AxisLabel>,
    /// Left edge of the plot area.
    pub plot_left: f64,
    /// Right edge of the plot area.
    pub plot_right: f64,
}

/// A round step near `range / 4`: 1, 2 or 5 times a power of ten.
pub fn nice_step(range: f64) -> f64 {
    if !(range.is_finite() && range > 0.0) {
        return 1.0;
    }
    let rough = range / 4.0;
    let power = 10f64.powf(rough.log10().floor());
    let fraction = rough / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// Lays out a chart of `points`.
pub fn layout(kind: ChartKind, points: &[ChartPoint]) -> Geometry {
    let max = points.iter().map(|p| p.value).fold(0.0, f64::max);
    let min = points.iter().map(|p| p.value).fold(0.0, f64::min);
    let step = nice_step(max - min);
    let low = (min / step).floor() * step;
    let high = ((max / step).ceil() * step).max(low + step);
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y_of = |value: f64| TOP + (high - value) / (high - low) * plot_height;
    let tick_count = ((high - low) / step).round() as usize;
    let ticks = (0..=tick_count)
        .map(|i| {
            let value = low + step * i as f64;
            Tick {
                y: y_of(value),
                label: compact_number(value),
            }
        })
        .collect();
    let plot_width = WIDTH - LEFT - RIGHT;
    let slot = plot_width / points.len().max(1) as f64;
    let baseline = y_of(0.0);
    let marks: Vec<Mark> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let centre = LEFT + slot * (i as f64 + 0.5);
            let y = y_of(p.value);
            let (x, width, top, height) = match kind {
                ChartKind::Bar => {
                    let width = (slot * 0.7).max(1.0);
                    (
                        centre - width / 2.0,
                        width,
                        y.min(baseline),
                        (y - baseline).abs(),
                    )
                }
                ChartKind::Line => (centre, 0.0, y, 0.0),
            };
            Mark {
                x,
                y: top,
                width,
                height,
                centre,
                label: p.label.clone(),
                text: p.text.clone(),
                elem: p.elem,
            }
        })
        .collect();
    let path = match kind {
        ChartKind::Bar => String::new(),
        ChartKind::Line => marks
            .iter()
            .enumerate()
            .map(|(i, m)| {
                format!(
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { " L" },
                    m.centre,
                    m.y
                )
            })
            .collect(),
    };
    let every = marks.len().div_ceil(MAX_X_LABELS).max(1);
    let x_labels = marks
        .iter()
        .step_by(every)
        .map(|m| AxisLabel {
            x: m.centre,
            text: m.label.clone(),
        })
        .collect();
    Geometry {
        ticks,
        baseline,
        marks,
        path,
        x_labels,
        plot_left: LEFT,
        plot_right: WIDTH - RIGHT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(values: &[f64]) -> Vec<ChartPoint> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| ChartPoint {
                label: format!("P{i}"),
                value: *v,
                text: v.to_string(),
                elem: i as i64,
            })
            .collect()
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(100.0), 50.0);
        assert_eq!(nice_step(7_300_000.0), 2_000_000.0);
        assert_eq!(nice_step(4.0), 1.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn bars_stand_on_the_baseline_and_scale_with_their_value() {
        let g = layout(ChartKind::Bar, &points(&[10.0, 40.0]));
        assert_eq!(g.ticks.first().map(|t| t.label.as_str()), Some("0"));
        assert_eq!(g.ticks.last().map(|t| t.label.as_str()), Some("40"));
        let (a, b) = (&g.marks[0], &g.marks[1]);
        assert!((a.y + a.height - g.baseline).abs() < 1e-9);
        assert!((b.height / a.height - 4.0).abs() < 1e-9);
        assert!(a.x + a.width < b.x, "bars do not overlap");
        assert!(g.path.is_empty());
    }

    #[test]
    fn negative_values_hang_below_zero() {
        let g = layout(ChartKind::Bar, &points(&[-20.0, 30.0]));
        assert!(g.ticks[0].label.starts_with('-'));
        assert!((g.marks[0].y - g.baseline).abs() < 1e-9);
        assert!(g.marks[0].height > 0.0);
    }

    #[test]
    fn lines_join_every_point_and_thin_out_labels() {
        let values: Vec<f64> = (0..36).map(f64::from).collect();
        let g = layout(ChartKind::Line, &points(&values));
        assert_eq!(g.path.matches('L').count(), 35);
        assert!(g.path.starts_with('M'));
        assert!(g.x_labels.len() <= MAX_X_LABELS);
        assert_eq!(g.x_labels[0].text, "P0");
    }

    #[test]
    fn an_empty_chart_still_has_an_axis() {
        let g = layout(ChartKind::Line, &[]);
        assert!(g.marks.is_empty() && g.path.is_empty());
        assert_eq!(g.ticks.len(), 2);
    }
}
