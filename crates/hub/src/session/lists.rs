//! Pages of list objects the layout does not carry: list boxes in filter
//! panes of real apps have `qInitialDataFetch: []`, so their values come from
//! `GetListObjectData` (`docs/qlik-protocol.md`, "Real apps").

use serde_json::Value;

use super::EngineSession;
use crate::error::Result;

impl EngineSession {
    /// Fetches a page of a dashboard object's list object
    /// (`GetListObjectData` at `/qListObjectDef`).
    pub async fn list_object_page(
        &self,
        object_id: &str,
        page: qlik::qix::NxPage,
    ) -> Result<Vec<Value>> {
        self.on_object(object_id, move |object| async move {
            object.list_object_data("/qListObjectDef", &[page]).await
        })
        .await
    }
}
