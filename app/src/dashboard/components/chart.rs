//! Bar and line charts as SVG: axes, grid, labels and a hover tooltip.
//! Clicking a bar or point (or Enter/Space on it) selects its dimension
//! value, as in Qlik. Everything is placed with SVG attributes (the CSP
//! forbids inline styles).

use leptos::prelude::*;

use super::downloads::Downloads;
use super::state::Dash;
use crate::dashboard::api::select_in_chart;
use crate::dashboard::config::ChartKind;
use crate::dashboard::geometry::{self, HEIGHT, Mark, WIDTH};

const TOOLTIP_HEIGHT: f64 = 40.0;

/// The tooltip box for a mark: (x, y, width) inside the view box.
fn tooltip_box(mark: &Mark) -> (f64, f64, f64) {
    let chars = mark.label.chars().count().max(mark.text.chars().count()) as f64;
    let width = chars * 7.5 + 20.0;
    let x = (mark.centre - width / 2.0).clamp(0.0, WIDTH - width);
    let y = (mark.y - TOOLTIP_HEIGHT - 8.0).max(0.0);
    (x, y, width)
}

/// The card of the dashboard's `index`-th chart.
#[component]
pub fn Chart(index: usize) -> impl IntoView {
    let dash = expect_context::<Dash>();
    let chart = Memo::new(move |_| dash.view.with(|v| v.charts.get(index).cloned()));
    let (id, title, kind) = chart.with_untracked(|c| {
        c.as_ref()
            .map(|c| (c.id.to_string(), c.title.clone(), c.kind))
            .unwrap_or((String::new(), String::new(), ChartKind::Bar))
    });
    let shape = Memo::new(move |_| {
        chart.with(|c| {
            c.as_ref()
                .map(|c| geometry::layout(c.kind, &c.points))
                .unwrap_or_else(|| geometry::layout(kind, &[]))
        })
    });
    let hovered = RwSignal::new(None::<usize>);
    let error = move || chart.with(|c| c.as_ref().and_then(|c| c.error.clone()));
    let measure_label = move || chart.with(|c| c.as_ref().map(|c| c.measure_label.clone()));
    let description = move || {
        chart.with(|c| {
            c.as_ref()
                .map(|c| format!("{} by point: {} points", c.measure_label, c.points.len()))
        })
    };
    // A click (or Enter/Space) on a mark selects its value.
    let select = {
        let id = id.clone();
        move |elem: i64| {
            if elem >= 0 {
                dash.act(select_in_chart(dash.page(), id.clone(), None, elem));
            }
        }
    };
    let kind_class = match kind {
        ChartKind::Bar => "card chart bar-chart",
        ChartKind::Line => "card chart line-chart",
    };
    view! {
        <section class=kind_class data-object=id.clone()>
            <header class="card-header">
                <h2>{title.clone()}</h2>
                <span class="chart-measure">{measure_label}</span>
                <Downloads id=id.clone() title=title.clone()/>
            </header>
            {move || error().map(|message| view! { <p class="chart-error" role="alert">{message}</p> })}
            <svg
                class="chart-svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="group"
                aria-label=move || format!("{title}. {}", description().unwrap_or_default())
                on:mouseleave=move |_| hovered.set(None)
            >
                <g class="grid">
                    {move || shape.with(|g| g.ticks.iter().map(|tick| view! {
                        <line x1=g.plot_left x2=g.plot_right y1=tick.y y2=tick.y class="grid-line"/>
                        <text x=g.plot_left - 8.0 y=tick.y + 4.0 text-anchor="end" class="tick-label">
                            {tick.label.clone()}
                        </text>
                    }).collect_view())}
                </g>
                <line
                    class="axis"
                    x1=move || shape.with(|g| g.plot_left)
                    x2=move || shape.with(|g| g.plot_right)
                    y1=move || shape.with(|g| g.baseline)
                    y2=move || shape.with(|g| g.baseline)
                />
                <g class="x-labels">
                    {move || shape.with(|g| g.x_labels.iter().map(|label| view! {
                        <text x=label.x y=HEIGHT - 18.0 text-anchor="middle" class="x-label">
                            {label.text.clone()}
                        </text>
                    }).collect_view())}
                </g>
                {move || (kind == ChartKind::Line).then(|| view! {
                    <path class="line" d=move || shape.with(|g| g.path.clone())/>
                })}
                <g class="marks">
                    {move || shape.with(|g| g.marks.iter().enumerate().map(|(i, mark)| {
                        let summary = format!("{}: {}", mark.label, mark.text);
                        let label = format!("Select {}", summary);
                        let elem = mark.elem;
                        let (on_click, on_key) = (select.clone(), select.clone());
                        let on_key = move |event: leptos::ev::KeyboardEvent| {
                            if matches!(event.key().as_str(), "Enter" | " ") {
                                event.prevent_default();
                                on_key(elem);
                            }
                        };
                        match kind {
                            ChartKind::Bar => view! {
                                <rect
                                    class="bar"
                                    class:hovered=move || hovered.get() == Some(i)
                                    x=mark.x y=mark.y width=mark.width height=mark.height
                                    role="button" tabindex="0" aria-label=label
                                    on:mouseenter=move |_| hovered.set(Some(i))
                                    on:focus=move |_| hovered.set(Some(i))
                                    on:click=move |_| on_click(elem)
                                    on:keydown=on_key
                                >
                                    <title>{summary}</title>
                                </rect>
                            }.into_any(),
                            ChartKind::Line => view! {
                                <circle
                                    class="point"
                                    class:hovered=move || hovered.get() == Some(i)
                                    cx=mark.x cy=mark.y r=5
                                    role="button" tabindex="0" aria-label=label
                                    on:mouseenter=move |_| hovered.set(Some(i))
                                    on:focus=move |_| hovered.set(Some(i))
                                    on:click=move |_| on_click(elem)
                                    on:keydown=on_key
                                >
                                    <title>{summary}</title>
                                </circle>
                            }.into_any(),
                        }
                    }).collect_view())}
                </g>
                {move || hovered.get().and_then(|i| shape.with(|g| g.marks.get(i).cloned())).map(|mark| {
                    let (x, y, width) = tooltip_box(&mark);
                    view! {
                        <g class="tooltip" aria-hidden="true">
                            <rect x=x y=y width=width height=TOOLTIP_HEIGHT rx=4 class="tooltip-box"/>
                            <text x=x + 10.0 y=y + 16.0 class="tooltip-label">{mark.label.clone()}</text>
                            <text x=x + 10.0 y=y + 32.0 class="tooltip-value">{mark.text.clone()}</text>
                        </g>
                    }
                })}
            </svg>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooltips_stay_inside_the_chart() {
        let mark = |centre: f64, y: f64| Mark {
            x: centre,
            y,
            width: 0.0,
            height: 0.0,
            centre,
            label: "A rather long dimension value".into(),
            text: "12,345,678.90".into(),
            elem: 0,
        };
        let (x, y, width) = tooltip_box(&mark(WIDTH - 2.0, 5.0));
        assert!(x >= 0.0 && x + width <= WIDTH);
        assert_eq!(y, 0.0);
        let (x, _, _) = tooltip_box(&mark(1.0, 200.0));
        assert_eq!(x, 0.0);
    }
}
