//! Pivot tables: the properties of a configured one (`[[pages.pivots]]`),
//! the shape of a pivot layout (its levels, their titles, its size), the
//! window of rows a view fetches, and the view drawn from a page
//! (docs/qlik-protocol.md, "Pivot tables").

use qlik::qix::layout::{
    GenericObjectLayout, GenericObjectProperties, HyperCube, HyperCubeDef, NxDimension,
    NxPivotPage, OtherTotalSpecProp, StringExpr,
};

use super::MAX_PAGE_CELLS;
use super::pivot_html::{PivotFrame, pivot_table};
use super::properties::{dimension, info, measure};
use crate::dashboard::config::PivotDef;
use crate::dashboard::object_id::ObjectId;
use crate::dashboard::pivot_view::PivotView;

/// Most data rows a pivot view shows at once (fewer when its columns would
/// pass the engine's 10,000 cells).
pub const PIVOT_ROWS: u32 = 100;

/// The title of the measures' level (the pseudo dimension).
pub const MEASURES_TITLE: &str = "Measures";

/// The properties of a configured pivot: its row dimensions on the left,
/// its column dimensions on top, the measures as the innermost top level
/// (the pseudo dimension, when there are two or more); a total for the
/// outermost dimension of each side; collapsed at first.
pub fn pivot_properties(def: &PivotDef) -> GenericObjectProperties {
    fn totalled(fields: &[String]) -> impl Iterator<Item = NxDimension> + '_ {
        fields.iter().enumerate().map(|(i, field)| {
            let mut dimension = dimension(field);
            if i == 0 {
                dimension.other_total_spec = Some(OtherTotalSpecProp {
                    total_mode: Some("TOTAL_EXPR".into()),
                    ..OtherTotalSpecProp::default()
                });
                dimension.total_label = Some(StringExpr {
                    v: Some("Total".into()),
                });
            }
            dimension
        })
    }
    let dimensions: Vec<_> = totalled(&def.rows).chain(totalled(&def.columns)).collect();
    let mut order: Vec<i32> = (0..dimensions.len() as i32).collect();
    if def.measures.len() > 1 {
        order.push(-1);
    }
    GenericObjectProperties {
        info: info("pivot-table"),
        hyper_cube_def: Some(HyperCubeDef {
            mode: Some("P".into()),
            no_of_left_dims: Some(def.rows.len() as i32),
            always_fully_expanded: Some(false),
            dimensions: Some(dimensions),
            measures: Some(
                def.measures
                    .iter()
                    .map(|m| measure(&m.label, &m.expression))
                    .collect(),
            ),
            inter_column_sort_order: Some(order),
            initial_data_fetch: Some(Vec::new()),
            ..HyperCubeDef::default()
        }),
        ..GenericObjectProperties::default()
    }
}

/// True when the layout's hypercube is computed as a pivot (`qMode` P).
pub fn is_pivot(layout: &GenericObjectLayout) -> bool {
    layout
        .hyper_cube
        .as_ref()
        .is_some_and(|cube| cube.mode.as_deref() == Some("P"))
}

/// The shape of a pivot layout.
#[derive(Debug, Clone, PartialEq)]
pub struct PivotShape {
    /// The title of each level, outermost first, left levels then top.
    pub titles: Vec<String>,
    /// How many of the levels are on the left.
    pub left: usize,
    /// Data columns (`qcx`) and rows (`qcy`) as expanded now.
    pub columns: u32,
    /// Data rows as expanded now.
    pub rows: u32,
    /// `qIndentMode`.
    pub indent: bool,
}

impl PivotShape {
    /// Reads the shape of a pivot's hypercube: the dimensions in their
    /// definition order, the measures' level where −1 stands in
    /// `qEffectiveInterColumnSortOrder`, the first `qNoOfLeftDims` of them
    /// on the left (all when −1).
    pub fn of(cube: &HyperCube) -> Self {
        let mut titles: Vec<String> = cube
            .dimension_info
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|d| d.fallback_title.clone().unwrap_or_default())
            .collect();
        let order = cube
            .effective_inter_column_sort_order
            .as_deref()
            .unwrap_or_default();
        if let Some(at) = order.iter().position(|&i| i == -1) {
            titles.insert(at.min(titles.len()), MEASURES_TITLE.to_owned());
        }
        let left = match cube.no_of_left_dims {
            Some(n) if n >= 0 => (n as usize).min(titles.len()),
            _ => titles.len(),
        };
        let size = cube.size.clone().unwrap_or_default();
        let count = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        Self {
            titles,
            left,
            columns: count(size.cx),
            rows: count(size.cy),
            indent: cube.indent_mode.unwrap_or(false),
        }
    }

    /// Levels on top.
    pub fn top(&self) -> usize {
        self.titles.len() - self.left
    }

    /// Data columns a window fetches (every one, up to the cell limit).
    pub fn window_width(&self) -> u32 {
        self.columns.clamp(1, MAX_PAGE_CELLS)
    }

    /// Rows per window: [`PIVOT_ROWS`], fewer for wide pivots.
    pub fn window_rows(&self) -> u32 {
        PIVOT_ROWS.min(MAX_PAGE_CELLS / self.window_width()).max(1)
    }

    /// The page of the window starting at `first_row`.
    pub fn window(&self, first_row: u32) -> qlik::qix::NxPage {
        qlik::qix::NxPage {
            left: 0,
            top: first_row,
            width: self.window_width(),
            height: self.window_rows(),
        }
    }
}

/// The view of a window of a pivot: `page` drawn with the layout's shape.
pub fn pivot(
    id: &ObjectId,
    title: &str,
    shape: &PivotShape,
    page: &NxPivotPage,
    first_row: u32,
) -> PivotView {
    let html = pivot_table(&PivotFrame {
        title,
        left_titles: &shape.titles[..shape.left],
        indent: shape.indent,
        page,
    });
    let rows = page.data.as_ref().map_or(0, Vec::len) as u32;
    PivotView {
        id: id.clone(),
        title: title.to_owned(),
        html,
        first_row,
        rows,
        total_rows: shape.rows,
        page_size: shape.window_rows(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dashboard::config::MeasureDef;
    use crate::dashboard::mapping::parse_layout;

    #[test]
    fn a_configured_pivot_is_a_collapsed_pivot_with_totals() {
        let def = PivotDef {
            title: "Sales".into(),
            rows: vec!["Region".into(), "Country".into()],
            columns: vec!["Year".into()],
            measures: vec![
                MeasureDef {
                    label: "Sales".into(),
                    expression: "Sum(Sales)".into(),
                },
                MeasureDef {
                    label: "Orders".into(),
                    expression: "Count(OrderID)".into(),
                },
            ],
        };
        let properties = serde_json::to_value(pivot_properties(&def)).unwrap();
        let cube = &properties["qHyperCubeDef"];
        assert_eq!(cube["qMode"], "P");
        assert_eq!(cube["qNoOfLeftDims"], 2);
        assert_eq!(cube["qInterColumnSortOrder"], json!([0, 1, 2, -1]));
        assert_eq!(
            cube["qDimensions"][0]["qOtherTotalSpec"]["qTotalMode"],
            "TOTAL_EXPR"
        );
        assert!(cube["qDimensions"][1].get("qOtherTotalSpec").is_none());
        assert_eq!(
            cube["qDimensions"][2]["qOtherTotalSpec"]["qTotalMode"],
            "TOTAL_EXPR"
        );
    }

    #[test]
    fn the_shape_places_the_measures_where_the_sort_order_says() {
        let layout = parse_layout(json!({"qHyperCube": {"qMode": "P",
            "qDimensionInfo": [{"qFallbackTitle": "Region"}, {"qFallbackTitle": "Country"},
                {"qFallbackTitle": "Year"}],
            "qEffectiveInterColumnSortOrder": [0, -1, 1, 2], "qNoOfLeftDims": 2,
            "qSize": {"qcx": 300, "qcy": 1000}}}));
        assert!(is_pivot(&layout));
        let shape = PivotShape::of(layout.hyper_cube.as_ref().unwrap());
        assert_eq!(shape.titles, ["Region", "Measures", "Country", "Year"]);
        assert_eq!((shape.left, shape.top()), (2, 2));
        // 300 columns: 33 rows keep a window within 10,000 cells.
        assert_eq!(shape.window_rows(), 33);
        assert_eq!(shape.window(66).top, 66);
        assert!(!is_pivot(&parse_layout(json!({"qHyperCube": {}}))));
    }
}
