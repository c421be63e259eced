//! Selections through the held socket, and the one change event each ends
//! in: what the engine changed is re-cached, the selections recorded in the
//! store, then announced once to every tab.

use std::time::Instant;

use store::FieldSelection;

use super::{EngineSession, lock};
use crate::changes::{Change, Dirty};
use crate::error::{Error, Result};
use crate::socket::{self, EngineSocket, SELECTIONS_ID};

impl EngineSession {
    /// Selects (or toggles) values of a list object by element number.
    pub async fn select_list_values(
        &self,
        object_id: &str,
        values: &[i64],
        toggle: bool,
    ) -> Result<bool> {
        self.select_in_object(object_id, values, move |object, values| async move {
            object
                .select_list_object_values("/qListObjectDef", &values, toggle)
                .await
        })
        .await
    }

    /// Selects (or toggles) values of a hypercube's dimension by element
    /// number (a click on a chart's bar or point).
    pub async fn select_hypercube_values(
        &self,
        object_id: &str,
        dimension: i64,
        values: &[i64],
        toggle: bool,
    ) -> Result<bool> {
        self.select_in_object(object_id, values, move |object, values| async move {
            object
                .select_hypercube_values("/qHyperCubeDef", dimension, &values, toggle)
                .await
        })
        .await
    }

    /// A selection through one of the session's objects (by element numbers).
    async fn select_in_object<F, Fut>(
        &self,
        object_id: &str,
        values: &[i64],
        select: F,
    ) -> Result<bool>
    where
        F: Fn(qlik::qix::GenericObject, Vec<i64>) -> Fut,
        Fut: Future<Output = qlik::Result<bool>>,
    {
        let id = object_id.to_owned();
        let values = values.to_vec();
        self.selection_op(move |socket| {
            let object = socket.objects.get(&id).cloned();
            let found = object.map(|object| select(object, values.clone()));
            let id = id.clone();
            async move {
                match found {
                    Some(selecting) => Ok(selecting.await?),
                    None => Err(Error::UnknownObject(id)),
                }
            }
        })
        .await
    }

    /// Selects values of a field by text (replacing its selection).
    pub async fn select_field_values(&self, field: &str, values: &[String]) -> Result<()> {
        let selection = [FieldSelection {
            field: field.to_owned(),
            values: values.to_vec(),
        }];
        self.selection_op(move |socket| {
            let doc = socket.doc.clone();
            let selection = selection.clone();
            async move { socket::apply_selections(&doc, &selection).await }
        })
        .await
    }

    /// Clears one field.
    pub async fn clear_field(&self, field: &str) -> Result<()> {
        let field = field.to_owned();
        self.selection_op(move |socket| {
            let doc = socket.doc.clone();
            let field = field.clone();
            async move {
                doc.get_field(&field).await?.clear().await?;
                Ok(())
            }
        })
        .await
    }

    /// Clears every selection.
    pub async fn clear_all(&self) -> Result<()> {
        self.selection_op(|socket| {
            let doc = socket.doc.clone();
            async move { Ok(doc.clear_all(false).await?) }
        })
        .await
    }

    /// Steps back in the selection history.
    pub async fn back(&self) -> Result<()> {
        self.selection_op(|socket| {
            let doc = socket.doc.clone();
            async move { Ok(doc.back().await?) }
        })
        .await
    }

    /// Steps forward in the selection history.
    pub async fn forward(&self) -> Result<()> {
        self.selection_op(|socket| {
            let doc = socket.doc.clone();
            async move { Ok(doc.forward().await?) }
        })
        .await
    }

    /// Runs a selection operation, then announces what the engine changed
    /// with it: once, after the new layouts are cached.
    pub(super) async fn selection_op<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: Fn(&EngineSocket) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let arrived = Instant::now();
        self.touch();
        let _turn = self.turn.lock().await;
        let outcome = self.with_socket(op).await;
        if self.announce().await {
            self.shared.metrics.selection_announced(arrived.elapsed());
        }
        outcome
    }

    /// Announces changes the engine made on its own or through another
    /// socket of this Qlik session (the watcher calls this after a short
    /// window, so a burst becomes one event). Changes a selection of ours
    /// already announced are not announced again.
    pub(crate) async fn settle_outside_changes(&self) {
        let _turn = self.turn.lock().await;
        if let Some(live) = self.socket.lock().await.as_ref() {
            self.note_changes(live.take_changes());
        }
        self.announce().await;
    }

    /// After a lost socket was replaced: anything may have changed meanwhile.
    pub(crate) async fn announce_everything(&self) {
        let _turn = self.turn.lock().await;
        self.note_changes(Dirty::everything());
        self.announce().await;
    }

    /// Forgets the layouts the engine changed and remembers them for the
    /// next announcement.
    pub(super) fn note_changes(&self, dirty: Dirty) {
        if dirty.is_empty() {
            return;
        }
        {
            let mut cache = lock(&self.cache);
            cache.layouts.retain(|id, _| !dirty.contains(id));
            cache.generation += 1;
        }
        lock(&self.unannounced).merge(dirty);
    }

    /// Caches the new layouts of the unannounced changes, records the
    /// selections, and sends one event (callers hold the turn); false when
    /// nothing had changed.
    async fn announce(&self) -> bool {
        let dirty = std::mem::take(&mut *lock(&self.unannounced));
        if dirty.is_empty() {
            return false;
        }
        let objects = dirty.among(&self.object_ids());
        for id in &objects {
            if let Err(error) = self.cached_layout(id).await {
                tracing::debug!(object = %id, %error, "layout not cached after a change");
            }
        }
        if dirty.contains(SELECTIONS_ID) {
            self.record_selections().await;
        }
        let _ = self.changes.send(Change { objects });
        true
    }

    /// Stores the current selections, to re-apply them on a new engine session.
    async fn record_selections(&self) {
        let saved = match self.cached_layout(SELECTIONS_ID).await {
            Ok(layout) => self
                .shared
                .store
                .save_selections(&self.key, &socket::selections_from_layout(&layout))
                .await
                .map_err(Error::from),
            Err(error) => Err(error),
        };
        if let Err(error) = saved {
            tracing::warn!(user = %self.key.user_id, %error, "selections not recorded");
        }
    }
}
