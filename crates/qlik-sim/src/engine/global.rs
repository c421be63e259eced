//! Global methods (handle -1): versions, the user, the app list, opening apps.

use serde_json::{Value, json};

use super::methods::{Call, Handle, interface};
use super::rpc::RpcError;

/// The engine version the simulator reports (the schema it follows).
pub(crate) const ENGINE_VERSION: &str = "12.2027.0";

pub(super) fn global(call: Call<'_>) -> Result<Value, RpcError> {
    let request = call.request;
    match request.method.as_str() {
        "EngineVersion" => Ok(json!({"qVersion": {"qComponentVersion": ENGINE_VERSION}})),
        "ProductVersion" => Ok(json!({"qReturn": ENGINE_VERSION})),
        "IsDesktopMode" => Ok(json!({"qReturn": false})),
        "GetAuthenticatedUser" => Ok(json!({"qReturn": format!(
            "UserDirectory={}; UserId={}", call.user.directory, call.user.id
        )})),
        "GetDocList" => Ok(
            json!({"qDocList": call.catalog.apps().iter().map(|app| json!({
            "qDocName": app.name, "qDocId": app.id, "qTitle": app.name,
            "qConnectedUsers": 0, "qFileTime": 0, "qFileSize": 0, "qReadOnly": false,
            "qMeta": {}, "qLastReloadTime": "2026-01-01T00:00:00.000Z", "qThumbnail": {}
        })).collect::<Vec<_>>()}),
        ),
        "OpenDoc" => {
            let name = request.string(0, "qDocName")?;
            let app = call
                .catalog
                .get(&name)
                .ok_or_else(|| RpcError::new(1003, "App not found", name.clone()))?;
            if call.data.app.is_some() {
                return Err(RpcError::new(1002, "App already open", name));
            }
            call.data.app = Some(app.clone());
            let handle = call.handles.acquire(Handle::Doc(app.id.clone()));
            Ok(interface("Doc", handle, &app.id, ""))
        }
        "GetActiveDoc" => {
            let app = call
                .data
                .app
                .clone()
                .ok_or_else(|| RpcError::new(1017, "App not open", ""))?;
            let handle = call.handles.acquire(Handle::Doc(app.id.clone()));
            Ok(interface("Doc", handle, &app.id, ""))
        }
        // Answers go in order; only one held back by the `delay` test
        // control can still be cancelled (see `delayed`).
        "CancelRequest" => Ok(json!({})),
        other => Err(RpcError::no_method(other)),
    }
}
