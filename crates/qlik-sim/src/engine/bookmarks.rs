//! Bookmarks (`GenericBookmark`): the selection state of an app saved under
//! a title. They belong to the app and to their owner (the proxy session's
//! user): an owner sees only their own, as with personal bookmarks in Qlik
//! Sense. They live as long as the simulator process, so every socket and
//! every engine session of the owner on the app sees them.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use tokio::sync::broadcast;

use super::EngineData;
use super::methods::{Call, Handle, Handles, Outcome, interface};
use super::rpc::RpcError;
use crate::data::numfmt::civil_from_days;
use crate::data::{App, Selections};
use crate::state::User;

/// One bookmark.
#[derive(Debug, Clone)]
struct Bookmark {
    /// `GenericBookmarkProperties` as created, with `qInfo.qId` set.
    properties: Value,
    /// The selections captured at creation.
    selections: Selections,
    /// Creation time, ISO 8601 UTC.
    created: String,
    /// Creation time as a Qlik serial number (days since 1899-12-30).
    serial: f64,
}

impl Bookmark {
    fn id(&self) -> &str {
        self.properties["qInfo"]["qId"].as_str().unwrap_or_default()
    }

    fn kind(&self) -> &str {
        self.properties["qInfo"]["qType"]
            .as_str()
            .unwrap_or_default()
    }

    /// `qMeta`: the `qMetaDef` the bookmark was made with, plus the dates
    /// and the owner's privileges.
    fn meta(&self) -> Value {
        let mut meta = self.properties["qMetaDef"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        meta.insert("createdDate".into(), json!(self.created));
        meta.insert("modifiedDate".into(), json!(self.created));
        meta.insert("published".into(), json!(false));
        meta.insert("approved".into(), json!(false));
        meta.insert(
            "privileges".into(),
            json!(["read", "update", "delete", "publish"]),
        );
        Value::Object(meta)
    }

    /// An `NxContainerEntry`: `qData` maps each key of `template` to the
    /// value at that JSON pointer of the properties (absent when none).
    fn entry(&self, template: &Value) -> Value {
        let data: Map<String, Value> = template
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(key, pointer)| {
                let value = self.properties.pointer(pointer.as_str()?)?;
                Some((key.clone(), value.clone()))
            })
            .collect();
        json!({"qInfo": self.properties["qInfo"], "qMeta": self.meta(), "qData": data})
    }

    /// The `GenericBookmarkLayout`.
    fn layout(&self, app: &App) -> Value {
        let fields: Vec<(&str, Vec<Value>)> = self
            .selections
            .fields
            .iter()
            .filter_map(|(field, symbols)| {
                let info = app.fields.get(*field)?;
                let values = symbols
                    .iter()
                    .filter_map(|s| info.values.get(*s as usize))
                    .map(|cell| match cell.num {
                        Some(n) => json!({"qText": cell.text, "qIsNumeric": true, "qNumber": n}),
                        None => json!({"qText": cell.text, "qIsNumeric": false, "qNumber": "NaN"}),
                    })
                    .collect();
                Some((info.name.as_str(), values))
            })
            .collect();
        let items: Vec<Value> = fields
            .iter()
            .map(|(name, values)| {
                json!({"qDef": {"qName": name, "qType": "PRESENT"}, "qLocked": false,
                    "qSelectInfo": {"qTextSearch": ""}, "qValues": values, "qExcludedValues": [],
                    "qValuesCount": values.len(), "qExcludedValuesCount": 0})
            })
            .collect();
        let infos: Vec<Value> = fields
            .iter()
            .map(|(name, values)| {
                json!({"qFieldName": name, "qValuesCount": values.len(), "qExcludedValuesCount": 0})
            })
            .collect();
        let mut layout = Map::new();
        // Dynamic properties (e.g. `sheetId`) come back as they were set.
        if let Value::Object(props) = &self.properties {
            for (key, value) in props {
                if key != "qMetaDef" {
                    layout.insert(key.clone(), value.clone());
                }
            }
        }
        layout.insert("qMeta".into(), self.meta());
        layout.insert(
            "qBookmark".into(),
            json!({"qStateData": [{"qStateName": "$", "qFieldItems": items}],
                "qUtcModifyTime": self.serial, "qVariableItems": [], "qPatches": []}),
        );
        layout.insert("qFieldInfos".into(), json!(infos));
        Value::Object(layout)
    }
}

/// A bookmark was created or destroyed.
#[derive(Debug, Clone)]
pub(crate) struct BookmarksChanged {
    /// The app.
    pub app: String,
    /// The owner (directory and id, lower case).
    pub owner: (String, String),
    /// The socket whose call changed them.
    pub socket: u64,
}

/// Bookmarks by app id and owner (directory and id in lower case), each
/// list in creation order.
type ByOwner = HashMap<(String, (String, String)), Vec<Bookmark>>;

/// Every bookmark of every app.
#[derive(Debug)]
pub(crate) struct Bookmarks {
    by_owner: Mutex<ByOwner>,
    changes: broadcast::Sender<BookmarksChanged>,
}

impl Default for Bookmarks {
    fn default() -> Self {
        Self {
            by_owner: Mutex::new(HashMap::new()),
            changes: broadcast::channel(64).0,
        }
    }
}

impl Bookmarks {
    fn lock(&self) -> MutexGuard<'_, ByOwner> {
        self.by_owner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creation and removal of bookmarks, for the sockets to pass on.
    pub fn subscribe(&self) -> broadcast::Receiver<BookmarksChanged> {
        self.changes.subscribe()
    }

    /// Tells every socket that `user`'s bookmarks of `app` changed.
    pub fn announce(&self, app: &str, user: &User, socket: u64) {
        let _ = self.changes.send(BookmarksChanged {
            app: app.to_owned(),
            owner: user.key(),
            socket,
        });
    }

    /// A copy of the owner's bookmark `id`, if it exists.
    fn find(&self, app: &App, user: &User, id: &str) -> Option<Bookmark> {
        self.lock()
            .get(&(app.id.clone(), user.key()))?
            .iter()
            .find(|b| b.id() == id)
            .cloned()
    }

    /// The owner's bookmarks of these types (every type when `types` is
    /// empty), as container entries with `qData` from `template`.
    fn entries(&self, app: &App, user: &User, types: &[&str], template: &Value) -> Vec<Value> {
        self.lock()
            .get(&(app.id.clone(), user.key()))
            .into_iter()
            .flatten()
            .filter(|b| types.is_empty() || types.contains(&b.kind()))
            .map(|b| b.entry(template))
            .collect()
    }

    fn insert(
        &self,
        app: &App,
        user: &User,
        mut properties: Value,
        selections: Selections,
    ) -> Bookmark {
        let mut all = self.lock();
        // The id must be unique in the app; a taken (or no) id gets a new one.
        let taken = |id: &str| {
            all.iter()
                .filter(|((a, _), _)| *a == app.id)
                .any(|(_, list)| list.iter().any(|b| b.id() == id))
        };
        let id = match properties["qInfo"]["qId"].as_str() {
            Some(id) if !id.is_empty() && !taken(id) => id.to_owned(),
            _ => uuid::Uuid::new_v4().simple().to_string(),
        };
        properties["qInfo"]["qId"] = Value::String(id);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let bookmark = Bookmark {
            properties,
            selections,
            created: iso_utc(now.as_millis()),
            serial: 25_569.0 + now.as_secs_f64() / 86_400.0,
        };
        all.entry((app.id.clone(), user.key()))
            .or_default()
            .push(bookmark.clone());
        bookmark
    }

    fn remove(&self, app: &App, user: &User, id: &str) -> bool {
        let mut all = self.lock();
        let Some(list) = all.get_mut(&(app.id.clone(), user.key())) else {
            return false;
        };
        let before = list.len();
        list.retain(|b| b.id() != id);
        list.len() < before
    }
}

/// `YYYY-MM-DDThh:mm:ss.sssZ` for milliseconds since the Unix epoch.
fn iso_utc(millis: u128) -> String {
    let secs = (millis / 1000) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60,
        millis % 1000
    )
}

fn not_found(id: &str) -> RpcError {
    RpcError::new(2, "Resource not found", id)
}

/// The Doc methods on bookmarks: `CreateBookmark`, `ApplyBookmark`,
/// `GetBookmarks`, `DestroyBookmark`, `GetBookmark`.
pub(super) fn doc_method(call: Call<'_>, app: &App) -> Result<Outcome, RpcError> {
    let request = call.request;
    let bookmarks = call.bookmarks;
    match request.method.as_str() {
        "CreateBookmark" => {
            let properties = request
                .param(0, "qProp")
                .cloned()
                .filter(Value::is_object)
                .ok_or_else(|| RpcError::bad_params("qProp"))?;
            if !properties["qInfo"]["qType"].is_string() {
                return Err(RpcError::bad_params("qInfo.qType"));
            }
            let selections = call.data.selections().clone();
            let bookmark = bookmarks.insert(app, call.user, properties, selections);
            let handle = call
                .handles
                .acquire(Handle::Bookmark(bookmark.id().to_owned()));
            let mut result = interface("GenericBookmark", handle, bookmark.id(), bookmark.kind());
            result["qInfo"] = bookmark.properties["qInfo"].clone();
            Ok(Outcome {
                bookmarks_changed: true,
                ..Outcome::plain(result)
            })
        }
        "ApplyBookmark" => {
            let id = request.string(0, "qId")?;
            apply(call.data, bookmarks.find(app, call.user, &id), &id)
        }
        "GetBookmarks" => {
            let options = request
                .param(0, "qOptions")
                .filter(|o| o.is_object())
                .ok_or_else(|| RpcError::bad_params("qOptions"))?;
            let types: Vec<&str> = options["qTypes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let list = bookmarks.entries(app, call.user, &types, &options["qData"]);
            Ok(Outcome::plain(json!({"qList": list})))
        }
        "DestroyBookmark" => {
            let id = request.string(0, "qId")?;
            if !bookmarks.remove(app, call.user, &id) {
                return Err(not_found(&id));
            }
            let mut outcome = Outcome::plain(json!({"qSuccess": true}));
            outcome.bookmarks_changed = true;
            outcome
                .closed
                .extend(call.handles.release(&Handle::Bookmark(id)));
            Ok(outcome)
        }
        "GetBookmark" => {
            let id = request.string(0, "qId")?;
            let bookmark = bookmarks
                .find(app, call.user, &id)
                .ok_or_else(|| not_found(&id))?;
            let handle = call.handles.acquire(Handle::Bookmark(id.clone()));
            Ok(Outcome::plain(interface(
                "GenericBookmark",
                handle,
                &id,
                bookmark.kind(),
            )))
        }
        other => Err(RpcError::no_method(other)),
    }
}

/// Makes the bookmark's selections the current ones: a new step in the
/// history, like any selection.
fn apply(data: &mut EngineData, bookmark: Option<Bookmark>, id: &str) -> Result<Outcome, RpcError> {
    let bookmark = bookmark.ok_or_else(|| not_found(id))?;
    let changed = data.set_selections(bookmark.selections);
    Ok(Outcome::changed(json!({"qSuccess": true}), changed))
}

/// The methods of a `GenericBookmark` handle.
pub(super) fn bookmark_method(call: Call<'_>, app: &App, id: &str) -> Result<Outcome, RpcError> {
    let bookmark = call.bookmarks.find(app, call.user, id);
    match call.request.method.as_str() {
        "Apply" => apply(call.data, bookmark, id),
        method => {
            let bookmark = bookmark.ok_or_else(|| not_found(id))?;
            Ok(Outcome::plain(match method {
                "GetLayout" => json!({"qLayout": bookmark.layout(app)}),
                "GetProperties" => json!({"qProp": bookmark.properties}),
                "GetInfo" => json!({"qInfo": bookmark.properties["qInfo"]}),
                other => return Err(RpcError::no_method(other)),
            }))
        }
    }
}

/// The `qBookmarkList` of an object with this `qBookmarkListDef`: the
/// owner's bookmarks of its `qType`.
pub(super) fn bookmark_list(
    bookmarks: &Bookmarks,
    app: &App,
    user: &User,
    definition: &Value,
) -> Value {
    let types: Vec<&str> = definition["qType"].as_str().into_iter().collect();
    json!({"qItems": bookmarks.entries(app, user, &types, &definition["qData"])})
}

/// This socket's handles on bookmark lists (objects with a `qBookmarkListDef`).
pub(crate) fn list_handles(handles: &Handles, data: &EngineData) -> Vec<i64> {
    handles
        .objects_with_ids()
        .into_iter()
        .filter(|(_, id)| {
            data.object(id)
                .is_some_and(|p| p.get("qBookmarkListDef").is_some())
        })
        .map(|(handle, _)| handle)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::iso_utc;

    #[test]
    fn timestamps_are_iso_utc() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00.000Z");
        // 2024-02-29T12:34:56.789Z, a leap day.
        assert_eq!(iso_utc(1_709_210_096_789), "2024-02-29T12:34:56.789Z");
        assert_eq!(iso_utc(1_767_225_599_000), "2025-12-31T23:59:59.000Z");
    }
}
