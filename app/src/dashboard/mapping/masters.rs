//! How an app master object is shown, decided from its layout: by its
//! `visualization` property (a master visualization's `qInfo.qType` is
//! `"masterobject"`, and a linked object's — `qExtendsId` — is its own), and
//! by `qInfo.qType` only when there is no `visualization`
//! (docs/qlik-protocol.md, "Master objects").

use serde_json::Value;

use super::views::parse_layout;
use crate::dashboard::config::{FilterDef, MasterDef, TableDef, default_page_size};

/// The `visualization` values `charts::render` draws (`text-image`: its
/// text and measure values).
pub const DRAWN_TYPES: [&str; 9] = [
    "barchart",
    "linechart",
    "combochart",
    "piechart",
    "scatterplot",
    "treemap",
    "kpi",
    "gauge",
    "text-image",
];

/// Types shown as a table of their hypercube (pivot tables whose hypercube
/// is not in pivot mode too).
const TABLE_TYPES: [&str; 4] = ["table", "sn-table", "pivot-table", "sn-pivot-table"];

/// Types shown as a pivot table when their hypercube is in pivot mode.
const PIVOT_TYPES: [&str; 2] = ["pivot-table", "sn-pivot-table"];

/// A master object drawn by `crates/charts`, or shown as a card.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnDef {
    /// Heading.
    pub title: String,
    /// What the object is (`visualization`, else `qInfo.qType`).
    pub visualization: String,
}

/// A master object as the dashboard shows it, read from its layout.
#[derive(Debug, Clone, PartialEq)]
pub enum MasterView {
    /// A list box.
    ListBox(FilterDef),
    /// A chart drawn on the server by `crates/charts`.
    Drawn(DrawnDef),
    /// A table of its hypercube.
    Table(TableDef),
    /// A pivot table (its hypercube in pivot mode).
    Pivot(DrawnDef),
    /// Anything else: a card with its title and type (and its data, when it
    /// has a hypercube).
    Card(DrawnDef),
}

/// What a layout is: its `visualization`, else its `qInfo.qType` (empty when
/// it has neither).
pub fn visualization(layout: &Value) -> &str {
    layout
        .get("visualization")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .or_else(|| layout.pointer("/qInfo/qType").and_then(Value::as_str))
        .unwrap_or_default()
}

/// Decides how to show a master object from its layout (as the engine sent
/// it). Every object is shown somehow: what is not drawn is a card.
pub fn master_view(master: &MasterDef, raw: &Value) -> MasterView {
    let kind = visualization(raw).to_owned();
    let layout = parse_layout(raw.clone());
    let title = master
        .title
        .clone()
        .or_else(|| layout.meta.as_ref().and_then(|m| m.title.clone()))
        .or_else(|| layout.title.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| untitled(&layout))
        .unwrap_or_else(|| master.id.clone());
    if let Some(list) = &layout.list_object
        && matches!(kind.as_str(), "listbox" | "filterpane" | "")
    {
        let field = list
            .dimension_info
            .as_ref()
            .and_then(|d| d.fallback_title.clone())
            .unwrap_or_else(|| master.id.clone());
        return MasterView::ListBox(FilterDef {
            field,
            label: Some(title),
        });
    }
    let def = DrawnDef {
        title: title.clone(),
        visualization: kind,
    };
    if DRAWN_TYPES.contains(&def.visualization.as_str()) {
        return MasterView::Drawn(def);
    }
    if PIVOT_TYPES.contains(&def.visualization.as_str()) && super::pivot::is_pivot(&layout) {
        return MasterView::Pivot(def);
    }
    if TABLE_TYPES.contains(&def.visualization.as_str()) && layout.hyper_cube.is_some() {
        return MasterView::Table(TableDef {
            title,
            dimensions: Vec::new(),
            measures: Vec::new(),
            page_size: default_page_size(),
        });
    }
    MasterView::Card(def)
}

/// A heading for an object its author left untitled (Qlik then shows
/// none; a page needs one): its measures by its dimensions, as their
/// titles read ("Budget $, Actual Amount by Sales Rep"), else its field.
fn untitled(layout: &qlik::qix::layout::GenericObjectLayout) -> Option<String> {
    let titles = |infos: Vec<Option<String>>| {
        infos
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(cube) = &layout.hyper_cube {
        let dimensions = titles(
            cube.dimension_info
                .iter()
                .flatten()
                .map(|d| d.fallback_title.clone())
                .collect(),
        );
        let measures = titles(
            cube.measure_info
                .iter()
                .flatten()
                .map(|m| m.fallback_title.clone())
                .collect(),
        );
        return match (measures.is_empty(), dimensions.is_empty()) {
            (false, false) => Some(format!("{measures} by {dimensions}")),
            (false, true) => Some(measures),
            (true, false) => Some(dimensions),
            (true, true) => None,
        };
    }
    layout
        .list_object
        .as_ref()
        .and_then(|l| l.dimension_info.as_ref())
        .and_then(|d| d.fallback_title.clone())
}

/// How a master object's pages are fetched as a table: its own definition when
/// it is table-like, else its title and the default page size.
pub fn master_table(master: &MasterDef, raw: &Value) -> TableDef {
    match master_view(master, raw) {
        MasterView::Table(def) => def,
        MasterView::Drawn(def) | MasterView::Card(def) | MasterView::Pivot(def) => TableDef {
            title: def.title,
            dimensions: Vec::new(),
            measures: Vec::new(),
            page_size: default_page_size(),
        },
        MasterView::ListBox(_) => TableDef {
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

    fn master(title: Option<&str>) -> MasterDef {
        MasterDef {
            id: "m1".into(),
            title: title.map(str::to_owned),
        }
    }

    fn drawn(view: MasterView) -> DrawnDef {
        match view {
            MasterView::Drawn(def) => def,
            other => panic!("expected a drawn chart, got {other:?}"),
        }
    }

    #[test]
    fn master_visualizations_are_drawn_by_their_visualization() {
        // Real Qlik: every master visualization has qType "masterobject".
        let pie = json!({"qInfo": {"qId": "m1", "qType": "masterobject"},
            "visualization": "piechart", "qMeta": {"title": "Own title"},
            "qHyperCube": {"qDimensionInfo": [{}], "qMeasureInfo": [{}]}});
        let def = drawn(master_view(&master(None), &pie));
        assert_eq!(
            (def.title.as_str(), def.visualization.as_str()),
            ("Own title", "piechart")
        );
        let table = json!({"qInfo": {"qType": "masterobject"}, "visualization": "sn-table",
            "qHyperCube": {"qDimensionInfo": [{}], "qMeasureInfo": [{}]}});
        assert!(matches!(
            master_view(&master(None), &table),
            MasterView::Table(_)
        ));
    }

    #[test]
    fn linked_objects_are_drawn_by_their_visualization() {
        let linked = json!({"qInfo": {"qId": "x", "qType": "combochart"},
            "qExtendsId": "master-1", "visualization": "gauge",
            "qHyperCube": {"qDimensionInfo": [], "qMeasureInfo": [{}]}});
        assert_eq!(
            drawn(master_view(&master(Some("Gauge")), &linked)).visualization,
            "gauge"
        );
    }

    #[test]
    fn without_visualization_the_type_decides() {
        let bar = json!({"qInfo": {"qType": "barchart"},
            "qHyperCube": {"qDimensionInfo": [{}], "qMeasureInfo": [{}]}});
        assert_eq!(
            drawn(master_view(&master(None), &bar)).visualization,
            "barchart"
        );
        let pivot = json!({"qInfo": {"qType": "pivot-table"},
            "qHyperCube": {"qDimensionInfo": [{}, {}], "qMeasureInfo": [{}]}});
        assert!(matches!(
            master_view(&master(None), &pivot),
            MasterView::Table(_)
        ));
        let pivot_mode = json!({"qInfo": {"qType": "masterobject"}, "visualization": "sn-pivot-table",
            "qHyperCube": {"qMode": "P", "qDimensionInfo": [{}, {}], "qMeasureInfo": [{}]}});
        assert!(matches!(
            master_view(&master(None), &pivot_mode),
            MasterView::Pivot(DrawnDef { ref visualization, .. }) if visualization == "sn-pivot-table"
        ));
        // A linked pivot (a sheet's cell) is shown by its master's visualization.
        let linked = json!({"qInfo": {"qId": "cell", "qType": "pivot-table"}, "qExtendsId": "pivot-sales",
            "visualization": "pivot-table", "qHyperCube": {"qMode": "P"}});
        assert!(matches!(
            master_view(&master(None), &linked),
            MasterView::Pivot(_)
        ));
        let list = json!({"qInfo": {"qType": "listbox"},
            "qListObject": {"qDimensionInfo": {"qFallbackTitle": "Region"}}});
        assert!(matches!(
            master_view(&master(None), &list),
            MasterView::ListBox(FilterDef { ref field, .. }) if field == "Region"
        ));
    }

    #[test]
    fn anything_else_is_a_card_with_title_and_type() {
        let map = json!({"qInfo": {"qType": "masterobject"}, "visualization": "map",
            "title": "Stores"});
        assert_eq!(
            master_view(&master(None), &map),
            MasterView::Card(DrawnDef {
                title: "Stores".into(),
                visualization: "map".into()
            })
        );
        let text = json!({"qInfo": {"qType": "text"}});
        assert!(matches!(
            master_view(&master(None), &text),
            MasterView::Card(DrawnDef { ref title, ref visualization })
                if title == "m1" && visualization == "text"
        ));
        // Untitled: its measures by its dimensions.
        let pivot = json!({"qInfo": {"qId": "LXAaTP", "qType": "pivot-table"}, "title": "",
            "qHyperCube": {"qDimensionInfo": [{"qFallbackTitle": "Sales Rep"}, {"qFallbackTitle": "Product"}],
                "qMeasureInfo": [{"qFallbackTitle": "Budget $"}, {"qFallbackTitle": "Actual"}]}});
        assert_eq!(
            master_table(&master(None), &pivot).title,
            "Budget $, Actual by Sales Rep, Product"
        );
        // A table type without a hypercube has nothing to list: a card.
        let empty = json!({"visualization": "table"});
        assert!(matches!(
            master_view(&master(None), &empty),
            MasterView::Card(_)
        ));
    }
}
