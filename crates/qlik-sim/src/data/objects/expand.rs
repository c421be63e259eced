//! Dollar-sign expansion: `$(vName)` is replaced by the variable's value
//! (a definition starting with `=` is evaluated first), `$(=expression)`
//! by the expression's value, an unknown variable by nothing.

use super::{Context, evaluate_at};

/// How deep expansions may nest (a variable naming itself stops here).
const MAX_DEPTH: usize = 10;

/// The text of a value put into an expression: the number as Rust prints
/// it (no separators, so it parses again), else the text.
fn value_text((text, number): (String, Option<f64>)) -> String {
    number.map_or(text, |n| n.to_string())
}

/// What one `$(…)` expands to.
fn expansion(ctx: &Context<'_>, inner: &str, depth: usize) -> Result<String, String> {
    if let Some(expression) = inner.strip_prefix('=') {
        return evaluate_at(ctx, expression, depth + 1).map(value_text);
    }
    let Some(variable) = ctx.app.library.variable(inner.trim()) else {
        return Ok(String::new());
    };
    let definition = variable["qDefinition"].as_str().unwrap_or_default();
    match definition.strip_prefix('=') {
        Some(expression) => evaluate_at(ctx, expression, depth + 1).map(value_text),
        None => expand(ctx, definition, depth + 1),
    }
}

/// `text` with every `$(…)` expanded.
pub(super) fn expand(ctx: &Context<'_>, text: &str, depth: usize) -> Result<String, String> {
    if !text.contains("$(") {
        return Ok(text.to_owned());
    }
    if depth > MAX_DEPTH {
        return Err("dollar-sign expansions nest too deeply".into());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let body = &rest[start + 2..];
        let mut open = 1;
        let end = body
            .char_indices()
            .find(|(_, c)| {
                match c {
                    '(' => open += 1,
                    ')' => open -= 1,
                    _ => {}
                }
                open == 0
            })
            .map(|(at, _)| at)
            .ok_or("unclosed $(")?;
        out.push_str(&expansion(ctx, &body[..end], depth)?);
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
