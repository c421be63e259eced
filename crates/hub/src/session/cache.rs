//! The session's layouts: kept packed while the engine has not changed
//! them (a refresh costs no round trip), with a generation that moves
//! whenever one is dropped.

use std::collections::HashMap;

use serde_json::Value;

use super::{EngineSession, lock};
use crate::error::{Error, Result};
use crate::socket::SELECTIONS_ID;

/// The layouts the engine has not changed since they were fetched, packed
/// (see [`PackedLayout`]), and their generation: bumped whenever one is
/// dropped.
#[derive(Default)]
pub(super) struct Cache {
    pub(super) layouts: HashMap<String, PackedLayout>,
    pub(super) generation: u64,
}

/// A layout kept as LZ4-compressed JSON text. A held user's layouts were the
/// largest part of their memory (a heap profile under the load tool: ~36 KB
/// of JSON text per user; a `Value` tree takes several times that); LZ4
/// shrinks Qlik's repetitive JSON several times and unpacks far faster than
/// the JSON is parsed afterwards.
pub(super) struct PackedLayout(Box<[u8]>);

impl PackedLayout {
    fn pack(layout: &Value) -> Self {
        let text = layout.to_string();
        Self(lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice())
    }

    /// The JSON text back.
    fn unpack(&self) -> Result<Vec<u8>> {
        lz4_flex::decompress_size_prepended(&self.0)
            .map_err(|e| Error::Qlik(qlik::Error::BadResponse(e.to_string())))
    }
}

impl EngineSession {
    /// The layout of a dashboard object, from the cache when the engine has not
    /// changed it (a refresh costs no round trip).
    pub async fn layout(&self, object_id: &str) -> Result<Value> {
        self.touch();
        self.cached_layout(object_id).await
    }

    /// The generation of the cached layouts: views built from layouts read
    /// at one generation stay right while it holds. Reading it is a use.
    pub fn layouts_generation(&self) -> u64 {
        self.touch();
        lock(&self.cache).generation
    }

    pub(super) async fn cached_layout(&self, object_id: &str) -> Result<Value> {
        let generation = {
            let cache = lock(&self.cache);
            if let Some(packed) = cache.layouts.get(object_id) {
                let text = packed.unpack()?;
                drop(cache);
                // Written by serde_json from a `Value` below: it reads back.
                return serde_json::from_slice(&text)
                    .map_err(|e| Error::Qlik(qlik::Error::BadResponse(e.to_string())));
            }
            cache.generation
        };
        let id = object_id.to_owned();
        let layout = self
            .with_socket(move |socket| {
                let object = socket.objects.get(&id).cloned();
                let id = id.clone();
                async move {
                    match object {
                        Some(object) => Ok(object.layout().await?),
                        None => Err(Error::UnknownObject(id)),
                    }
                }
            })
            .await?;
        let mut cache = lock(&self.cache);
        if cache.generation == generation {
            cache
                .layouts
                .insert(object_id.to_owned(), PackedLayout::pack(&layout));
        }
        Ok(layout)
    }

    /// The current selections layout (the hub's own selections object).
    pub async fn current_selections(&self) -> Result<Value> {
        self.layout(SELECTIONS_ID).await
    }

    /// Fetches a page of a hypercube (for paging tables).
    pub async fn hypercube_page(
        &self,
        object_id: &str,
        page: qlik::qix::NxPage,
    ) -> Result<Vec<Value>> {
        self.on_object(object_id, move |object| async move {
            object.hypercube_data("/qHyperCubeDef", &[page]).await
        })
        .await
    }

    /// Runs `call` on the dashboard object `object_id` of the socket (an
    /// object the session did not create is [`Error::UnknownObject`]).
    pub(super) async fn on_object<T, F, Fut>(&self, object_id: &str, call: F) -> Result<T>
    where
        F: Fn(qlik::qix::GenericObject) -> Fut,
        Fut: Future<Output = qlik::Result<T>>,
    {
        self.touch();
        self.with_socket(|socket| {
            let object = socket.objects.get(object_id).cloned();
            let call = &call;
            async move {
                match object {
                    Some(object) => Ok(call(object).await?),
                    None => Err(Error::UnknownObject(object_id.to_owned())),
                }
            }
        })
        .await
    }

    pub(super) fn invalidate_all(&self) {
        let mut cache = lock(&self.cache);
        cache.layouts.clear();
        // Views of older generations are never read again.
        cache.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::PackedLayout;

    #[test]
    fn a_packed_layout_reads_back_whole_and_smaller() {
        let rows: Vec<Value> = (0..200)
            .map(|i| json!([{"qText": format!("Customer {i}"), "qNum": "NaN", "qElemNumber": i, "qState": "O"}]))
            .collect();
        let layout =
            json!({"qInfo": {"qId": "table-0"}, "qHyperCube": {"qDataPages": [{"qMatrix": rows}]}});
        let packed = PackedLayout::pack(&layout);
        let text = packed.unpack().unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&text).unwrap(), layout);
        assert!(
            packed.0.len() * 3 < text.len(),
            "{} bytes packed from {}",
            packed.0.len(),
            text.len()
        );
    }
}
