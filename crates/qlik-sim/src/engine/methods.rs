//! The engine methods: Global (handle -1, [`super::global`]), Doc
//! ([`super::doc`]), GenericObject ([`super::object`]), Field
//! ([`super::field`]), GenericBookmark ([`super::bookmarks`]) and
//! GenericDimension, GenericMeasure, GenericVariable ([`super::library`]).

use serde_json::{Value, json};

use super::EngineData;
use super::bookmarks::{self, Bookmarks};
pub(crate) use super::handles::{Handle, Handles};
use super::rpc::{Request, RpcError};
use super::{doc, field, global, library, object};
use crate::catalog::Catalog;
use crate::state::User;

/// What a call needs to see.
pub(crate) struct Call<'a> {
    pub request: &'a Request,
    pub user: &'a User,
    pub catalog: &'a Catalog,
    pub bookmarks: &'a Bookmarks,
    pub data: &'a mut EngineData,
    pub handles: &'a mut Handles,
}

/// A call's result and its effect on the other objects.
pub(crate) struct Outcome {
    pub result: Value,
    /// Selections changed: every generic object's layout did.
    pub selections_changed: bool,
    /// A bookmark was created or destroyed: the bookmark lists changed.
    pub bookmarks_changed: bool,
    /// Objects (by id) whose layouts the call changed, for every socket of
    /// the engine session (a pivot's expansion, a patch).
    pub objects_changed: Vec<String>,
    /// Handles released by the call.
    pub closed: Vec<i64>,
}

impl Outcome {
    pub(super) fn plain(result: Value) -> Self {
        Self::changed(result, false)
    }

    /// An empty result that changed the layout of object `id`.
    pub(super) fn object_changed(id: &str) -> Self {
        let mut outcome = Self::plain(json!({}));
        outcome.objects_changed.push(id.to_owned());
        outcome
    }

    pub(super) fn changed(result: Value, changed: bool) -> Self {
        Self {
            result,
            selections_changed: changed,
            bookmarks_changed: false,
            objects_changed: Vec::new(),
            closed: Vec::new(),
        }
    }
}

/// Runs one request.
pub(crate) fn dispatch(call: Call<'_>) -> Result<Outcome, RpcError> {
    if call.request.handle == -1 {
        return global::global(call).map(Outcome::plain);
    }
    let handle = call
        .handles
        .get(call.request.handle)
        .cloned()
        .ok_or_else(|| RpcError::new(-32602, "Invalid handle", call.request.handle.to_string()))?;
    let app = call
        .data
        .app
        .clone()
        .ok_or_else(|| RpcError::new(1017, "App not open", ""))?;
    match handle {
        Handle::Doc(_) => doc::doc(call, &app),
        Handle::Object(id) => object::object(call, &app, &id),
        Handle::Field(field) => field::field_method(call, &app, field),
        Handle::Bookmark(id) => bookmarks::bookmark_method(call, &app, &id),
        Handle::Dimension(id) => library::dimension_method(call, &app, &id),
        Handle::Measure(id) => library::measure_method(call, &app, &id),
        Handle::Variable(id) => library::variable_method(call, &app, &id),
    }
}

pub(super) fn interface(kind: &str, handle: i64, id: &str, generic_type: &str) -> Value {
    json!({"qReturn": {"qType": kind, "qHandle": handle, "qGenericId": id, "qGenericType": generic_type}})
}
