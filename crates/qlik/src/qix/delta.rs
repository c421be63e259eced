//! The delta protocol: results arrive as JSON-Patch operations against the
//! previous result of the same (handle, method, key).

use std::collections::HashMap;

use serde_json::Value;

use crate::error::{Error, Result};

/// Engine methods whose results the client asks to receive as deltas.
pub(crate) const DELTA_METHODS: &[&str] = &[
    "GetLayout",
    "GetAppLayout",
    "GetHyperCubeData",
    "GetHyperCubePivotData",
    "GetListObjectData",
    "GetProperties",
    "GetAppProperties",
    "GetAllInfos",
    "EngineVersion",
];

/// The last full value per (handle, method, result key).
#[derive(Debug, Default)]
pub(crate) struct DeltaCache {
    values: HashMap<(i64, String, String), Value>,
}

impl DeltaCache {
    /// Rebuilds a full result from a delta result.
    pub(crate) fn apply(&mut self, handle: i64, method: &str, result: Value) -> Result<Value> {
        let Value::Object(keys) = result else {
            return Err(Error::BadResponse("delta result is not an object".into()));
        };
        let mut full = serde_json::Map::new();
        for (key, ops) in keys {
            let slot = self
                .values
                .entry((handle, method.to_owned(), key.clone()))
                .or_insert(Value::Null);
            let Value::Array(ops) = ops else {
                return Err(Error::BadResponse(format!(
                    "delta for {key} is not a patch"
                )));
            };
            for op in ops {
                apply_op(slot, op)?;
            }
            full.insert(key, slot.clone());
        }
        Ok(Value::Object(full))
    }

    /// Forgets everything cached for a released handle.
    pub(crate) fn forget(&mut self, handle: i64) {
        self.values.retain(|(h, _, _), _| *h != handle);
    }
}

fn apply_op(document: &mut Value, op: Value) -> Result<()> {
    let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
    let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
    // enigma.js treats "/" as the whole document for add and replace.
    if (path == "/" || path.is_empty()) && (kind == "add" || kind == "replace") {
        *document = op.get("value").cloned().unwrap_or(Value::Null);
        return Ok(());
    }
    let patch: json_patch::Patch = serde_json::from_value(Value::Array(vec![op]))
        .map_err(|e| Error::BadResponse(format!("bad delta operation: {e}")))?;
    json_patch::patch(document, &patch)
        .map_err(|e| Error::BadResponse(format!("delta does not apply: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_root_and_nested_patches() {
        let mut cache = DeltaCache::default();
        let first = cache
            .apply(
                2,
                "GetLayout",
                json!({"qLayout":[{"op":"add","path":"/","value":{"a":1,"b":[1,2]}}]}),
            )
            .unwrap();
        assert_eq!(first, json!({"qLayout":{"a":1,"b":[1,2]}}));
        let same = cache.apply(2, "GetLayout", json!({"qLayout":[]})).unwrap();
        assert_eq!(same, first);
        let changed = cache
            .apply(
                2,
                "GetLayout",
                json!({"qLayout":[{"op":"replace","path":"/b/1","value":5}]}),
            )
            .unwrap();
        assert_eq!(changed, json!({"qLayout":{"a":1,"b":[1,5]}}));
        cache.forget(2);
        let bad = cache.apply(
            2,
            "GetLayout",
            json!({"qLayout":[{"op":"replace","path":"/b/1","value":5}]}),
        );
        assert!(bad.is_err());
    }
}
