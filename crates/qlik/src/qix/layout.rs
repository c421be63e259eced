//! Typed layouts and properties of generic objects: [`GenericObjectLayout`]
//! with its [`HyperCube`], [`ListObject`] and [`SelectionObject`],
//! [`GenericObjectProperties`] with their definitions, [`NxCell`], and the
//! pivot pages' [`NxPivotDimensionCell`] and [`NxPivotValuePoint`].
//!
//! The types are generated from the engine's schema by `tools/qix-gen`
//! (`cargo run -p qix-gen`); this module adds the accessors callers need.
//! Layouts arrive as JSON: `serde_json::from_value::<GenericObjectLayout>(layout)`.

pub use super::generated::*;

impl NxCell {
    /// The formatted text, empty when the engine sent none.
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or_default()
    }

    /// The number, `None` for text-only values (NaN), infinities and absent numbers.
    pub fn number(&self) -> Option<f64> {
        self.num
            .and_then(super::QNum::value)
            .filter(|n| n.is_finite())
    }
}

impl NxDataPage {
    /// The page's rows.
    pub fn rows(&self) -> &[NxCellRows] {
        self.matrix.as_deref().unwrap_or_default()
    }
}

impl HyperCube {
    /// The rows of the first data page, empty when there is none.
    pub fn first_page_rows(&self) -> &[NxCellRows] {
        first_page_rows(self.data_pages.as_deref())
    }
}

impl ListObject {
    /// The rows of the first data page, empty when there is none.
    pub fn first_page_rows(&self) -> &[NxCellRows] {
        first_page_rows(self.data_pages.as_deref())
    }
}

/// The rows of the first of `pages`, empty when there is none.
pub fn first_page_rows(pages: Option<&[NxDataPage]>) -> &[NxCellRows] {
    pages
        .and_then(<[NxDataPage]>::first)
        .map(NxDataPage::rows)
        .unwrap_or_default()
}

impl NxPivotDimensionCell {
    /// The text, empty when the engine sent none.
    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or_default()
    }

    /// The nodes below this one in the page (none for a leaf).
    pub fn sub_nodes(&self) -> &[NxPivotDimensionCell] {
        self.sub_nodes.as_deref().unwrap_or_default()
    }
}

impl NxPivotValuePoint {
    /// The number, `None` for null or empty cells (NaN) and absent numbers.
    pub fn number(&self) -> Option<f64> {
        self.num
            .and_then(super::QNum::value)
            .filter(|n| n.is_finite())
    }
}

impl From<super::NxPage> for NxPage {
    fn from(page: super::NxPage) -> Self {
        let int = |n: u32| Some(i32::try_from(n).unwrap_or(i32::MAX));
        Self {
            left: int(page.left),
            top: int(page.top),
            width: int(page.width),
            height: int(page.height),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_decode_qlik_numbers_and_keep_their_text() {
        let cell: NxCell = serde_json::from_value(
            json!({"qText": "Ann", "qNum": "NaN", "qElemNumber": 5, "qState": "O"}),
        )
        .unwrap();
        assert_eq!((cell.text(), cell.number()), ("Ann", None));
        assert_eq!(cell.elem_number, Some(5));
        let number: NxCell = serde_json::from_value(json!({"qNum": 12.5})).unwrap();
        assert_eq!((number.text(), number.number()), ("", Some(12.5)));
    }

    #[test]
    fn partial_layouts_parse_and_unknown_fields_are_ignored() {
        let layout: GenericObjectLayout = serde_json::from_value(json!({
            "qInfo": {"qId": "x", "qType": "kpi"},
            "somethingElse": [1, 2],
            "qHyperCube": {"qSize": {"qcx": 1, "qcy": 1},
                "qDataPages": [{"qMatrix": [[{"qText": "7", "qNum": 7}]]}]}
        }))
        .unwrap();
        let cube = layout.hyper_cube.unwrap_or_default();
        assert_eq!(cube.first_page_rows()[0][0].number(), Some(7.0));
        assert_eq!(layout.info.and_then(|i| i.r#type).as_deref(), Some("kpi"));
    }

    #[test]
    fn properties_serialise_only_what_was_set() {
        let properties = GenericObjectProperties {
            info: Some(NxInfo {
                r#type: Some("kpi".into()),
                ..NxInfo::default()
            }),
            ..GenericObjectProperties::default()
        };
        assert_eq!(
            serde_json::to_value(properties).unwrap(),
            json!({"qInfo": {"qType": "kpi"}})
        );
    }
}
