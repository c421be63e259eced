//! Pivot tables in the session: their pages, their expansion and selections
//! through their cells. The expansion is engine state (the engine keeps it in
//! the object for the engine session), so every tab and device of the user
//! shares it: an expand or collapse goes through the selection path (one
//! change event, the new layout cached first) and its new
//! `qExpansionState` is recorded in the store, to give back to the object
//! when the engine session has to be re-created.

use qlik::qix::NxPage;
use qlik::qix::layout::{NxPivotPage, NxSelectionCell};
use serde_json::{Value, json};

use super::EngineSession;
use crate::error::{Error, Result};
use crate::socket::EngineSocket;

/// The hypercube path of the dashboard's pivots.
const CUBE: &str = "/qHyperCubeDef";

/// An expand or collapse of pivot nodes (`ExpandLeft`, `CollapseLeft`,
/// `ExpandTop`, `CollapseTop`), in the engine's coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PivotToggle {
    /// A top (column) node rather than a left (row) node.
    pub top: bool,
    /// Expand (else collapse).
    pub expand: bool,
    /// Left: the data row; top: the top level.
    pub row: i64,
    /// Left: the left level; top: the data column.
    pub col: i64,
    /// Every node (then `row` and `col` are not used).
    pub all: bool,
}

impl EngineSession {
    /// Pages of the pivot `object_id` as expanded now
    /// (`GetHyperCubePivotData`; at most 10,000 cells across the pages).
    pub async fn pivot_pages(&self, object_id: &str, pages: &[NxPage]) -> Result<Vec<NxPivotPage>> {
        self.touch();
        let id = object_id.to_owned();
        let pages = pages.to_vec();
        self.with_socket(move |socket| {
            let object = socket.objects.get(&id).cloned();
            let (id, pages) = (id.clone(), pages.clone());
            async move {
                let object = object.ok_or(Error::UnknownObject(id))?;
                Ok(object.hypercube_pivot_data(CUBE, &pages).await?)
            }
        })
        .await
    }

    /// Expands or collapses nodes of the pivot `object_id`: one change event
    /// for every tab, and the new expansion state recorded.
    pub async fn toggle_pivot(&self, object_id: &str, toggle: PivotToggle) -> Result<()> {
        let id = object_id.to_owned();
        let state = self
            .selection_op(move |socket| {
                let object = socket.objects.get(&id).cloned();
                let id = id.clone();
                async move {
                    let object = object.ok_or(Error::UnknownObject(id))?;
                    let PivotToggle { row, col, all, .. } = toggle;
                    match (toggle.top, toggle.expand) {
                        (false, true) => object.expand_left(CUBE, row, col, all).await,
                        (false, false) => object.collapse_left(CUBE, row, col, all).await,
                        (true, true) => object.expand_top(CUBE, row, col, all).await,
                        (true, false) => object.collapse_top(CUBE, row, col, all).await,
                    }?;
                    Ok(expansion_state(&object.properties().await?))
                }
            })
            .await?;
        let saved = self
            .shared
            .store
            .save_expansion(&self.key, object_id, &state)
            .await;
        if let Err(error) = saved {
            tracing::warn!(user = %self.key.user_id, object = %object_id, %error, "pivot expansion not recorded");
        }
        Ok(())
    }

    /// Selects the values of pivot cells (`SelectPivotCells`: left `L` or
    /// top `T` cells, data `D` cells): false when nothing was selectable.
    pub async fn select_pivot_cells(
        &self,
        object_id: &str,
        cells: &[NxSelectionCell],
    ) -> Result<bool> {
        let id = object_id.to_owned();
        let cells = cells.to_vec();
        self.selection_op(move |socket| {
            let object = socket.objects.get(&id).cloned();
            let (id, cells) = (id.clone(), cells.clone());
            async move {
                let object = object.ok_or(Error::UnknownObject(id))?;
                Ok(object
                    .select_pivot_cells(CUBE, &cells, false, false)
                    .await?)
            }
        })
        .await
    }

    /// On a re-created engine session: gives each pivot of the app the
    /// expansion state recorded for it, as a soft patch of its
    /// `qExpansionState` (session state, as the expansion is; the object's
    /// own properties stay as they are). The changes this makes are not
    /// announced: the new socket starts from an empty cache.
    pub(super) async fn restore_expansions(&self, socket: &EngineSocket) {
        let recorded = match self.shared.store.expansions(&self.key).await {
            Ok(recorded) => recorded,
            Err(error) => {
                tracing::warn!(user = %self.key.user_id, %error, "pivot expansions not read: pivots start collapsed");
                return;
            }
        };
        for (id, state) in recorded {
            let Some(object) = socket.objects.get(&id) else {
                continue;
            };
            if let Err(error) = object.apply_patches(expansion_patch(&state), true).await {
                tracing::warn!(user = %self.key.user_id, object = %id, %error, "pivot expansion not restored");
            }
        }
        drop(socket.take_changes());
    }
}

/// `qHyperCubeDef.qExpansionState` of an object's properties (null when
/// absent).
fn expansion_state(properties: &Value) -> Value {
    properties
        .pointer("/qHyperCubeDef/qExpansionState")
        .cloned()
        .unwrap_or(Value::Null)
}

/// The soft patch that sets an object's `qExpansionState` (`qValue` is JSON
/// text, as `NxPatch` says).
fn expansion_patch(state: &Value) -> Value {
    json!([{"qOp": "add", "qPath": "/qHyperCubeDef/qExpansionState", "qValue": state.to_string()}])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_read_is_the_state_patched_back() {
        let state =
            json!([{"qExcludeList": false, "qPos": {"qDimName": "Region", "qElemNo": [1]}}]);
        let properties = json!({"qHyperCubeDef": {"qMode": "P", "qExpansionState": state}});
        assert_eq!(expansion_state(&properties), state);
        assert_eq!(expansion_state(&json!({})), Value::Null);
        let patch = expansion_patch(&state);
        let text = patch[0]["qValue"].as_str().unwrap();
        assert_eq!(serde_json::from_str::<Value>(text).unwrap(), state);
    }
}
