//! The view of a master object drawn by `crates/charts`, or of its card.

use qlik::qix::layout::GenericObjectLayout;

use super::masters::DrawnDef;
use super::views::table;
use crate::dashboard::config::{TableDef, default_page_size};
use crate::dashboard::object_id::ObjectId;
use crate::dashboard::view_model::DrawnView;

/// The view of a master object: its chart's HTML when `charts::render`
/// drew it, else a card whose "Show data" lists the rows the layout holds.
pub fn drawn(
    id: &ObjectId,
    def: &DrawnDef,
    layout: &GenericObjectLayout,
    html: Option<String>,
) -> DrawnView {
    let data = match (&html, &layout.hyper_cube) {
        (None, Some(cube)) => {
            let def = TableDef {
                title: def.title.clone(),
                dimensions: Vec::new(),
                measures: Vec::new(),
                page_size: default_page_size(),
            };
            let pages = cube.data_pages.clone().unwrap_or_default();
            Some(table(id, &def, layout, &pages))
        }
        _ => None,
    };
    DrawnView {
        id: id.clone(),
        title: def.title.clone(),
        visualization: def.visualization.clone(),
        html,
        data,
        downloadable: layout.hyper_cube.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dashboard::mapping::parse_layout;

    #[test]
    fn a_card_lists_its_data_and_a_chart_does_not() {
        let layout = parse_layout(json!({"qHyperCube": {
            "qDimensionInfo": [{"qFallbackTitle": "Region"}],
            "qMeasureInfo": [{"qFallbackTitle": "Sales"}],
            "qSize": {"qcx": 2, "qcy": 1},
            "qDataPages": [{"qArea": {"qTop": 0, "qLeft": 0, "qWidth": 2, "qHeight": 1},
                "qMatrix": [[{"qText": "EMEA", "qElemNumber": 0},
                    {"qText": "1,234", "qNum": 1234.0, "qElemNumber": 0}]]}]}}));
        let def = DrawnDef {
            title: "Stores".into(),
            visualization: "map".into(),
        };
        let id = ObjectId::Master("m".into());
        let card = drawn(&id, &def, &layout, None);
        let data = card.data.expect("a card with a hypercube shows its data");
        assert_eq!(data.headers, ["Region", "Sales"]);
        assert_eq!(data.rows, [["EMEA", "1,234"]]);
        assert!(card.downloadable && card.html.is_none());
        let chart = drawn(&id, &def, &layout, Some("<figure></figure>".into()));
        assert!(chart.data.is_none() && chart.downloadable);
        let text = drawn(&id, &def, &parse_layout(json!({})), None);
        assert!(text.data.is_none() && !text.downloadable);
    }
}
