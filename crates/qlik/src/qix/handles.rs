//! Typed handles: Global, Doc, GenericObject and Field, with the methods the
//! mashup and the simulator use. Anything else: [`Connection::call`].

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::GLOBAL_HANDLE;
use super::connection::Connection;
use super::layout::{NxPivotPage, NxSelectionCell};
use super::types::{BookmarkEntry, FieldValue, NxPage, ObjectInterface};
use crate::error::{Error, Result};

/// Takes `key` out of a result object and decodes it.
fn take<T: DeserializeOwned>(mut result: Value, key: &str) -> Result<T> {
    let value = result
        .get_mut(key)
        .map(Value::take)
        .ok_or_else(|| Error::BadResponse(format!("no {key} in the result")))?;
    serde_json::from_value(value).map_err(|e| Error::BadResponse(format!("{key}: {e}")))
}

/// The object interface in `qReturn`; a null handle means "not found".
fn interface(result: Value, what: &str) -> Result<(i64, ObjectInterface)> {
    let object: ObjectInterface = take(result, "qReturn")?;
    match object.handle {
        Some(handle) if object.kind.is_some() => Ok((handle, object)),
        _ => Err(Error::Engine {
            code: 2,
            message: "Resource not found".into(),
            parameter: what.to_owned(),
        }),
    }
}

/// The Global object (handle -1).
#[derive(Debug, Clone)]
pub struct Global {
    connection: Connection,
}

impl Global {
    pub(crate) fn new(connection: Connection) -> Self {
        Self { connection }
    }

    /// `EngineVersion`: the engine's component version; also the cheap call to
    /// keep a proxy session alive.
    pub async fn engine_version(&self) -> Result<String> {
        let result = self.call("EngineVersion", json!([])).await?;
        let version: Value = take(result, "qVersion")?;
        version
            .get("qComponentVersion")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| Error::BadResponse("no qComponentVersion".into()))
    }

    /// `ProductVersion`.
    pub async fn product_version(&self) -> Result<String> {
        take(self.call("ProductVersion", json!([])).await?, "qReturn")
    }

    /// `GetAuthenticatedUser`.
    pub async fn authenticated_user(&self) -> Result<String> {
        take(
            self.call("GetAuthenticatedUser", json!([])).await?,
            "qReturn",
        )
    }

    /// `IsDesktopMode`.
    pub async fn is_desktop_mode(&self) -> Result<bool> {
        take(self.call("IsDesktopMode", json!([])).await?, "qReturn")
    }

    /// `GetDocList`: the apps the user can open, as the engine describes them.
    pub async fn doc_list(&self) -> Result<Vec<Value>> {
        take(self.call("GetDocList", json!([])).await?, "qDocList")
    }

    /// `OpenDoc`: opens the app in this engine session.
    pub async fn open_doc(&self, app_id: &str) -> Result<Doc> {
        let result = self.call("OpenDoc", json!([app_id])).await?;
        let (handle, object) = interface(result, app_id)?;
        Ok(Doc::new(self.connection.clone(), handle, object.generic_id))
    }

    /// `GetActiveDoc`: the app already open in this (attached) session.
    pub async fn get_active_doc(&self) -> Result<Doc> {
        let result = self.call("GetActiveDoc", json!([])).await?;
        let (handle, object) = interface(result, "")?;
        Ok(Doc::new(self.connection.clone(), handle, object.generic_id))
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.connection.call(GLOBAL_HANDLE, method, params).await
    }
}

/// An open app.
#[derive(Debug, Clone)]
pub struct Doc {
    connection: Connection,
    handle: i64,
    id: String,
}

impl Doc {
    fn new(connection: Connection, handle: i64, id: String) -> Self {
        Self {
            connection,
            handle,
            id,
        }
    }

    /// The socket-local handle.
    pub fn handle(&self) -> i64 {
        self.handle
    }

    /// The app id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `GetAppLayout`.
    pub async fn app_layout(&self) -> Result<Value> {
        take(self.call("GetAppLayout", json!([])).await?, "qLayout")
    }

    /// `GetLocaleInfo`: the app's number and date conventions (`LocaleInfo`).
    pub async fn locale_info(&self) -> Result<Value> {
        take(self.call("GetLocaleInfo", json!([])).await?, "qReturn")
    }

    /// `GetAppProperties`.
    pub async fn app_properties(&self) -> Result<Value> {
        take(self.call("GetAppProperties", json!([])).await?, "qProp")
    }

    /// `GetAllInfos`: id and type of every object.
    pub async fn all_infos(&self) -> Result<Vec<Value>> {
        take(self.call("GetAllInfos", json!([])).await?, "qInfos")
    }

    /// `CreateSessionObject`: an object that lives as long as the engine session.
    pub async fn create_session_object(&self, properties: Value) -> Result<GenericObject> {
        let result = self
            .call("CreateSessionObject", json!([properties]))
            .await?;
        let (handle, object) = interface(result, "")?;
        Ok(GenericObject::new(self.connection.clone(), handle, object))
    }

    /// `DestroySessionObject`.
    pub async fn destroy_session_object(&self, id: &str) -> Result<bool> {
        take(
            self.call("DestroySessionObject", json!([id])).await?,
            "qSuccess",
        )
    }

    /// `GetObject`: a master or session object by id (engine error 2 if unknown).
    pub async fn get_object(&self, id: &str) -> Result<GenericObject> {
        let result = self.call("GetObject", json!([id])).await?;
        let (handle, object) = interface(result, id)?;
        Ok(GenericObject::new(self.connection.clone(), handle, object))
    }

    /// `GetField`.
    pub async fn get_field(&self, name: &str) -> Result<Field> {
        let result = self.call("GetField", json!([name])).await?;
        let (handle, _) = interface(result, name)?;
        Ok(Field {
            connection: self.connection.clone(),
            handle,
            name: name.to_owned(),
        })
    }

    /// `ClearAll`.
    pub async fn clear_all(&self, locked_also: bool) -> Result<()> {
        self.call("ClearAll", json!([locked_also])).await.map(drop)
    }

    /// `Back`: the previous selection state.
    pub async fn back(&self) -> Result<()> {
        self.call("Back", json!([])).await.map(drop)
    }

    /// `Forward`: the next selection state.
    pub async fn forward(&self) -> Result<()> {
        self.call("Forward", json!([])).await.map(drop)
    }

    /// `CreateBookmark`: saves the current selections as a bookmark (type
    /// `bookmark`, like Qlik Sense's own) titled `title`; returns its id.
    pub async fn create_bookmark(&self, title: &str, description: &str) -> Result<String> {
        let properties = json!({"qInfo": {"qType": "bookmark"},
            "qMetaDef": {"title": title, "description": description}});
        let result = self.call("CreateBookmark", json!([properties])).await?;
        result
            .pointer("/qInfo/qId")
            .or_else(|| result.pointer("/qReturn/qGenericId"))
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| Error::BadResponse("no qInfo.qId in the result".into()))
    }

    /// `ApplyBookmark`: makes the bookmark's selections the current ones
    /// (engine error 2 when there is no such bookmark for this user).
    pub async fn apply_bookmark(&self, id: &str) -> Result<bool> {
        take(self.call("ApplyBookmark", json!([id])).await?, "qSuccess")
    }

    /// `DestroyBookmark`.
    pub async fn destroy_bookmark(&self, id: &str) -> Result<bool> {
        take(self.call("DestroyBookmark", json!([id])).await?, "qSuccess")
    }

    /// `GetBookmarks` of type `bookmark`: the user's bookmarks of this app.
    pub async fn bookmarks(&self) -> Result<Vec<BookmarkEntry>> {
        let options = json!({"qTypes": ["bookmark"], "qData": {"title": "/qMetaDef/title"}});
        let list: Vec<Value> = take(self.call("GetBookmarks", json!([options])).await?, "qList")?;
        Ok(list.iter().filter_map(BookmarkEntry::from_entry).collect())
    }

    /// `Evaluate`: an expression's value as text.
    pub async fn evaluate(&self, expression: &str) -> Result<String> {
        take(self.call("Evaluate", json!([expression])).await?, "qReturn")
    }

    /// `EvaluateEx`: an expression's value as `{qText, qNum, qIsNumeric}`.
    pub async fn evaluate_ex(&self, expression: &str) -> Result<Value> {
        take(
            self.call("EvaluateEx", json!([expression])).await?,
            "qValue",
        )
    }

    /// `GetTablesAndKeys` with the usual arguments.
    pub async fn tables_and_keys(&self) -> Result<Value> {
        self.call(
            "GetTablesAndKeys",
            json!([{"qcx":1000,"qcy":1000}, {"qcx":0,"qcy":0}, 30, false, false]),
        )
        .await
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.connection.call(self.handle, method, params).await
    }
}

/// A generic object (chart, list box, current selections, …).
#[derive(Debug, Clone)]
pub struct GenericObject {
    connection: Connection,
    handle: i64,
    id: String,
    generic_type: String,
}

impl GenericObject {
    fn new(connection: Connection, handle: i64, object: ObjectInterface) -> Self {
        Self {
            connection,
            handle,
            id: object.generic_id,
            generic_type: object.generic_type,
        }
    }

    /// The socket-local handle.
    pub fn handle(&self) -> i64 {
        self.handle
    }

    /// The object id (stable across sockets of the same engine session).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Its `qInfo.qType`.
    pub fn generic_type(&self) -> &str {
        &self.generic_type
    }

    /// `GetLayout`: the evaluated object.
    pub async fn layout(&self) -> Result<Value> {
        take(self.call("GetLayout", json!([])).await?, "qLayout")
    }

    /// `GetProperties`.
    pub async fn properties(&self) -> Result<Value> {
        take(self.call("GetProperties", json!([])).await?, "qProp")
    }

    /// `SetProperties`.
    pub async fn set_properties(&self, properties: Value) -> Result<()> {
        self.call("SetProperties", json!([properties]))
            .await
            .map(drop)
    }

    /// `ApplyPatches`: `patches` are `NxPatch`es (`qOp`, `qPath`, `qValue` as
    /// JSON text); a soft patch lasts for this engine session only and shows
    /// in the layout, not in `GetProperties`.
    pub async fn apply_patches(&self, patches: Value, soft: bool) -> Result<()> {
        self.call("ApplyPatches", json!([patches, soft]))
            .await
            .map(drop)
    }

    /// `ClearSoftPatches`: back to the object's own properties.
    pub async fn clear_soft_patches(&self) -> Result<()> {
        self.call("ClearSoftPatches", json!([])).await.map(drop)
    }

    /// `GetHyperCubeData` at `path` (e.g. `/qHyperCubeDef`).
    pub async fn hypercube_data(&self, path: &str, pages: &[NxPage]) -> Result<Vec<Value>> {
        take(
            self.call("GetHyperCubeData", json!([path, pages])).await?,
            "qDataPages",
        )
    }

    /// `GetListObjectData` at `path` (e.g. `/qListObjectDef`).
    pub async fn list_object_data(&self, path: &str, pages: &[NxPage]) -> Result<Vec<Value>> {
        take(
            self.call("GetListObjectData", json!([path, pages])).await?,
            "qDataPages",
        )
    }

    /// `SelectListObjectValues`: select (or toggle) values by element number.
    pub async fn select_list_object_values(
        &self,
        path: &str,
        values: &[i64],
        toggle: bool,
    ) -> Result<bool> {
        take(
            self.call("SelectListObjectValues", json!([path, values, toggle]))
                .await?,
            "qSuccess",
        )
    }

    /// `SelectHyperCubeValues`: select values of dimension `dimension`.
    pub async fn select_hypercube_values(
        &self,
        path: &str,
        dimension: i64,
        values: &[i64],
        toggle: bool,
    ) -> Result<bool> {
        take(
            self.call(
                "SelectHyperCubeValues",
                json!([path, dimension, values, toggle]),
            )
            .await?,
            "qSuccess",
        )
    }

    /// `GetHyperCubePivotData` at `path` (a hypercube with `qMode: "P"`):
    /// the pages of its pivot as expanded now.
    pub async fn hypercube_pivot_data(
        &self,
        path: &str,
        pages: &[NxPage],
    ) -> Result<Vec<NxPivotPage>> {
        take(
            self.call("GetHyperCubePivotData", json!([path, pages]))
                .await?,
            "qDataPages",
        )
    }

    /// `ExpandLeft`: expands the node of data row `row` at left level `col`
    /// (every node when `all`).
    pub async fn expand_left(&self, path: &str, row: i64, col: i64, all: bool) -> Result<()> {
        self.pivot_node("ExpandLeft", path, row, col, all).await
    }

    /// `CollapseLeft`: collapses the node of data row `row` at left level
    /// `col` (every node when `all`).
    pub async fn collapse_left(&self, path: &str, row: i64, col: i64, all: bool) -> Result<()> {
        self.pivot_node("CollapseLeft", path, row, col, all).await
    }

    /// `ExpandTop`: expands the node at top level `row` of data column `col`
    /// (every node when `all`).
    pub async fn expand_top(&self, path: &str, row: i64, col: i64, all: bool) -> Result<()> {
        self.pivot_node("ExpandTop", path, row, col, all).await
    }

    /// `CollapseTop`: collapses the node at top level `row` of data column
    /// `col` (every node when `all`).
    pub async fn collapse_top(&self, path: &str, row: i64, col: i64, all: bool) -> Result<()> {
        self.pivot_node("CollapseTop", path, row, col, all).await
    }

    async fn pivot_node(
        &self,
        method: &str,
        path: &str,
        row: i64,
        col: i64,
        all: bool,
    ) -> Result<()> {
        self.call(method, json!([path, row, col, all]))
            .await
            .map(drop)
    }

    /// `SelectPivotCells`: selects the values of pivot cells (left `L`, top
    /// `T` or data `D`).
    pub async fn select_pivot_cells(
        &self,
        path: &str,
        cells: &[NxSelectionCell],
        soft_lock: bool,
        deselect_only_one_selected: bool,
    ) -> Result<bool> {
        take(
            self.call(
                "SelectPivotCells",
                json!([path, cells, soft_lock, deselect_only_one_selected]),
            )
            .await?,
            "qSuccess",
        )
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.connection.call(self.handle, method, params).await
    }
}

/// A field of an open app.
#[derive(Debug, Clone)]
pub struct Field {
    connection: Connection,
    handle: i64,
    name: String,
}

impl Field {
    /// The field name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `Select`: values matching a search string.
    pub async fn select(&self, pattern: &str) -> Result<bool> {
        take(self.call("Select", json!([pattern])).await?, "qReturn")
    }

    /// `ToggleSelect`: toggles the values matching a search string.
    pub async fn toggle_select(&self, pattern: &str) -> Result<bool> {
        take(
            self.call("ToggleSelect", json!([pattern])).await?,
            "qReturn",
        )
    }

    /// `SelectValues`: selects (or toggles) the given values.
    pub async fn select_values(&self, values: &[FieldValue], toggle: bool) -> Result<bool> {
        take(
            self.call("SelectValues", json!([values, toggle])).await?,
            "qReturn",
        )
    }

    /// `LowLevelSelect`: selects by element number.
    pub async fn low_level_select(&self, values: &[i64], toggle: bool) -> Result<bool> {
        take(
            self.call("LowLevelSelect", json!([values, toggle])).await?,
            "qReturn",
        )
    }

    /// `Clear`: clears this field's selection.
    pub async fn clear(&self) -> Result<bool> {
        take(self.call("Clear", json!([])).await?, "qReturn")
    }

    /// `GetCardinal`: the number of distinct values.
    pub async fn cardinal(&self) -> Result<i64> {
        take(self.call("GetCardinal", json!([])).await?, "qReturn")
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.connection.call(self.handle, method, params).await
    }
}
