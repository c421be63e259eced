//! The QIX engine: JSON-RPC 2.0 over a WebSocket, per engine session.

mod bookmarks;
mod delayed;
mod doc;
mod field;
mod global;
mod handles;
mod library;
mod methods;
mod object;
mod patches;
mod pivot;
mod rpc;
mod socket;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast;

use crate::data::{App, Associations, Context, Selections};
pub(crate) use bookmarks::Bookmarks;
pub(crate) use socket::{SocketContext, serve};

/// What an engine session holds across its sockets: the open app, the
/// selections and their history, the session objects.
#[derive(Debug)]
pub(crate) struct EngineData {
    /// The app opened in this session, if any.
    pub app: Option<Arc<App>>,
    history: Vec<Selections>,
    position: usize,
    /// Session objects: id → properties.
    pub objects: BTreeMap<String, Value>,
    /// Objects with soft patches (`ApplyPatches` with `qSoftPatch`): id →
    /// the properties with the patches applied, for this session only.
    pub soft: BTreeMap<String, Value>,
    associations: Option<(usize, Arc<Associations>)>,
    generation: usize,
    /// Tells every socket of the session that selections changed (the value
    /// is the id of the socket that changed them).
    pub changes: broadcast::Sender<u64>,
    /// Pivot expansion states (`qExpansionState`) by object id.
    pub expansions: BTreeMap<String, Value>,
    /// Tells every socket of the session that these objects changed (with
    /// the id of the socket that changed them).
    pub object_changes: broadcast::Sender<(u64, Vec<String>)>,
}

impl Default for EngineData {
    fn default() -> Self {
        Self {
            app: None,
            history: vec![Selections::default()],
            position: 0,
            objects: BTreeMap::new(),
            soft: BTreeMap::new(),
            associations: None,
            generation: 0,
            changes: broadcast::channel(64).0,
            expansions: BTreeMap::new(),
            object_changes: broadcast::channel(64).0,
        }
    }
}

impl EngineData {
    /// The current selections.
    pub fn selections(&self) -> &Selections {
        &self.history[self.position]
    }

    /// Makes `next` the current selections (a new history step); false when
    /// nothing changed.
    pub fn set_selections(&mut self, next: Selections) -> bool {
        if next == *self.selections() {
            return false;
        }
        self.history.truncate(self.position + 1);
        self.history.push(next);
        self.position += 1;
        self.generation += 1;
        true
    }

    /// One step back in the history; false at the start.
    pub fn back(&mut self) -> bool {
        if self.position == 0 {
            return false;
        }
        self.position -= 1;
        self.generation += 1;
        true
    }

    /// One step forward; false at the end.
    pub fn forward(&mut self) -> bool {
        if self.position + 1 >= self.history.len() {
            return false;
        }
        self.position += 1;
        self.generation += 1;
        true
    }

    /// Runs `f` with the layout context (associations cached per selection state).
    pub fn with_context<T>(&mut self, app: &App, f: impl FnOnce(&Context<'_>) -> T) -> T {
        let associations = match &self.associations {
            Some((generation, a)) if *generation == self.generation => a.clone(),
            _ => {
                let a = Arc::new(self.selections().associate(app, None));
                self.associations = Some((self.generation, a.clone()));
                a
            }
        };
        let context = Context {
            app,
            selections: self.selections(),
            associations: &associations,
            back_count: self.position,
            forward_count: self.history.len() - 1 - self.position,
        };
        f(&context)
    }

    /// The properties of an object as this session sees them: with its
    /// soft patches, if any.
    pub fn object(&self, id: &str) -> Option<Value> {
        self.soft.get(id).cloned().or_else(|| self.properties(id))
    }

    /// Properties of a session object, or else of a generic object of the
    /// app (a sheet, a master object, a child at any depth), without soft
    /// patches.
    pub fn properties(&self, id: &str) -> Option<Value> {
        self.objects
            .get(id)
            .cloned()
            .or_else(|| self.app.as_ref()?.objects.properties(id).cloned())
    }
}
