//! An engine socket with the app open and the dashboard's objects fetched.

use std::collections::HashMap;
use std::sync::Mutex;

use qlik::proxy::SessionCookie;
use qlik::qix::layout::GenericObjectLayout;
use qlik::qix::{
    ConnectOptions, Connection, Doc, EngineUrl, FieldValue, GenericObject, Global, HandleEvent,
    SessionState,
};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast::{self, error::TryRecvError};

use crate::changes::Dirty;
use crate::config::{AppObjects, HubConfig, ObjectDef};
use crate::error::Result;
use store::FieldSelection;

/// The engine's "App already open" (`LOCERR_APP_ALREADY_OPEN`): `OpenDoc`
/// on an engine session that has the app open.
const APP_ALREADY_OPEN: i64 = 1002;
/// The engine's "Resource already exists" (`LOCERR_GENERIC_ALREADY_EXISTS`):
/// `CreateSessionObject` with an id the engine session already holds.
const ALREADY_EXISTS: i64 = 3;

/// Id of the current-selections object the hub keeps in every session.
pub(crate) const SELECTIONS_ID: &str = "hub-current-selections";

/// One socket's view of the engine session.
pub(crate) struct EngineSocket {
    pub connection: Connection,
    pub doc: Doc,
    pub objects: HashMap<String, GenericObject>,
    /// Object id by engine handle (change lists name handles).
    ids: HashMap<i64, String>,
    /// The engine's change lists since the socket was set up. Read under the
    /// session's socket lock right after each call: the qlik client publishes
    /// a reply's change list before the reply resolves, so a call's own
    /// changes are always here when it returns.
    events: Mutex<broadcast::Receiver<HandleEvent>>,
}

impl EngineSocket {
    /// The dashboard objects the engine listed as changed since the last
    /// look (everything, when the list overflowed).
    pub(crate) fn take_changes(&self) -> Dirty {
        let mut dirty = Dirty::default();
        let Ok(mut events) = self.events.lock() else {
            return Dirty::everything();
        };
        loop {
            match events.try_recv() {
                Ok(HandleEvent::Changed(handle)) => {
                    if let Some(id) = self.ids.get(&handle) {
                        dirty.add(id);
                    }
                }
                Ok(HandleEvent::Closed(_)) => {}
                Err(TryRecvError::Lagged(_)) => dirty = Dirty::everything(),
                Err(TryRecvError::Empty | TryRecvError::Closed) => return dirty,
            }
        }
    }
}

fn selections_object() -> ObjectDef {
    ObjectDef::Session {
        id: SELECTIONS_ID.into(),
        properties: json!({"qInfo": {"qType": "CurrentSelections"}, "qSelectionObjectDef": {}}),
    }
}

/// Opens a socket on `app` with `cookie`. On `SESSION_ATTACHED` the open app and the
/// objects are fetched again by id; on `SESSION_CREATED` the app is opened,
/// the objects created and `selections` re-applied.
pub(crate) async fn connect(
    config: &HubConfig,
    app: &AppObjects,
    cookie: &SessionCookie,
    selections: &[FieldSelection],
) -> Result<(EngineSocket, SessionState)> {
    let url = EngineUrl::new(&config.engine_base, &config.virtual_proxy, &app.app_id)
        .ttl(config.ttl_seconds);
    let mut options = ConnectOptions::new(url).cookie(cookie.clone());
    if let Some(origin) = &config.origin {
        options = options.origin(origin.clone());
    }
    if config.ws_csrf {
        options = options.csrf_token(config.proxy.csrf_token(cookie).await?);
    }
    if let Some(roots) = &config.root_ca {
        options = options.root_ca(roots.clone());
    }
    let connected = Connection::connect(options).await?;
    let connection = connected.connection;
    let global = connection.global();
    let attached = connected.state == SessionState::Attached;
    let doc = if attached {
        match global.get_active_doc().await {
            Ok(doc) => Some(doc),
            // Attached, but without the app: treat as a new session.
            Err(qlik::Error::Engine { .. }) => None,
            Err(other) => return Err(other.into()),
        }
    } else {
        None
    };
    let (doc, state) = match doc {
        Some(doc) => (doc, SessionState::Attached),
        None => open_or_join(&global, &app.app_id).await?,
    };
    let mut objects = HashMap::new();
    for def in app.objects.iter().cloned().chain([selections_object()]) {
        let object = fetch_or_create(&doc, &def, state == SessionState::Attached).await?;
        objects.insert(def.id().to_owned(), object);
    }
    if state == SessionState::Created {
        apply_selections(&doc, selections).await?;
    }
    // Changes from here on are the dashboard's to announce; those of setting
    // the session up are not (the caller starts from an empty cache).
    let events = Mutex::new(connection.handle_events());
    let ids = objects
        .iter()
        .map(|(id, o)| (o.handle(), id.clone()))
        .collect();
    Ok((
        EngineSocket {
            connection,
            doc,
            objects,
            ids,
            events,
        },
        state,
    ))
}

/// Opens the app in the engine session. "Already open" means another
/// socket of the same engine session (another instance serving the user, at
/// the same moment) opened it first: this socket uses that one, as a
/// reattached socket would (the opener re-applies the selections).
async fn open_or_join(global: &Global, app_id: &str) -> Result<(Doc, SessionState)> {
    match global.open_doc(app_id).await {
        Ok(doc) => Ok((doc, SessionState::Created)),
        Err(error) if error.engine_code() == Some(APP_ALREADY_OPEN) => {
            Ok((global.get_active_doc().await?, SessionState::Attached))
        }
        Err(error) => Err(error.into()),
    }
}

async fn fetch_or_create(doc: &Doc, def: &ObjectDef, attached: bool) -> Result<GenericObject> {
    match def {
        ObjectDef::Master { id } => Ok(doc.get_object(id).await?),
        ObjectDef::Session { id, properties } => {
            if attached {
                match doc.get_object(id).await {
                    Ok(object) => return Ok(object),
                    Err(qlik::Error::Engine { .. }) => {}
                    Err(other) => return Err(other.into()),
                }
            }
            let mut properties = properties.clone();
            properties["qInfo"]["qId"] = Value::String(id.clone());
            match doc.create_session_object(properties).await {
                Ok(object) => Ok(object),
                // Another socket of this engine session made it meanwhile.
                Err(error) if error.engine_code() == Some(ALREADY_EXISTS) => {
                    Ok(doc.get_object(id).await?)
                }
                Err(error) => Err(error.into()),
            }
        }
    }
}

/// Selects, field by field, the values the hub recorded.
pub(crate) async fn apply_selections(doc: &Doc, selections: &[FieldSelection]) -> Result<()> {
    for selection in selections {
        let values: Vec<FieldValue> = selection
            .values
            .iter()
            .map(|text| match text.parse::<f64>() {
                Ok(number) => FieldValue {
                    text: text.clone(),
                    is_numeric: true,
                    number,
                },
                Err(_) => FieldValue::text(text.clone()),
            })
            .collect();
        doc.get_field(&selection.field)
            .await?
            .select_values(&values, false)
            .await?;
    }
    Ok(())
}

/// The selections as the current-selections object reports them.
pub(crate) fn selections_from_layout(layout: &Value) -> Vec<FieldSelection> {
    let Ok(layout) = GenericObjectLayout::deserialize(layout) else {
        tracing::warn!("the engine sent a selections layout this server cannot read");
        return Vec::new();
    };
    let items = layout.selection_object.and_then(|o| o.selections);
    items
        .unwrap_or_default()
        .into_iter()
        .filter_map(|item| {
            let field = item.field?;
            let values: Vec<String> = item
                .selected_field_selection_info?
                .into_iter()
                .filter_map(|v| v.name)
                .collect();
            (!values.is_empty()).then_some(FieldSelection { field, values })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_selected_values_per_field() {
        let layout = json!({"qSelectionObject": {"qSelections": [
            {"qField": "Region", "qSelectedFieldSelectionInfo": [
                {"qName": "EMEA", "qFieldSelectionMode": "NORMAL"},
                {"qName": "APAC", "qFieldSelectionMode": "NORMAL"}]},
            {"qField": "Empty", "qSelectedFieldSelectionInfo": []}
        ]}});
        assert_eq!(
            selections_from_layout(&layout),
            vec![FieldSelection {
                field: "Region".into(),
                values: vec!["EMEA".into(), "APAC".into()]
            }]
        );
        assert!(selections_from_layout(&json!({})).is_empty());
    }
}
