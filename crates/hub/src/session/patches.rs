//! Soft patches of the session's objects (a table's sort, as Qlik's own
//! client sorts): the engine keeps them for this engine session only, shows
//! them in the object's layout and reports the object as changed. They go
//! through the selection path, so the new layout is cached and every tab
//! hears one change.

use serde_json::Value;

use super::EngineSession;
use crate::error::{Error, Result};

impl EngineSession {
    /// Replaces the soft patches of the object `object_id` by `patches`
    /// (`NxPatch`es; `None`: back to the object's own properties).
    pub async fn set_soft_patches(&self, object_id: &str, patches: Option<Value>) -> Result<()> {
        let id = object_id.to_owned();
        self.selection_op(move |socket| {
            let object = socket.objects.get(&id).cloned();
            let (id, patches) = (id.clone(), patches.clone());
            async move {
                let object = object.ok_or(Error::UnknownObject(id))?;
                object.clear_soft_patches().await?;
                if let Some(patches) = patches {
                    object.apply_patches(patches, true).await?;
                }
                Ok(())
            }
        })
        .await
    }
}
