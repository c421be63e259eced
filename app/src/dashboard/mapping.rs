//! Server side: the engine objects the dashboard needs, and how their Qlik
//! layouts become view models.

use serde_json::{Value, json};

use super::config::{
    ChartDef, ChartKind, DashboardConfig, FilterDef, KpiDef, MasterDef, TableDef, default_page_size,
};
use super::view_model::{
    ChartPoint, ChartView, KpiView, ListBoxView, ListValue, SelectionChip, SelectionsView,
    TableSort, TableView, ValueState,
};

/// Most values a list box shows.
pub const LIST_BOX_ROWS: u32 = 500;
/// Most points a chart shows.
pub const CHART_POINTS: u32 = 200;
/// Tables with at most this many rows can be sorted by any column.
pub const SORTABLE_ROWS: u32 = 5_000;
/// Most cells the engine returns in one page (Qlik's limit).
pub const MAX_PAGE_CELLS: u32 = 10_000;

/// Object id of the i-th list box, KPI, chart, table.
pub fn filter_id(i: usize) -> String {
    format!("filter-{i}")
}
/// Object id of the i-th KPI.
pub fn kpi_id(i: usize) -> String {
    format!("kpi-{i}")
}
/// Object id of the i-th chart.
pub fn chart_id(i: usize) -> String {
    format!("chart-{i}")
}
/// Object id of the i-th table.
pub fn table_id(i: usize) -> String {
    format!("table-{i}")
}

fn page(width: u32, height: u32) -> Value {
    json!([{"qTop": 0, "qLeft": 0, "qWidth": width, "qHeight": height}])
}

fn measure(label: &str, expression: &str) -> Value {
    json!({"qDef": {"qDef": expression, "qLabel": label}})
}

fn dimension(field: &str) -> Value {
    json!({"qDef": {"qFieldDefs": [field], "qSortCriterias": [
        {"qSortByNumeric": 1, "qSortByAscii": 1, "qSortByLoadOrder": 1}]}})
}

/// The generic-object properties of every dashboard object, with their ids.
pub fn object_properties(config: &DashboardConfig) -> Vec<(String, Value)> {
    let filters = config
        .filters
        .iter()
        .enumerate()
        .map(|(i, f)| (filter_id(i), list_box_properties(f)));
    let kpis = config
        .kpis
        .iter()
        .enumerate()
        .map(|(i, k)| (kpi_id(i), kpi_properties(k)));
    let charts = config
        .charts
        .iter()
        .enumerate()
        .map(|(i, c)| (chart_id(i), chart_properties(c)));
    let tables = config
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (table_id(i), table_properties(t)));
    filters.chain(kpis).chain(charts).chain(tables).collect()
}

/// A master object as the dashboard shows it, read from its layout.
#[derive(Debug, Clone, PartialEq)]
pub enum MasterView {
    /// A list box.
    ListBox(FilterDef),
    /// A key figure.
    Kpi(KpiDef),
    /// A bar or line chart.
    Chart(ChartDef),
    /// Any other hypercube, shown as a table.
    Table(TableDef),
}

/// Decides how to show a master object: by its `qInfo.qType`, else by shape.
/// `None` for objects without data (text, images).
pub fn master_view(master: &MasterDef, layout: &Value) -> Option<MasterView> {
    let kind = layout["qInfo"]["qType"].as_str().unwrap_or_default();
    let title = master
        .title
        .clone()
        .or_else(|| layout["qMeta"]["title"].as_str().map(str::to_owned))
        .or_else(|| layout["title"].as_str().map(str::to_owned))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| master.id.clone());
    if layout["qListObject"].is_object() {
        let field = layout["qListObject"]["qDimensionInfo"]["qFallbackTitle"]
            .as_str()
            .unwrap_or(&master.id)
            .to_owned();
        return Some(MasterView::ListBox(FilterDef {
            field,
            label: Some(title),
        }));
    }
    let cube = &layout["qHyperCube"];
    if !cube.is_object() {
        return None;
    }
    let count = |key: &str| cube[key].as_array().map_or(0, Vec::len);
    let measure_label = cube["qMeasureInfo"][0]["qFallbackTitle"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let chart = |kind| {
        MasterView::Chart(ChartDef {
            kind,
            title: title.clone(),
            dimension: String::new(),
            measure: String::new(),
            measure_label: measure_label.clone(),
        })
    };
    Some(match kind {
        "barchart" => chart(ChartKind::Bar),
        "linechart" => chart(ChartKind::Line),
        _ if count("qDimensionInfo") == 0 && count("qMeasureInfo") == 1 => {
            MasterView::Kpi(KpiDef {
                label: title,
                expression: String::new(),
            })
        }
        _ => MasterView::Table(TableDef {
            title,
            dimensions: Vec::new(),
            measures: Vec::new(),
            page_size: default_page_size(),
        }),
    })
}

/// How a master object's pages are fetched as a table: its own definition when
/// it is table-like, else its id as the title and the default page size.
pub fn master_table(master: &MasterDef, layout: &Value) -> TableDef {
    match master_view(master, layout) {
        Some(MasterView::Table(def)) => def,
        _ => TableDef {
            title: master.id.clone(),
            dimensions: Vec::new(),
            measures: Vec::new(),
            page_size: default_page_size(),
        },
    }
}

fn list_box_properties(filter: &FilterDef) -> Value {
    json!({
        "qInfo": {"qType": "listbox"},
        "qListObjectDef": {
            "qDef": {
                "qFieldDefs": [filter.field],
                "qFieldLabels": [filter.heading()],
                "qSortCriterias": [{"qSortByState": 1, "qSortByNumeric": 1, "qSortByAscii": 1}]
            },
            "qShowAlternatives": true,
            "qInitialDataFetch": page(1, LIST_BOX_ROWS)
        }
    })
}

fn kpi_properties(kpi: &KpiDef) -> Value {
    json!({
        "qInfo": {"qType": "kpi"},
        "qHyperCubeDef": {
            "qDimensions": [],
            "qMeasures": [measure(&kpi.label, &kpi.expression)],
            "qInitialDataFetch": page(1, 1)
        }
    })
}

fn chart_properties(chart: &ChartDef) -> Value {
    json!({
        "qInfo": {"qType": match chart.kind {
            ChartKind::Bar => "barchart",
            ChartKind::Line => "linechart",
        }},
        "qHyperCubeDef": {
            "qDimensions": [dimension(&chart.dimension)],
            "qMeasures": [measure(&chart.measure_label, &chart.measure)],
            "qInterColumnSortOrder": [0, 1],
            "qSuppressZero": false,
            "qInitialDataFetch": page(2, CHART_POINTS)
        }
    })
}

fn table_properties(table: &TableDef) -> Value {
    let dimensions: Vec<Value> = table.dimensions.iter().map(|d| dimension(d)).collect();
    let measures: Vec<Value> = table
        .measures
        .iter()
        .map(|m| measure(&m.label, &m.expression))
        .collect();
    let width = (dimensions.len() + measures.len()) as u32;
    json!({
        "qInfo": {"qType": "table"},
        "qHyperCubeDef": {
            "qDimensions": dimensions,
            "qMeasures": measures,
            "qInitialDataFetch": page(width, table.page_size)
        }
    })
}

fn matrix(data_pages: &Value) -> &[Value] {
    data_pages[0]["qMatrix"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn text(cell: &Value) -> String {
    cell["qText"].as_str().unwrap_or_default().to_owned()
}

fn number(cell: &Value) -> Option<f64> {
    cell["qNum"].as_f64().filter(|n| n.is_finite())
}

fn as_u32(value: &Value) -> u32 {
    value.as_u64().unwrap_or_default().min(u64::from(u32::MAX)) as u32
}

/// A list box from its layout.
pub fn list_box(id: &str, filter: &FilterDef, layout: &Value) -> ListBoxView {
    let list = &layout["qListObject"];
    let values = matrix(&list["qDataPages"])
        .iter()
        .filter_map(|row| row.get(0))
        .map(|cell| ListValue {
            text: text(cell),
            elem: cell["qElemNumber"].as_i64().unwrap_or(-2),
            state: ValueState::from_letter(cell["qState"].as_str().unwrap_or("O")),
        })
        .collect();
    ListBoxView {
        id: id.to_owned(),
        heading: filter.heading().to_owned(),
        values,
        selected: as_u32(&list["qDimensionInfo"]["qStateCounts"]["qSelected"]),
        total: as_u32(&list["qDimensionInfo"]["qCardinal"]),
    }
}

/// The engine's error on a hypercube or its first measure, if any.
fn cube_error(cube: &Value) -> Option<String> {
    let error = if cube["qError"].is_object() {
        &cube["qError"]
    } else {
        &cube["qMeasureInfo"][0]["qError"]
    };
    error["qErrorCode"]
        .as_i64()
        .map(|code| format!("The figure cannot be calculated (Qlik error {code})."))
}

/// A KPI from its layout: the engine's formatted text, or a dash.
pub fn kpi(id: &str, def: &KpiDef, layout: &Value) -> KpiView {
    let cube = &layout["qHyperCube"];
    let value = if cube_error(cube).is_some() {
        None
    } else {
        matrix(&cube["qDataPages"])
            .first()
            .and_then(|row| row.get(0))
            .map(text)
            .filter(|t| !t.is_empty())
    };
    KpiView {
        id: id.to_owned(),
        label: def.label.clone(),
        text: value.unwrap_or_else(|| "–".to_owned()),
    }
}

/// A chart from its layout.
pub fn chart(id: &str, def: &ChartDef, layout: &Value) -> ChartView {
    let cube = &layout["qHyperCube"];
    let points = matrix(&cube["qDataPages"])
        .iter()
        .filter_map(|row| {
            let (dim, value) = (row.get(0)?, row.get(1)?);
            Some(ChartPoint {
                label: text(dim),
                value: number(value).unwrap_or(0.0),
                text: text(value),
            })
        })
        .collect();
    ChartView {
        id: id.to_owned(),
        title: def.title.clone(),
        kind: def.kind,
        measure_label: def.measure_label.clone(),
        points,
        error: cube_error(cube),
    }
}

/// A table page from the layout (headers, total) and the page's data.
pub fn table(id: &str, def: &TableDef, layout: &Value, data_pages: &Value) -> TableView {
    let cube = &layout["qHyperCube"];
    let titles = |key: &str| -> Vec<String> {
        cube[key]
            .as_array()
            .map(|infos| {
                infos
                    .iter()
                    .map(|i| i["qFallbackTitle"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let dimension_titles = titles("qDimensionInfo");
    let measure_titles = titles("qMeasureInfo");
    let numeric = std::iter::repeat_n(false, dimension_titles.len())
        .chain(std::iter::repeat_n(true, measure_titles.len()))
        .collect();
    let rows = matrix(data_pages)
        .iter()
        .map(|row| {
            row.as_array()
                .map(|cells| cells.iter().map(text).collect())
                .unwrap_or_default()
        })
        .collect();
    let total_rows = as_u32(&cube["qSize"]["qcy"]);
    TableView {
        id: id.to_owned(),
        title: def.title.clone(),
        headers: dimension_titles.into_iter().chain(measure_titles).collect(),
        numeric,
        rows,
        total_rows,
        first_row: as_u32(&data_pages[0]["qArea"]["qTop"]),
        page_size: def.page_size,
        sort: None,
        sortable: total_rows <= SORTABLE_ROWS,
    }
}

/// Sorts whole hypercube rows by one column: measures by number (missing
/// values last), dimensions by number when both are numbers, else by text.
pub fn sort_rows(rows: &mut [Value], sort: TableSort, measure_column: bool) {
    use std::cmp::Ordering;
    let key = |row: &Value| -> (Option<f64>, String) {
        let cell = &row[sort.column];
        (number(cell), text(cell).to_lowercase())
    };
    rows.sort_by(|a, b| {
        let ((na, ta), (nb, tb)) = (key(a), key(b));
        let ordering = match (na, nb) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            (Some(_), None) if measure_column => Ordering::Greater,
            (None, Some(_)) if measure_column => Ordering::Less,
            _ => ta.cmp(&tb),
        };
        if sort.descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
}

/// The engine pages that together hold every row of a `width`-column cube.
pub fn whole_cube_pages(width: u32, total_rows: u32) -> Vec<qlik::qix::NxPage> {
    let width = width.max(1);
    let height = (MAX_PAGE_CELLS / width).max(1);
    (0..total_rows)
        .step_by(height as usize)
        .map(|top| qlik::qix::NxPage {
            left: 0,
            top,
            width,
            height: height.min(total_rows - top),
        })
        .collect()
}

/// The current-selections bar from the selections object's layout.
pub fn selections(layout: &Value) -> SelectionsView {
    let object = &layout["qSelectionObject"];
    let chips = object["qSelections"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| SelectionChip {
                    field: item["qField"].as_str().unwrap_or_default().to_owned(),
                    summary: item["qSelected"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    SelectionsView {
        chips,
        can_back: object["qBackCount"].as_u64().unwrap_or(0) > 0,
        can_forward: object["qForwardCount"].as_u64().unwrap_or(0) > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_box_values_keep_their_states() {
        let filter = FilterDef {
            field: "Region".into(),
            label: None,
        };
        let layout = json!({"qListObject": {
        "qDimensionInfo": {"qCardinal": 3, "qStateCounts": {"qSelected": 1}},
        "qDataPages": [{"qMatrix": [
            [{"qText": "EMEA", "qNum": "NaN", "qElemNumber": 1, "qState": "S"}],
            [{"qText": "APAC", "qNum": "NaN", "qElemNumber": 0, "qState": "A"}],
            [{"qText": "LATAM", "qNum": "NaN", "qElemNumber": 2, "qState": "X"}]
        ]}]}});
        let view = list_box("filter-0", &filter, &layout);
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
        let ok = json!({"qHyperCube": {"qDataPages": [{"qMatrix": [[
            {"qText": "1234.5", "qNum": 1234.5}]]}]}});
        assert_eq!(kpi("k", &def, &ok).text, "1234.5");
        let bad = json!({"qHyperCube": {"qMeasureInfo": [{"qError": {"qErrorCode": 4}}],
            "qDataPages": [{"qMatrix": []}]}});
        assert_eq!(kpi("k", &def, &bad).text, "–");
    }

    #[test]
    fn charts_read_points_and_treat_nan_as_zero() {
        let def = ChartDef {
            kind: ChartKind::Bar,
            title: "t".into(),
            dimension: "Region".into(),
            measure: "Sum(Sales)".into(),
            measure_label: "Sales".into(),
        };
        let layout = json!({"qHyperCube": {"qDataPages": [{"qMatrix": [
            [{"qText": "EMEA"}, {"qText": "10", "qNum": 10}],
            [{"qText": "APAC"}, {"qText": "-", "qNum": "NaN"}]]}]}});
        let view = chart("c", &def, &layout);
        assert_eq!(view.points.len(), 2);
        assert_eq!(view.points[0].value, 10.0);
        assert_eq!(view.points[1].value, 0.0);
        assert!(view.error.is_none());
    }

    #[test]
    fn tables_page_and_mark_numeric_columns() {
        let def = TableDef {
            title: "Customers".into(),
            dimensions: vec!["Customer".into()],
            measures: vec![],
            page_size: 2,
        };
        let layout = json!({"qHyperCube": {"qSize": {"qcx": 2, "qcy": 57},
            "qDimensionInfo": [{"qFallbackTitle": "Customer"}],
            "qMeasureInfo": [{"qFallbackTitle": "Sales"}]}});
        let data = json!([{"qArea": {"qTop": 20}, "qMatrix": [
            [{"qText": "Ann"}, {"qText": "5"}], [{"qText": "Bo"}, {"qText": "7"}]]}]);
        let view = table("t", &def, &layout, &data);
        assert_eq!(view.headers, ["Customer", "Sales"]);
        assert_eq!(view.numeric, [false, true]);
        assert_eq!(view.total_rows, 57);
        assert_eq!(view.first_row, 20);
        assert_eq!(view.rows[1], ["Bo", "7"]);
    }

    #[test]
    fn sorting_puts_numbers_in_order_and_missing_measures_last() {
        let mut rows = vec![
            json!([{"qText": "b"}, {"qText": "10", "qNum": 10}]),
            json!([{"qText": "a"}, {"qText": "-", "qNum": "NaN"}]),
            json!([{"qText": "C"}, {"qText": "9", "qNum": 9}]),
        ];
        let by = |column, descending| TableSort { column, descending };
        sort_rows(&mut rows, by(1, false), true);
        let texts = |rows: &[Value]| rows.iter().map(|r| text(&r[0])).collect::<Vec<_>>();
        assert_eq!(texts(&rows), ["a", "C", "b"]);
        sort_rows(&mut rows, by(1, true), true);
        assert_eq!(texts(&rows), ["b", "C", "a"]);
        sort_rows(&mut rows, by(0, false), false);
        assert_eq!(texts(&rows), ["a", "b", "C"]);
    }

    #[test]
    fn whole_cubes_are_fetched_within_the_cell_limit() {
        let pages = whole_cube_pages(4, 5_001);
        assert_eq!(pages.len(), 3);
        assert!(pages.iter().all(|p| p.width * p.height <= MAX_PAGE_CELLS));
        assert_eq!(pages.iter().map(|p| p.height).sum::<u32>(), 5_001);
        assert_eq!(pages[2].top, 5_000);
        assert!(whole_cube_pages(3, 0).is_empty());
    }

    #[test]
    fn master_objects_are_shown_by_type_then_by_shape() {
        let master = |title: Option<&str>| MasterDef {
            id: "m1".into(),
            title: title.map(str::to_owned),
        };
        let bar = json!({"qInfo": {"qType": "barchart"}, "qMeta": {"title": "Own title"},
            "qHyperCube": {"qDimensionInfo": [{}], "qMeasureInfo": [{"qFallbackTitle": "Sales"}]}});
        match master_view(&master(None), &bar) {
            Some(MasterView::Chart(def)) => {
                assert_eq!(
                    (def.kind, def.title.as_str()),
                    (ChartKind::Bar, "Own title")
                );
                assert_eq!(def.measure_label, "Sales");
            }
            other => panic!("expected a bar chart, got {other:?}"),
        }
        let kpi = json!({"qInfo": {"qType": "kpi"},
            "qHyperCube": {"qDimensionInfo": [], "qMeasureInfo": [{}]}});
        assert!(matches!(
            master_view(&master(Some("Revenue")), &kpi),
            Some(MasterView::Kpi(KpiDef { ref label, .. })) if label == "Revenue"
        ));
        let pivot = json!({"qInfo": {"qType": "pivot-table"},
            "qHyperCube": {"qDimensionInfo": [{}, {}], "qMeasureInfo": [{}]}});
        assert!(matches!(
            master_view(&master(None), &pivot),
            Some(MasterView::Table(_))
        ));
        let list = json!({"qInfo": {"qType": "listbox"},
            "qListObject": {"qDimensionInfo": {"qFallbackTitle": "Region"}}});
        assert!(matches!(
            master_view(&master(None), &list),
            Some(MasterView::ListBox(FilterDef { ref field, .. })) if field == "Region"
        ));
        assert_eq!(
            master_view(&master(None), &json!({"qInfo": {"qType": "text"}})),
            None
        );
    }

    #[test]
    fn selections_bar() {
        let layout = json!({"qSelectionObject": {"qBackCount": 2, "qForwardCount": 0,
            "qSelections": [{"qField": "Region", "qSelected": "EMEA, APAC"}]}});
        let view = selections(&layout);
        assert!(view.can_back && !view.can_forward);
        assert_eq!(view.chips[0].summary, "EMEA, APAC");
    }

    #[test]
    fn every_object_gets_a_stable_id_and_alternatives_are_shown() {
        let objects = object_properties(&DashboardConfig::default());
        let ids: Vec<&str> = objects.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "filter-0", "filter-1", "filter-2", "kpi-0", "kpi-1", "kpi-2", "chart-0",
                "chart-1", "table-0"
            ]
        );
        assert_eq!(objects[0].1["qListObjectDef"]["qShowAlternatives"], true);
        assert_eq!(
            objects[8].1["qHyperCubeDef"]["qInitialDataFetch"][0]["qWidth"],
            4
        );
    }
}
