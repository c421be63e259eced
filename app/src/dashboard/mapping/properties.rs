//! The generic-object properties of every configured dashboard object.

use qlik::qix::layout::{
    GenericObjectProperties, HyperCubeDef, ListObjectDef, NxDimension, NxInfo,
    NxInlineDimensionDef, NxInlineMeasureDef, NxMeasure, NxPage, SortCriteria,
};

use super::{CHART_POINTS, LIST_BOX_ROWS};
use crate::dashboard::config::{ChartDef, DashboardConfig, FilterDef, KpiDef, TableDef};
use crate::dashboard::object_id::{ObjectId, ObjectKind};

/// Every configured object with its id and properties, in dashboard order.
pub fn dashboard_objects(config: &DashboardConfig) -> Vec<(ObjectId, GenericObjectProperties)> {
    fn ids<'a, T: 'a>(
        kind: ObjectKind,
        defs: &'a [T],
        properties: fn(&T) -> GenericObjectProperties,
    ) -> impl Iterator<Item = (ObjectId, GenericObjectProperties)> + 'a {
        defs.iter()
            .enumerate()
            .map(move |(i, def)| (ObjectId::configured(kind, i), properties(def)))
    }
    ids(ObjectKind::Filter, &config.filters, list_box_properties)
        .chain(ids(ObjectKind::Kpi, &config.kpis, kpi_properties))
        .chain(ids(ObjectKind::Chart, &config.charts, chart_properties))
        .chain(ids(ObjectKind::Table, &config.tables, table_properties))
        .chain(ids(
            ObjectKind::Pivot,
            &config.pivots,
            super::pivot::pivot_properties,
        ))
        .collect()
}

pub(super) fn info(kind: &str) -> Option<NxInfo> {
    Some(NxInfo {
        r#type: Some(kind.to_owned()),
        ..NxInfo::default()
    })
}

fn page(width: usize, height: u32) -> Option<Vec<NxPage>> {
    let int = |n: u64| Some(i32::try_from(n).unwrap_or(i32::MAX));
    Some(vec![NxPage {
        top: Some(0),
        left: Some(0),
        width: int(width as u64),
        height: int(u64::from(height)),
    }])
}

pub(super) fn measure(label: &str, expression: &str) -> NxMeasure {
    NxMeasure {
        def: Some(NxInlineMeasureDef {
            def: Some(expression.to_owned()),
            label: Some(label.to_owned()),
            ..NxInlineMeasureDef::default()
        }),
        ..NxMeasure::default()
    }
}

pub(super) fn dimension(field: &str) -> NxDimension {
    NxDimension {
        def: Some(NxInlineDimensionDef {
            field_defs: Some(vec![field.to_owned()]),
            sort_criterias: Some(vec![SortCriteria {
                sort_by_numeric: Some(1),
                sort_by_ascii: Some(1),
                sort_by_load_order: Some(1),
                ..SortCriteria::default()
            }]),
            ..NxInlineDimensionDef::default()
        }),
        ..NxDimension::default()
    }
}

fn list_box_properties(filter: &FilterDef) -> GenericObjectProperties {
    GenericObjectProperties {
        info: info("listbox"),
        list_object_def: Some(ListObjectDef {
            def: Some(NxInlineDimensionDef {
                field_defs: Some(vec![filter.field.clone()]),
                field_labels: Some(vec![filter.heading().to_owned()]),
                sort_criterias: Some(vec![SortCriteria {
                    sort_by_state: Some(1),
                    sort_by_numeric: Some(1),
                    sort_by_ascii: Some(1),
                    ..SortCriteria::default()
                }]),
                ..NxInlineDimensionDef::default()
            }),
            show_alternatives: Some(true),
            initial_data_fetch: page(1, LIST_BOX_ROWS),
            ..ListObjectDef::default()
        }),
        ..GenericObjectProperties::default()
    }
}

fn kpi_properties(kpi: &KpiDef) -> GenericObjectProperties {
    GenericObjectProperties {
        info: info("kpi"),
        hyper_cube_def: Some(HyperCubeDef {
            dimensions: Some(Vec::new()),
            measures: Some(vec![measure(&kpi.label, &kpi.expression)]),
            initial_data_fetch: page(1, 1),
            ..HyperCubeDef::default()
        }),
        ..GenericObjectProperties::default()
    }
}

fn chart_properties(chart: &ChartDef) -> GenericObjectProperties {
    GenericObjectProperties {
        info: info(chart.kind.visualization()),
        hyper_cube_def: Some(HyperCubeDef {
            dimensions: Some(vec![dimension(&chart.dimension)]),
            measures: Some(vec![measure(&chart.measure_label, &chart.measure)]),
            inter_column_sort_order: Some(vec![0, 1]),
            suppress_zero: Some(false),
            initial_data_fetch: page(2, CHART_POINTS),
            ..HyperCubeDef::default()
        }),
        ..GenericObjectProperties::default()
    }
}

fn table_properties(table: &TableDef) -> GenericObjectProperties {
    let dimensions: Vec<NxDimension> = table.dimensions.iter().map(|d| dimension(d)).collect();
    let measures: Vec<NxMeasure> = table
        .measures
        .iter()
        .map(|m| measure(&m.label, &m.expression))
        .collect();
    let width = dimensions.len() + measures.len();
    GenericObjectProperties {
        info: info("table"),
        hyper_cube_def: Some(HyperCubeDef {
            dimensions: Some(dimensions),
            measures: Some(measures),
            initial_data_fetch: page(width, table.page_size),
            ..HyperCubeDef::default()
        }),
        ..GenericObjectProperties::default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_object_gets_a_stable_id_and_alternatives_are_shown() {
        let objects = dashboard_objects(&DashboardConfig::default());
        let ids: Vec<String> = objects.iter().map(|(id, _)| id.to_string()).collect();
        assert_eq!(
            ids,
            [
                "filter-0", "filter-1", "filter-2", "kpi-0", "kpi-1", "kpi-2", "chart-0",
                "chart-1", "table-0"
            ]
        );
        let list = objects[0].1.list_object_def.clone().unwrap_or_default();
        assert_eq!(list.show_alternatives, Some(true));
        let table = objects[8].1.hyper_cube_def.clone().unwrap_or_default();
        let first_page = table.initial_data_fetch.unwrap_or_default();
        assert_eq!(first_page[0].width, Some(4));
    }

    #[test]
    fn the_engine_gets_exactly_these_properties() {
        // As the hub takes them: properties as JSON.
        let objects: Vec<(String, serde_json::Value)> =
            dashboard_objects(&DashboardConfig::default())
                .into_iter()
                .map(|(id, p)| (id.to_string(), serde_json::to_value(p).unwrap()))
                .collect();
        let sort = json!([{"qSortByNumeric": 1, "qSortByAscii": 1, "qSortByLoadOrder": 1}]);
        let page = |w: u32, h: u32| json!([{"qTop": 0, "qLeft": 0, "qWidth": w, "qHeight": h}]);
        assert_eq!(
            objects[0].1,
            json!({"qInfo": {"qType": "listbox"}, "qListObjectDef": {
                "qDef": {"qFieldDefs": ["Region"], "qFieldLabels": ["Region"],
                    "qSortCriterias": [{"qSortByState": 1, "qSortByNumeric": 1, "qSortByAscii": 1}]},
                "qShowAlternatives": true, "qInitialDataFetch": page(1, 500)}})
        );
        assert_eq!(
            objects[3].1,
            json!({"qInfo": {"qType": "kpi"}, "qHyperCubeDef": {"qDimensions": [],
                "qMeasures": [{"qDef": {"qDef": "Sum(Sales)", "qLabel": "Sales"}}],
                "qInitialDataFetch": page(1, 1)}})
        );
        assert_eq!(
            objects[6].1,
            json!({"qInfo": {"qType": "barchart"}, "qHyperCubeDef": {
                "qDimensions": [{"qDef": {"qFieldDefs": ["Category"], "qSortCriterias": sort}}],
                "qMeasures": [{"qDef": {"qDef": "Sum(Sales)", "qLabel": "Sales"}}],
                "qInterColumnSortOrder": [0, 1], "qSuppressZero": false,
                "qInitialDataFetch": page(2, 200)}})
        );
        let measure = |label: &str, def: &str| json!({"qDef": {"qDef": def, "qLabel": label}});
        assert_eq!(
            objects[8].1,
            json!({"qInfo": {"qType": "table"}, "qHyperCubeDef": {
                "qDimensions": [{"qDef": {"qFieldDefs": ["Customer"], "qSortCriterias": sort}},
                    {"qDef": {"qFieldDefs": ["Region"], "qSortCriterias": sort}}],
                "qMeasures": [measure("Sales", "Sum(Sales)"),
                    measure("Orders", "Count(DISTINCT OrderID)")],
                "qInitialDataFetch": page(4, 20)}})
        );
    }
}
