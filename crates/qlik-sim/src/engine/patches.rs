//! `GenericObject.ApplyPatches` and `ClearSoftPatches`: JSON-pointer patches
//! of an object's properties (`NxPatch`: `qOp` add/remove/replace, `qPath`,
//! `qValue` as JSON text). A soft patch (`qSoftPatch: true`) changes what
//! `GetLayout` shows for this engine session only; `GetProperties` keeps the
//! object's own properties, and the soft properties end with the engine
//! session (the engine schema's description of `ApplyPatches`).

use serde_json::Value;

use super::rpc::RpcError;

/// Applies `patches` (the `qPatches` parameter) to `target`.
pub(super) fn apply(target: &mut Value, patches: &Value) -> Result<(), RpcError> {
    let patches = patches
        .as_array()
        .ok_or_else(|| RpcError::bad_params("qPatches"))?;
    for patch in patches {
        let path = patch["qPath"]
            .as_str()
            .ok_or_else(|| RpcError::bad_params("qPath"))?;
        let op = patch["qOp"]
            .as_str()
            .ok_or_else(|| RpcError::bad_params("qOp"))?
            .to_ascii_lowercase();
        let invalid_path = || RpcError::new(4, "Invalid path", path.to_owned());
        let (parent_path, key) = path.rsplit_once('/').ok_or_else(invalid_path)?;
        if key.is_empty() || path == "/qInfo/qId" {
            return Err(invalid_path());
        }
        let key = key.replace("~1", "/").replace("~0", "~");
        let parent = target.pointer_mut(parent_path).ok_or_else(invalid_path)?;
        match op.as_str() {
            "add" | "replace" => {
                let text = patch["qValue"]
                    .as_str()
                    .ok_or_else(|| RpcError::bad_params("qValue"))?;
                let value: Value =
                    serde_json::from_str(text).map_err(|_| RpcError::bad_params("qValue"))?;
                match parent {
                    Value::Object(map) => {
                        map.insert(key, value);
                    }
                    Value::Array(items) => match key.parse::<usize>() {
                        Ok(at) if op == "replace" && at < items.len() => items[at] = value,
                        Ok(at) if op == "add" && at <= items.len() => items.insert(at, value),
                        _ if op == "add" && key == "-" => items.push(value),
                        _ => return Err(invalid_path()),
                    },
                    _ => return Err(invalid_path()),
                }
            }
            "remove" => {
                let removed = match parent {
                    Value::Object(map) => map.remove(&key).is_some(),
                    Value::Array(items) => match key.parse::<usize>() {
                        Ok(at) if at < items.len() => {
                            items.remove(at);
                            true
                        }
                        _ => false,
                    },
                    _ => false,
                };
                if !removed {
                    return Err(invalid_path());
                }
            }
            _ => return Err(RpcError::bad_params("qOp")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn patches_add_replace_and_remove_by_pointer() {
        let mut props = json!({"qInfo": {"qId": "t"}, "qHyperCubeDef": {
            "qDimensions": [{"qDef": {}}], "qMeasures": [{"qSortBy": {}}]}});
        let patches = json!([
            {"qOp": "add", "qPath": "/qHyperCubeDef/qInterColumnSortOrder", "qValue": "[1,0]"},
            {"qOp": "Replace", "qPath": "/qHyperCubeDef/qMeasures/0/qSortBy", "qValue": "{\"qSortByNumeric\":-1}"},
            {"qOp": "add", "qPath": "/title", "qValue": "\"T\""},
            {"qOp": "remove", "qPath": "/title"},
        ]);
        apply(&mut props, &patches).unwrap();
        assert_eq!(
            props["qHyperCubeDef"]["qInterColumnSortOrder"],
            json!([1, 0])
        );
        assert_eq!(
            props["qHyperCubeDef"]["qMeasures"][0]["qSortBy"]["qSortByNumeric"],
            -1
        );
        assert!(props.get("title").is_none());
        for bad in [
            json!([{"qOp": "add", "qPath": "/nowhere/x", "qValue": "1"}]),
            json!([{"qOp": "add", "qPath": "/x", "qValue": "not json"}]),
            json!([{"qOp": "remove", "qPath": "/absent"}]),
            json!([{"qOp": "replace", "qPath": "/qInfo/qId", "qValue": "\"u\""}]),
            json!([{"qOp": "move", "qPath": "/x", "qValue": "1"}]),
        ] {
            assert!(apply(&mut props.clone(), &bad).is_err(), "{bad}");
        }
    }
}
