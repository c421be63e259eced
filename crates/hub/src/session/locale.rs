//! The app's locale (`Doc.GetLocaleInfo`): asked once per engine session
//! and kept, since an app's number conventions change only with a reload.

use serde_json::Value;

use super::{EngineSession, lock};
use crate::error::Result;

impl EngineSession {
    /// The app's `LocaleInfo` (thousand and decimal separators, number
    /// abbreviations), from the engine on first use, then from memory.
    pub async fn locale_info(&self) -> Result<Value> {
        self.touch();
        if let Some(info) = lock(&self.locale).clone() {
            return Ok(info);
        }
        let info = self
            .with_socket(|socket| {
                let doc = socket.doc.clone();
                async move { Ok(doc.locale_info().await?) }
            })
            .await?;
        *lock(&self.locale) = Some(info.clone());
        Ok(info)
    }
}
