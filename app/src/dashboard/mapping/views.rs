//! Layouts → view models: list boxes, KPIs, table pages and the
//! selections bar.

use qlik::qix::layout::{GenericObjectLayout, HyperCube, NxDataPage};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::sorting::table_sort;
use crate::dashboard::config::{FilterDef, KpiDef, TableDef};
use crate::dashboard::object_id::ObjectId;
use crate::dashboard::view_model::{
    KpiView, ListBoxView, ListValue, SelectionChip, SelectionsView, TableView, ValueState,
};

fn parse<T: DeserializeOwned + Default>(json: Value, what: &str) -> T {
    serde_json::from_value(json).unwrap_or_else(|error| {
        tracing::warn!(%error, "the engine sent {what} this server cannot read");
        T::default()
    })
}

/// A generic object's layout as the engine sent it (an unreadable one is
/// logged and read as empty).
pub fn parse_layout(json: Value) -> GenericObjectLayout {
    parse(json, "a layout")
}

/// Data pages as the engine sent them (unreadable ones are logged and read as none).
pub fn parse_pages(json: Vec<Value>) -> Vec<NxDataPage> {
    parse(Value::Array(json), "data pages")
}

/// A count from the engine, 0 when absent or negative.
fn count(value: Option<i32>) -> u32 {
    value
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_default()
}

/// A list box from its layout.
pub fn list_box(id: &ObjectId, filter: &FilterDef, layout: &GenericObjectLayout) -> ListBoxView {
    let list = layout.list_object.clone().unwrap_or_default();
    let values = list
        .first_page_rows()
        .iter()
        .filter_map(|row| row.first())
        .map(|cell| ListValue {
            text: cell.text().to_owned(),
            elem: cell.elem_number.map_or(-2, i64::from),
            state: ValueState::from_letter(cell.state.as_deref().unwrap_or("O")),
        })
        .collect();
    let info = list.dimension_info.unwrap_or_default();
    ListBoxView {
        id: id.clone(),
        heading: filter.heading().to_owned(),
        values,
        selected: count(info.state_counts.and_then(|c| c.selected)),
        total: count(info.cardinal),
    }
}

/// The engine's error on a hypercube or its first measure, if any.
fn cube_error(cube: &HyperCube) -> Option<String> {
    let code = match &cube.error {
        Some(error) => error.error_code,
        None => cube
            .measure_info
            .as_deref()
            .and_then(<[_]>::first)
            .and_then(|m| m.error.as_ref())
            .and_then(|e| e.error_code),
    };
    code.map(|code| format!("The figure cannot be calculated (Qlik error {code})."))
}

/// A KPI from its layout: the engine's formatted text, or a dash.
pub fn kpi(id: &ObjectId, def: &KpiDef, layout: &GenericObjectLayout) -> KpiView {
    let cube = layout.hyper_cube.clone().unwrap_or_default();
    let value = if cube_error(&cube).is_some() {
        None
    } else {
        cube.first_page_rows()
            .first()
            .and_then(|row| row.first())
            .map(|cell| cell.text().to_owned())
            .filter(|t| !t.is_empty())
    };
    KpiView {
        id: id.clone(),
        label: def.label.clone(),
        text: value.unwrap_or_else(|| "–".to_owned()),
    }
}

/// A hypercube's column titles: its dimensions', then its measures'.
pub fn column_titles(cube: &HyperCube) -> (Vec<String>, Vec<String>) {
    let dimensions = cube
        .dimension_info
        .iter()
        .flatten()
        .map(|i| i.fallback_title.clone().unwrap_or_default())
        .collect();
    let measures = cube
        .measure_info
        .iter()
        .flatten()
        .map(|i| i.fallback_title.clone().unwrap_or_default())
        .collect();
    (dimensions, measures)
}

/// A table page from the layout (headers, total) and the page's data.
pub fn table(
    id: &ObjectId,
    def: &TableDef,
    layout: &GenericObjectLayout,
    data_pages: &[NxDataPage],
) -> TableView {
    let empty = HyperCube::default();
    let cube = layout.hyper_cube.as_ref().unwrap_or(&empty);
    let (dimension_titles, measure_titles) = column_titles(cube);
    let numeric = std::iter::repeat_n(false, dimension_titles.len())
        .chain(std::iter::repeat_n(true, measure_titles.len()))
        .collect();
    let rows = qlik::qix::layout::first_page_rows(Some(data_pages))
        .iter()
        .map(|row| row.iter().map(|cell| cell.text().to_owned()).collect())
        .collect();
    let total_rows = count(cube.size.as_ref().and_then(|s| s.cy));
    let first_row = data_pages
        .first()
        .and_then(|p| p.area.as_ref())
        .and_then(|a| a.top);
    TableView {
        id: id.clone(),
        title: def.title.clone(),
        headers: dimension_titles.into_iter().chain(measure_titles).collect(),
        numeric,
        rows,
        total_rows,
        first_row: count(first_row),
        page_size: def.page_size,
        sort: table_sort(layout),
    }
}

/// The current-selections bar from the selections object's layout.
pub fn selections(layout: &GenericObjectLayout) -> SelectionsView {
    let object = layout.selection_object.clone().unwrap_or_default();
    let chips = object
        .selections
        .unwrap_or_default()
        .into_iter()
        .map(|item| SelectionChip {
            field: item.field.unwrap_or_default(),
            summary: item.selected.unwrap_or_default(),
        })
        .collect();
    SelectionsView {
        chips,
        can_back: object.back_count.unwrap_or(0) > 0,
        can_forward: object.forward_count.unwrap_or(0) > 0,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dashboard::object_id::ObjectKind;

    fn id(kind: ObjectKind) -> ObjectId {
        ObjectId::configured(kind, 0)
    }

    #[test]
    fn list_box_values_keep_their_states() {
        let filter = FilterDef {
            field: "Region".into(),
            label: None,
        };
        let layout = parse_layout(json!({"qListObject": {
        "qDimensionInfo": {"qCardinal": 3, "qStateCounts": {"qSelected": 1}},
        "qDataPages": [{"qMatrix": [
            [{"qText": "EMEA", "qNum": "NaN", "qElemNumber": 1, "qState": "S"}],
            [{"qText": "APAC", "qNum": "NaN", "qElemNumber": 0, "qState": "A"}],
            [{"qText": "LATAM", "qNum": "NaN", "qElemNumber": 2, "qState": "X"}]
        ]}]}}));
        let view = list_box(&id(ObjectKind::Filter), &filter, &layout);
        assert_eq!(view.heading, "Region");
        assert_eq!((view.selected, view.total), (1, 3));
        let states: Vec<_> = view.values.iter().map(|v| (v.elem, v.state)).collect();
        assert_eq!(
            states,
            [
                (1, ValueState::Selected),
                (0, ValueState::Alternative),
                (2, ValueState::Excluded)
            ]
        );
    }

    #[test]
    fn kpis_show_the_engine_text_or_a_dash_on_error() {
        let def = KpiDef {
            label: "Sales".into(),
            expression: "Sum(Sales)".into(),
        };
        let k = id(ObjectKind::Kpi);
        let ok = parse_layout(json!({"qHyperCube": {"qDataPages": [{"qMatrix": [[
            {"qText": "1234.5", "qNum": 1234.5}]]}]}}));
        assert_eq!(kpi(&k, &def, &ok).text, "1234.5");
        let bad = parse_layout(
            json!({"qHyperCube": {"qMeasureInfo": [{"qError": {"qErrorCode": 4}}],
            "qDataPages": [{"qMatrix": []}]}}),
        );
        assert_eq!(kpi(&k, &def, &bad).text, "–");
    }

    #[test]
    fn tables_page_and_mark_numeric_columns() {
        let def = TableDef {
            title: "Customers".into(),
            dimensions: vec!["Customer".into()],
            measures: vec![],
            page_size: 2,
        };
        let layout = parse_layout(json!({"qHyperCube": {"qSize": {"qcx": 2, "qcy": 57},
            "qDimensionInfo": [{"qFallbackTitle": "Customer"}],
            "qMeasureInfo": [{"qFallbackTitle": "Sales"}]}}));
        let data = parse_pages(vec![json!({"qArea": {"qTop": 20}, "qMatrix": [
            [{"qText": "Ann"}, {"qText": "5"}], [{"qText": "Bo"}, {"qText": "7"}]]})]);
        let view = table(&id(ObjectKind::Table), &def, &layout, &data);
        assert_eq!(view.headers, ["Customer", "Sales"]);
        assert_eq!(view.numeric, [false, true]);
        assert_eq!(view.total_rows, 57);
        assert_eq!(view.first_row, 20);
        assert_eq!(view.rows[1], ["Bo", "7"]);
    }

    #[test]
    fn selections_bar() {
        let layout = parse_layout(
            json!({"qSelectionObject": {"qBackCount": 2, "qForwardCount": 0,
            "qSelections": [{"qField": "Region", "qSelected": "EMEA, APAC"}]}}),
        );
        let view = selections(&layout);
        assert!(view.can_back && !view.can_forward);
        assert_eq!(view.chips[0].summary, "EMEA, APAC");
    }

    #[test]
    fn unreadable_layouts_are_read_as_empty() {
        let layout = parse_layout(json!({"qHyperCube": {"qSize": {"qcy": "many"}}}));
        assert_eq!(layout, GenericObjectLayout::default());
    }
}
