//! How an app master object is shown, decided from its layout.

use qlik::qix::layout::GenericObjectLayout;

use crate::dashboard::config::{
    ChartDef, ChartKind, FilterDef, KpiDef, MasterDef, TableDef, default_page_size,
};

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
pub fn master_view(master: &MasterDef, layout: &GenericObjectLayout) -> Option<MasterView> {
    let kind = layout
        .info
        .as_ref()
        .and_then(|i| i.r#type.as_deref())
        .unwrap_or_default();
    let title = master
        .title
        .clone()
        .or_else(|| layout.meta.as_ref().and_then(|m| m.title.clone()))
        .or_else(|| layout.title.clone())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| master.id.clone());
    if let Some(list) = &layout.list_object {
        let field = list
            .dimension_info
            .as_ref()
            .and_then(|d| d.fallback_title.clone())
            .unwrap_or_else(|| master.id.clone());
        return Some(MasterView::ListBox(FilterDef {
            field,
            label: Some(title),
        }));
    }
    let cube = layout.hyper_cube.as_ref()?;
    let dimensions = cube.dimension_info.as_ref().map_or(0, Vec::len);
    let measures = cube.measure_info.as_deref().unwrap_or_default();
    let measure_label = measures
        .first()
        .and_then(|m| m.fallback_title.clone())
        .unwrap_or_default();
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
        _ if dimensions == 0 && measures.len() == 1 => MasterView::Kpi(KpiDef {
            label: title,
            expression: String::new(),
        }),
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
pub fn master_table(master: &MasterDef, layout: &GenericObjectLayout) -> TableDef {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dashboard::mapping::parse_layout;

    #[test]
    fn master_objects_are_shown_by_type_then_by_shape() {
        let master = |title: Option<&str>| MasterDef {
            id: "m1".into(),
            title: title.map(str::to_owned),
        };
        let bar = parse_layout(
            json!({"qInfo": {"qType": "barchart"}, "qMeta": {"title": "Own title"},
            "qHyperCube": {"qDimensionInfo": [{}], "qMeasureInfo": [{"qFallbackTitle": "Sales"}]}}),
        );
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
        let kpi = parse_layout(json!({"qInfo": {"qType": "kpi"},
            "qHyperCube": {"qDimensionInfo": [], "qMeasureInfo": [{}]}}));
        assert!(matches!(
            master_view(&master(Some("Revenue")), &kpi),
            Some(MasterView::Kpi(KpiDef { ref label, .. })) if label == "Revenue"
        ));
        let pivot = parse_layout(json!({"qInfo": {"qType": "pivot-table"},
            "qHyperCube": {"qDimensionInfo": [{}, {}], "qMeasureInfo": [{}]}}));
        assert!(matches!(
            master_view(&master(None), &pivot),
            Some(MasterView::Table(_))
        ));
        let list = parse_layout(json!({"qInfo": {"qType": "listbox"},
            "qListObject": {"qDimensionInfo": {"qFallbackTitle": "Region"}}}));
        assert!(matches!(
            master_view(&master(None), &list),
            Some(MasterView::ListBox(FilterDef { ref field, .. })) if field == "Region"
        ));
        let text = parse_layout(json!({"qInfo": {"qType": "text"}, "title": "Note"}));
        assert_eq!(master_view(&master(None), &text), None);
    }
}
