//! JSON-RPC frames: requests, results, Qlik's error objects, the delta protocol.

use std::collections::HashMap;

use serde_json::{Value, json};

/// A Qlik engine error (`LocalizedErrorCode`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RpcError {
    pub code: i64,
    pub message: &'static str,
    pub parameter: String,
}

impl RpcError {
    pub fn new(code: i64, message: &'static str, parameter: impl Into<String>) -> Self {
        Self {
            code,
            message,
            parameter: parameter.into(),
        }
    }
    pub fn parse() -> Self {
        Self::new(-32700, "JSON parse error", "")
    }
    pub fn invalid_request(parameter: &str) -> Self {
        Self::new(-32600, "Invalid JSON request", parameter)
    }
    pub fn no_method(method: &str) -> Self {
        Self::new(-32601, "Method does not exist", method)
    }
    pub fn bad_params(parameter: &str) -> Self {
        Self::new(-32602, "Invalid method parameter(s)", parameter)
    }
}

/// A decoded request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub id: Option<Value>,
    pub handle: i64,
    pub method: String,
    pub params: Value,
    pub delta: bool,
}

impl Request {
    /// Decodes a text frame.
    pub fn decode(text: &str) -> Result<Self, (Option<Value>, RpcError)> {
        let value: Value = serde_json::from_str(text).map_err(|_| (None, RpcError::parse()))?;
        let Value::Object(object) = value else {
            return Err((None, RpcError::invalid_request("not an object")));
        };
        let id = object.get("id").cloned();
        let Some(method) = object.get("method").and_then(Value::as_str) else {
            return Err((id, RpcError::invalid_request("method")));
        };
        let handle = match object.get("handle") {
            None => -1,
            Some(h) => h
                .as_i64()
                .ok_or_else(|| (id.clone(), RpcError::invalid_request("handle")))?,
        };
        Ok(Request {
            method: method.to_owned(),
            handle,
            params: object
                .get("params")
                .cloned()
                .unwrap_or(Value::Array(vec![])),
            delta: object
                .get("delta")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            id,
        })
    }

    /// Parameter `index` (positional) or `name` (named).
    pub fn param(&self, index: usize, name: &str) -> Option<&Value> {
        match &self.params {
            Value::Array(items) => items.get(index),
            Value::Object(map) => map.get(name),
            _ => None,
        }
        .filter(|v| !v.is_null())
    }

    /// A required string parameter.
    pub fn string(&self, index: usize, name: &str) -> Result<String, RpcError> {
        self.param(index, name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| RpcError::bad_params(name))
    }
}

/// The last full result per (handle, method, key), for delta answers.
#[derive(Debug, Default)]
pub(crate) struct DeltaCache {
    values: HashMap<(i64, String, String), Value>,
}

impl DeltaCache {
    /// Turns each key of `result` into JSON-Patch operations against what this
    /// socket last received for it: a whole-document `add` the first time,
    /// nothing when unchanged, a whole-document `replace` otherwise.
    pub fn encode(&mut self, handle: i64, method: &str, result: Value) -> Value {
        let Value::Object(keys) = result else {
            return result;
        };
        let mut out = serde_json::Map::new();
        for (key, value) in keys {
            let slot = (handle, method.to_owned(), key.clone());
            let ops = match self.values.get(&slot) {
                None => json!([{"op": "add", "path": "/", "value": value}]),
                Some(previous) if *previous == value => json!([]),
                Some(_) => json!([{"op": "replace", "path": "/", "value": value}]),
            };
            self.values.insert(slot, value);
            out.insert(key, ops);
        }
        Value::Object(out)
    }

    /// Forgets a released handle.
    pub fn forget(&mut self, handle: i64) {
        self.values.retain(|(h, _, _), _| *h != handle);
    }
}

/// A success frame.
pub(crate) fn result_frame(
    id: &Value,
    result: Value,
    delta: bool,
    change: &[i64],
    close: &[i64],
) -> Value {
    let mut frame = json!({"jsonrpc": "2.0", "id": id, "result": result});
    if delta {
        frame["delta"] = Value::Bool(true);
    }
    if !change.is_empty() {
        frame["change"] = json!(change);
    }
    if !close.is_empty() {
        frame["close"] = json!(close);
    }
    frame
}

/// An error frame.
pub(crate) fn error_frame(id: Option<&Value>, error: &RpcError) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id.cloned().unwrap_or(Value::Null),
        "error": {"code": error.code, "parameter": error.parameter, "message": error.message},
    })
}

/// A notification frame.
pub(crate) fn notification(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_positional_and_named_params() {
        let r = Request::decode(
            r#"{"jsonrpc":"2.0","id":1,"handle":-1,"method":"OpenDoc","params":["a"]}"#,
        )
        .unwrap();
        assert_eq!(r.string(0, "qDocName").unwrap(), "a");
        let r =
            Request::decode(r#"{"id":2,"handle":-1,"method":"OpenDoc","params":{"qDocName":"b"}}"#)
                .unwrap();
        assert_eq!(r.string(0, "qDocName").unwrap(), "b");
        assert_eq!(Request::decode("{").unwrap_err().1.code, -32700);
        assert_eq!(Request::decode("[1]").unwrap_err().1.code, -32600);
        assert_eq!(
            Request::decode(r#"{"id":3}"#).unwrap_err().0,
            Some(json!(3))
        );
    }

    #[test]
    fn delta_answers_follow_what_the_socket_has() {
        let mut cache = DeltaCache::default();
        let first = cache.encode(1, "GetLayout", json!({"qLayout": {"a": 1}}));
        assert_eq!(
            first,
            json!({"qLayout": [{"op": "add", "path": "/", "value": {"a": 1}}]})
        );
        let same = cache.encode(1, "GetLayout", json!({"qLayout": {"a": 1}}));
        assert_eq!(same, json!({"qLayout": []}));
        let changed = cache.encode(1, "GetLayout", json!({"qLayout": {"a": 2}}));
        assert_eq!(changed["qLayout"][0]["op"], "replace");
    }
}
