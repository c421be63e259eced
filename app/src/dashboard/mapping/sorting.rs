//! A table's sort as the engine object's state, as in Qlik: soft patches of
//! its hypercube's sort properties (`ApplyPatches` with `qSoftPatch`), which
//! the engine keeps for the user's engine session. The sort is read back
//! from the layout: the first column of `qEffectiveInterColumnSortOrder` and
//! its `qSortIndicator`, while the object has soft patches.

use qlik::qix::layout::GenericObjectLayout;
use serde_json::{Value, json};

use crate::dashboard::view_model::TableSort;

/// The `NxPatch`es that sort a cube of `dimensions` dimensions and `width`
/// columns by `sort`: that column first, then the others in their order;
/// a dimension by number, then text, a measure by number, in the direction
/// asked for.
pub fn sort_patches(dimensions: usize, width: usize, sort: TableSort) -> Value {
    let direction = if sort.descending { -1 } else { 1 };
    let order: Vec<usize> = std::iter::once(sort.column)
        .chain((0..width).filter(|c| *c != sort.column))
        .collect();
    let (path, value) = if sort.column < dimensions {
        (
            format!(
                "/qHyperCubeDef/qDimensions/{}/qDef/qSortCriterias",
                sort.column
            ),
            json!([{"qSortByNumeric": direction, "qSortByAscii": direction, "qSortByLoadOrder": 1}]),
        )
    } else {
        (
            format!(
                "/qHyperCubeDef/qMeasures/{}/qSortBy",
                sort.column - dimensions
            ),
            json!({"qSortByNumeric": direction}),
        )
    };
    json!([
        {"qOp": "add", "qPath": "/qHyperCubeDef/qInterColumnSortOrder", "qValue": json!(order).to_string()},
        {"qOp": "add", "qPath": path, "qValue": value.to_string()},
    ])
}

/// The user's sort of a table, from its layout: none while the object has
/// no soft patches (its own order).
pub fn table_sort(layout: &GenericObjectLayout) -> Option<TableSort> {
    if layout.has_soft_patches != Some(true) {
        return None;
    }
    let cube = layout.hyper_cube.as_ref()?;
    let column =
        usize::try_from(*cube.effective_inter_column_sort_order.as_ref()?.first()?).ok()?;
    let dimensions = cube.dimension_info.as_ref().map_or(0, Vec::len);
    let indicator = if column < dimensions {
        cube.dimension_info
            .as_ref()?
            .get(column)?
            .sort_indicator
            .clone()
    } else {
        cube.measure_info
            .as_ref()?
            .get(column - dimensions)?
            .sort_indicator
            .clone()
    };
    Some(TableSort {
        column,
        descending: indicator.as_deref() == Some("D"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_goes_first_in_its_direction() {
        let patches = sort_patches(
            2,
            4,
            TableSort {
                column: 2,
                descending: true,
            },
        );
        assert_eq!(patches[0]["qValue"], "[2,0,1,3]");
        assert_eq!(patches[1]["qPath"], "/qHyperCubeDef/qMeasures/0/qSortBy");
        assert_eq!(patches[1]["qValue"], "{\"qSortByNumeric\":-1}");
        let patches = sort_patches(
            2,
            4,
            TableSort {
                column: 1,
                descending: false,
            },
        );
        assert_eq!(patches[0]["qValue"], "[1,0,2,3]");
        assert_eq!(
            patches[1]["qPath"],
            "/qHyperCubeDef/qDimensions/1/qDef/qSortCriterias"
        );
        assert_eq!(
            patches[1]["qValue"].as_str().unwrap().matches(":1").count(),
            3
        );
    }

    #[test]
    fn the_sort_is_read_only_from_a_soft_patched_layout() {
        let layout = |soft: bool| -> GenericObjectLayout {
            serde_json::from_value(json!({
                "qHasSoftPatches": soft,
                "qHyperCube": {
                    "qEffectiveInterColumnSortOrder": [2, 0, 1],
                    "qDimensionInfo": [{"qSortIndicator": "A"}, {"qSortIndicator": "A"}],
                    "qMeasureInfo": [{"qSortIndicator": "D"}],
                },
            }))
            .unwrap()
        };
        assert_eq!(
            table_sort(&layout(true)),
            Some(TableSort {
                column: 2,
                descending: true
            })
        );
        assert_eq!(table_sort(&layout(false)), None);
    }
}
