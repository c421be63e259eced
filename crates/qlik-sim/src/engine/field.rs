//! Field methods: cardinal, clearing and selecting values.

use std::sync::Arc;

use serde_json::{Value, json};

use super::methods::{Call, Outcome};
use super::rpc::RpcError;
use crate::data::App;

/// Does `text` match a Qlik search pattern (`*` and `?` wildcards, any case)?
fn matches_pattern(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) => a == b && go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    go(&p, &t)
}

pub(super) fn field_method(
    call: Call<'_>,
    app: &Arc<App>,
    field: usize,
) -> Result<Outcome, RpcError> {
    let request = call.request;
    let data = call.data;
    let info = &app.fields[field];
    let mut next = data.selections().clone();
    let toggle_at = |index: usize| {
        request
            .param(index, "qToggleMode")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    match request.method.as_str() {
        "GetCardinal" => return Ok(Outcome::plain(json!({"qReturn": info.values.len()}))),
        "Clear" => next.clear(field),
        "Select" | "ToggleSelect" => {
            let pattern = request.string(0, "qMatch")?;
            let symbols: Vec<u32> = (0..info.values.len() as u32)
                .filter(|s| matches_pattern(&pattern, &info.values[*s as usize].text))
                .collect();
            next.select(field, &symbols, request.method == "ToggleSelect");
        }
        "SelectValues" => {
            let wanted = request
                .param(0, "qFieldValues")
                .and_then(Value::as_array)
                .ok_or_else(|| RpcError::bad_params("qFieldValues"))?;
            let symbols: Vec<u32> = wanted
                .iter()
                .filter_map(|v| {
                    if v["qIsNumeric"].as_bool().unwrap_or(false) {
                        let n = v["qNumber"].as_f64()?;
                        info.values.iter().position(|c| c.num == Some(n))
                    } else {
                        let text = v["qText"].as_str()?;
                        info.values.iter().position(|c| c.text == text)
                    }
                })
                .map(|p| p as u32)
                .collect();
            next.select(field, &symbols, toggle_at(1));
        }
        "LowLevelSelect" => {
            let count = info.values.len() as i64;
            let symbols: Vec<u32> = request
                .param(0, "qValues")
                .and_then(Value::as_array)
                .ok_or_else(|| RpcError::bad_params("qValues"))?
                .iter()
                .filter_map(Value::as_i64)
                .filter(|v| *v >= 0 && *v < count)
                .map(|v| v as u32)
                .collect();
            next.select(field, &symbols, toggle_at(1));
        }
        other => return Err(RpcError::no_method(other)),
    }
    let changed = data.set_selections(next);
    Ok(Outcome::changed(json!({"qReturn": true}), changed))
}

#[cfg(test)]
mod tests {
    use super::matches_pattern;

    #[test]
    fn search_patterns() {
        assert!(matches_pattern("EMEA", "emea"));
        assert!(matches_pattern("E*", "EMEA"));
        assert!(matches_pattern("*me*", "EMEA"));
        assert!(matches_pattern("A?AC", "APAC"));
        assert!(!matches_pattern("E", "EMEA"));
    }
}
