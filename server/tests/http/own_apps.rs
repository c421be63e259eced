//! A folder of the company's own apps served by the embedded qlik-sim
//! (`qlik.embedded_apps`), shaped as `qlik app unbuild` writes them: master
//! objects whose layouts carry no data (`qInitialDataFetch: []`, or none at
//! all, as in real apps) are shown with the engine's data, fetched with
//! `GetHyperCubeData`: a scatter plot's points, a table's first page.

use std::path::Path;

use app::dashboard::config::{MasterDef, PageConfig};

use crate::support::TestServer;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// App `shop`: three shops' sales, a master scatter plot that fetches
/// nothing and a master table without an initial fetch.
fn shop_app(apps: &Path) {
    let dir = apps.join("shop");
    write(
        &dir.join("config.yml"),
        "script: script.qvs\nobjects: objects/*.json\napp-properties: app-properties.json\n",
    );
    write(&dir.join("app-properties.json"), r#"{"qTitle": "Shop"}"#);
    write(
        &dir.join("script.qvs"),
        "SET ThousandSep=',';\nSET DecimalSep='.';\n",
    );
    write(
        &dir.join("objects/masterobject-scatterplot-margin-mScatter.json"),
        r#"{"qInfo": {"qId": "mScatter", "qType": "masterobject"},
        "qMetaDef": {"title": "Sales and cost by shop"}, "visualization": "scatterplot",
        "qHyperCubeDef": {"qDimensions": [{"qDef": {"qFieldDefs": ["Shop"]}}],
            "qMeasures": [{"qDef": {"qDef": "Sum(Amount)", "qLabel": "Sales"}},
                          {"qDef": {"qDef": "Sum(Cost)", "qLabel": "Cost"}}],
            "qInitialDataFetch": []}}"#,
    );
    write(
        &dir.join("objects/masterobject-table-shops-mTable.json"),
        r#"{"qInfo": {"qId": "mTable", "qType": "masterobject"},
        "qMetaDef": {"title": "Shops"}, "visualization": "table",
        "qHyperCubeDef": {"qDimensions": [{"qDef": {"qFieldDefs": ["Shop"]}}],
            "qMeasures": [{"qDef": {"qDef": "Sum(Amount)", "qLabel": "Sales"}}]}}"#,
    );
    write(
        &dir.join("data/Sales.csv"),
        "Shop,Amount,Cost\nNorth,10,4\nSouth,20,9\nWest,5,1\nNorth,7,3\n",
    );
}

#[tokio::test]
async fn objects_whose_layout_holds_no_data_show_the_engines_data() {
    let apps = tempfile::tempdir().unwrap();
    shop_app(apps.path());
    let dir = apps.path().to_path_buf();
    let app = TestServer::start_with(move |config| {
        config.qlik.embedded_apps = Some(dir);
        config.pages = vec![PageConfig {
            path: "/".into(),
            app_id: "shop".into(),
            title: "Shops".into(),
            filters: Vec::new(),
            kpis: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
            pivots: Vec::new(),
            masters: ["mScatter", "mTable"]
                .map(|id| MasterDef {
                    id: id.into(),
                    title: None,
                })
                .into(),
            sheet: None,
            sheets: None,
        }];
    })
    .await;
    app.login("alice", "alice-password").await;
    let view = app.dashboard().await;
    // The scatter plot: one point per shop, each named with its values.
    let scatter = view["drawn"][0]["html"]
        .as_str()
        .expect("a drawn scatter plot");
    assert!(scatter.contains("qc-scatterplot"), "{scatter}");
    for shop in ["North", "South", "West"] {
        assert!(
            scatter.contains(&format!("aria-label=\"{shop}")),
            "{shop} is a point"
        );
    }
    assert!(!scatter.contains("No data to show"));
    // The table: its first page, the engine's sums.
    let table = &view["tables"][0];
    assert_eq!(table["rows"].as_array().map(Vec::len), Some(3), "{table}");
    let north = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row[0] == "North")
        .expect("North's row");
    assert_eq!(north[1], "17");
}
