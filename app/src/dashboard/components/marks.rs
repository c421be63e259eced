//! The interaction layer over charts drawn by `crates/charts` (the DOM
//! contract of docs/charts.md): in a `figure.qc`, the selectable marks are
//! the `.qc-mark` elements, in reading order, with `data-dim` and
//! `data-elem`, and one of them has `tabindex="0"`. In the browser only.

/// A selectable mark: the value `elem` of the chart's dimension `dimension`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The dimension's index in the hypercube.
    pub dimension: u32,
    /// The value's element number.
    pub elem: i64,
}

/// What a key pressed on a chart does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Enter or Space on a mark: select it.
    Select(Mark),
    /// An arrow key, Home or End: move the focus to another mark.
    Move(Step),
}

/// Where the focus moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The previous mark (left, up).
    Previous,
    /// The next mark (right, down).
    Next,
    /// The first mark (Home).
    First,
    /// The last mark (End).
    Last,
}

/// The step a key means, if any.
pub fn step_of(key: &str) -> Option<Step> {
    match key {
        "ArrowLeft" | "ArrowUp" => Some(Step::Previous),
        "ArrowRight" | "ArrowDown" => Some(Step::Next),
        "Home" => Some(Step::First),
        "End" => Some(Step::Last),
        _ => None,
    }
}

/// The index the focus moves to from `from` among `count` marks.
pub fn moved(from: usize, count: usize, step: Step) -> usize {
    let last = count.saturating_sub(1);
    match step {
        Step::Previous => from.saturating_sub(1),
        Step::Next => (from + 1).min(last),
        Step::First => 0,
        Step::Last => last,
    }
}

#[cfg(feature = "hydrate")]
pub use dom::{focus, key, step, target};

#[cfg(feature = "hydrate")]
mod dom {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, Event, HtmlElement, KeyboardEvent};

    use super::{Key, Mark, Step, moved, step_of};

    /// The `.qc-mark` an event happened on, with its element.
    fn mark_element(event: &Event) -> Option<(Element, Mark)> {
        let target = event.target()?.dyn_into::<Element>().ok()?;
        let mark = target.closest(".qc-mark").ok()??;
        let dimension = mark.get_attribute("data-dim")?.parse().ok()?;
        let elem = mark.get_attribute("data-elem")?.parse().ok()?;
        Some((mark, Mark { dimension, elem }))
    }

    /// The mark a click landed on.
    pub fn target(event: &Event) -> Option<Mark> {
        mark_element(event).map(|(_, mark)| mark)
    }

    /// What a key pressed on a mark does.
    pub fn key(event: &KeyboardEvent) -> Option<Key> {
        let (_, mark) = mark_element(event)?;
        match event.key().as_str() {
            "Enter" | " " => Some(Key::Select(mark)),
            other => step_of(other).map(Key::Move),
        }
    }

    /// Makes `mark` the chart's tab stop and focuses it. SVG elements have
    /// `focus()` as HTML elements do (wasm-bindgen calls it by name).
    fn make_current(marks: &[Element], mark: &Element) {
        for other in marks {
            let _ = other.set_attribute("tabindex", "-1");
        }
        let _ = mark.set_attribute("tabindex", "0");
        let _ = mark.unchecked_ref::<HtmlElement>().focus();
    }

    /// The marks of the chart holding `within`, in reading order.
    fn marks_of(within: &Element) -> Vec<Element> {
        let figure = within.closest(".qc").ok().flatten();
        let root = figure.as_ref().unwrap_or(within);
        let Ok(list) = root.query_selector_all(".qc-mark") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
            .collect()
    }

    /// Moves the focus from the mark the key was pressed on.
    pub fn step(event: &KeyboardEvent, step: Step) {
        let Some((from, _)) = mark_element(event) else {
            return;
        };
        let marks = marks_of(&from);
        if let Some(i) = marks.iter().position(|m| *m == from) {
            make_current(&marks, &marks[moved(i, marks.len(), step)]);
        }
    }

    /// Focuses the mark of `mark`'s value in the (redrawn) chart in `host`.
    pub fn focus(host: &Element, mark: Mark) {
        let marks = marks_of(host);
        let found = marks.iter().find(|m| {
            m.get_attribute("data-dim").as_deref() == Some(&mark.dimension.to_string())
                && m.get_attribute("data-elem").as_deref() == Some(&mark.elem.to_string())
        });
        if let Some(found) = found {
            make_current(&marks, found);
        }
    }
}

/// On the server nothing is clicked: no mark.
#[cfg(not(feature = "hydrate"))]
pub fn target(_: &leptos::ev::MouseEvent) -> Option<Mark> {
    None
}

/// On the server no key is pressed.
#[cfg(not(feature = "hydrate"))]
pub fn key(_: &leptos::ev::KeyboardEvent) -> Option<Key> {
    None
}

/// On the server nothing moves.
#[cfg(not(feature = "hydrate"))]
pub fn step(_: &leptos::ev::KeyboardEvent, _: Step) {}

/// On the server nothing is focused.
#[cfg(not(feature = "hydrate"))]
pub fn focus<T>(_: &T, _: Mark) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_move_within_the_marks() {
        assert_eq!(step_of("ArrowRight"), Some(Step::Next));
        assert_eq!(step_of("ArrowUp"), Some(Step::Previous));
        assert_eq!(step_of("a"), None);
        assert_eq!(moved(0, 5, Step::Previous), 0);
        assert_eq!(moved(3, 5, Step::Next), 4);
        assert_eq!(moved(4, 5, Step::Next), 4);
        assert_eq!(moved(2, 5, Step::Last), 4);
        assert_eq!(moved(2, 5, Step::First), 0);
        assert_eq!(moved(0, 0, Step::Next), 0);
    }
}
