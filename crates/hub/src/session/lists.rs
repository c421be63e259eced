//! Pages of list objects the layout does not carry: list boxes in filter
//! panes of real apps have `qInitialDataFetch: []`, so their values come from
//! `GetListObjectData` (`docs/qlik-protocol.md`, "Real apps").

use serde_json::Value;

use super::EngineSession;
use crate::error::{Error, Result};

impl EngineSession {
    /// Fetches a page of a dashboard object's list object
    /// (`GetListObjectData` at `/qListObjectDef`).
    pub async fn list_object_page(
        &self,
        object_id: &str,
        page: qlik::qix::NxPage,
    ) -> Result<Vec<Value>> {
        self.touch();
        let id = object_id.to_owned();
        self.with_socket(move |socket| {
            let object = socket.objects.get(&id).cloned();
            let id = id.clone();
            async move {
                match object {
                    Some(object) => Ok(object.list_object_data("/qListObjectDef", &[page]).await?),
                    None => Err(Error::UnknownObject(id)),
                }
            }
        })
        .await
    }
}
