//! The engine methods: Global (handle -1) and Doc.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::EngineData;
use super::rpc::{Request, RpcError};
use crate::catalog::Catalog;
use crate::state::User;

/// The engine version the simulator reports (the schema it follows).
pub(crate) const ENGINE_VERSION: &str = "12.2027.0";

/// What a socket-local handle refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Handle {
    /// An open app.
    Doc(String),
}

/// One socket's handles.
#[derive(Debug, Default)]
pub(crate) struct Handles {
    by_number: HashMap<i64, Handle>,
    next: i64,
}

impl Handles {
    /// The handle number for `target`, allocating one if needed.
    fn acquire(&mut self, target: Handle) -> i64 {
        if let Some((number, _)) = self.by_number.iter().find(|(_, h)| **h == target) {
            return *number;
        }
        self.next += 1;
        self.by_number.insert(self.next, target);
        self.next
    }

    fn get(&self, number: i64) -> Option<&Handle> {
        self.by_number.get(&number)
    }
}

/// What a call needs to see.
pub(crate) struct Call<'a> {
    pub request: &'a Request,
    pub user: &'a User,
    pub catalog: &'a Catalog,
    pub data: &'a mut EngineData,
    pub handles: &'a mut Handles,
}

/// Runs one request; the result object on success.
pub(crate) fn dispatch(call: Call<'_>) -> Result<Value, RpcError> {
    if call.request.handle == -1 {
        return global(call);
    }
    match call.handles.get(call.request.handle).cloned() {
        Some(Handle::Doc(app)) => doc(call, &app),
        None => Err(RpcError::new(
            -32602,
            "Invalid handle",
            call.request.handle.to_string(),
        )),
    }
}

fn doc_interface(handle: i64, app: &str) -> Value {
    json!({"qReturn": {"qType": "Doc", "qHandle": handle, "qGenericId": app}})
}

fn global(call: Call<'_>) -> Result<Value, RpcError> {
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
            if call.data.open_app.is_some() {
                return Err(RpcError::new(1002, "App already open", name));
            }
            call.data.open_app = Some(app.id.clone());
            let handle = call.handles.acquire(Handle::Doc(app.id.clone()));
            Ok(doc_interface(handle, &app.id))
        }
        "GetActiveDoc" => {
            let app = call
                .data
                .open_app
                .clone()
                .ok_or_else(|| RpcError::new(1017, "App not open", ""))?;
            let handle = call.handles.acquire(Handle::Doc(app.clone()));
            Ok(doc_interface(handle, &app))
        }
        // Requests are answered in order, so there is never one to cancel.
        "CancelRequest" => Ok(json!({})),
        other => Err(RpcError::no_method(other)),
    }
}

fn doc(call: Call<'_>, app: &str) -> Result<Value, RpcError> {
    let title = call
        .catalog
        .get(app)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    match call.request.method.as_str() {
        "GetAppLayout" => Ok(json!({"qLayout": {
            "qTitle": title, "qFileName": app, "qLastReloadTime": "2026-01-01T00:00:00.000Z",
            "qModified": false, "qHasScript": true, "qStateNames": [], "qMeta": {},
            "qLocaleInfo": {"qDecimalSep": ".", "qThousandSep": ",", "qListSep": ",",
                "qMoneyDecimalSep": ".", "qMoneyThousandSep": ",", "qCurrentYear": 2026,
                "qMoneyFmt": "$#,##0.00;-$#,##0.00", "qTimeFmt": "h:mm:ss TT",
                "qDateFmt": "M/D/YYYY", "qTimestampFmt": "M/D/YYYY h:mm:ss[.fff] TT",
                "qCalendarStrings": {}, "qFirstWeekDay": 6, "qBrokenWeeks": true,
                "qReferenceDay": 0, "qFirstMonthOfYear": 1, "qCollation": "en-US"},
            "qHasData": true, "qReadOnly": false, "qIsOpenedWithoutData": false,
            "qIsSessionApp": false, "qProhibitBinaryLoad": false, "qUsage": "ANALYTICS"
        }})),
        other => Err(RpcError::no_method(other)),
    }
}
