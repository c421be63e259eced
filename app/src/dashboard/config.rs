//! What a dashboard page shows, as written in `[dashboard]` (the one-page
//! shorthand) or in each of `[[pages]]`.

use serde::{Deserialize, Serialize};

pub use super::pivot_def::PivotDef;

/// A dashboard page's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DashboardConfig {
    /// Where the page is served: `/` (the home page) or `/name` (in
    /// `[[pages]]`; `[dashboard]` is always at `/`).
    pub path: String,
    /// The Qlik app (its id) the dashboard reads.
    pub app_id: String,
    /// The page title.
    pub title: String,
    /// List boxes, one per field.
    pub filters: Vec<FilterDef>,
    /// Key figures.
    pub kpis: Vec<KpiDef>,
    /// Bar and line charts.
    pub charts: Vec<ChartDef>,
    /// Tables.
    pub tables: Vec<TableDef>,
    /// Pivot tables.
    pub pivots: Vec<PivotDef>,
    /// Master objects of the app, shown by their type (KPI, bar or line
    /// chart, table, list box).
    pub masters: Vec<MasterDef>,
    /// A sheet of the app (its id) whose cells the page draws on the
    /// sheet's grid.
    pub sheet: Option<String>,
    /// `"all"`: one page per sheet of the app (this one the first).
    pub sheets: Option<SheetsChoice>,
}

/// One of `[[pages]]`: where it is served, its app and title (required), and
/// its objects (each list empty unless given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageConfig {
    /// `/` (the home page) or `/name`.
    pub path: String,
    /// The Qlik app (its id) the page reads.
    pub app_id: String,
    /// The page title (also its link in the navigation); with `sheet`, the
    /// sheet's title when empty.
    #[serde(default)]
    pub title: String,
    /// List boxes, one per field.
    #[serde(default)]
    pub filters: Vec<FilterDef>,
    /// Key figures.
    #[serde(default)]
    pub kpis: Vec<KpiDef>,
    /// Bar and line charts.
    #[serde(default)]
    pub charts: Vec<ChartDef>,
    /// Tables.
    #[serde(default)]
    pub tables: Vec<TableDef>,
    /// Pivot tables.
    #[serde(default)]
    pub pivots: Vec<PivotDef>,
    /// Master objects of the app.
    #[serde(default)]
    pub masters: Vec<MasterDef>,
    /// A sheet of the app (its id) whose cells the page draws on the
    /// sheet's grid.
    #[serde(default)]
    pub sheet: Option<String>,
    /// `"all"`: one page per sheet of the app (this one the first).
    #[serde(default)]
    pub sheets: Option<SheetsChoice>,
}

/// Which sheets of its app a page stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SheetsChoice {
    /// Every sheet, in the app's order: the page shows the first, a page
    /// `<path>-<sheet id>` each of the others.
    All,
}

impl From<PageConfig> for DashboardConfig {
    fn from(page: PageConfig) -> Self {
        Self {
            path: page.path,
            app_id: page.app_id,
            title: page.title,
            filters: page.filters,
            kpis: page.kpis,
            charts: page.charts,
            tables: page.tables,
            pivots: page.pivots,
            masters: page.masters,
            sheet: page.sheet,
            sheets: page.sheets,
        }
    }
}

/// A master object of the app, by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MasterDef {
    /// The object's id in the app.
    pub id: String,
    /// Heading; the object's own title (or id) when absent.
    #[serde(default)]
    pub title: Option<String>,
}

/// A list box on a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterDef {
    /// Field name in the app.
    pub field: String,
    /// Heading; the field name when absent.
    #[serde(default)]
    pub label: Option<String>,
}

/// A key figure: one expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiDef {
    /// Label shown above the number.
    pub label: String,
    /// Qlik expression, e.g. `Sum(Sales)`.
    pub expression: String,
}

/// Kind of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Vertical bars, one per dimension value.
    Bar,
    /// A line over the dimension values in their order.
    Line,
}

impl ChartKind {
    /// Qlik's name of the visualization (`qInfo.qType` of the chart's
    /// session object; what `crates/charts` draws).
    pub fn visualization(self) -> &'static str {
        match self {
            ChartKind::Bar => "barchart",
            ChartKind::Line => "linechart",
        }
    }
}

/// A chart: one dimension, one measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartDef {
    /// Bar or line.
    pub kind: ChartKind,
    /// Heading.
    pub title: String,
    /// Dimension field.
    pub dimension: String,
    /// Measure expression.
    pub measure: String,
    /// Measure label (axis title).
    pub measure_label: String,
}

/// A measure column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureDef {
    /// Column heading.
    pub label: String,
    /// Qlik expression.
    pub expression: String,
}

/// A table: dimensions, then measures; paged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    /// Heading.
    pub title: String,
    /// Dimension fields.
    pub dimensions: Vec<String>,
    /// Measure columns.
    pub measures: Vec<MeasureDef>,
    /// Rows per page.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
}

/// Rows per table page unless configured.
pub fn default_page_size() -> u32 {
    20
}

impl Default for DashboardConfig {
    /// The dashboard of the simulator's sample sales app.
    fn default() -> Self {
        let measure = |label: &str, expression: &str| MeasureDef {
            label: label.into(),
            expression: expression.into(),
        };
        Self {
            path: "/".into(),
            app_id: "sample-sales".into(),
            title: "Sales overview".into(),
            filters: ["Region", "Category", "Year"]
                .into_iter()
                .map(|field| FilterDef {
                    field: field.into(),
                    label: None,
                })
                .collect(),
            kpis: vec![
                KpiDef {
                    label: "Sales".into(),
                    expression: "Sum(Sales)".into(),
                },
                KpiDef {
                    label: "Orders".into(),
                    expression: "Count(DISTINCT OrderID)".into(),
                },
                KpiDef {
                    label: "Margin".into(),
                    expression: "Sum(Sales) - Sum(Cost)".into(),
                },
            ],
            charts: vec![
                ChartDef {
                    kind: ChartKind::Bar,
                    title: "Sales by category".into(),
                    dimension: "Category".into(),
                    measure: "Sum(Sales)".into(),
                    measure_label: "Sales".into(),
                },
                ChartDef {
                    kind: ChartKind::Line,
                    title: "Sales by month".into(),
                    dimension: "Month".into(),
                    measure: "Sum(Sales)".into(),
                    measure_label: "Sales".into(),
                },
            ],
            tables: vec![TableDef {
                title: "Customers".into(),
                dimensions: vec!["Customer".into(), "Region".into()],
                measures: vec![
                    measure("Sales", "Sum(Sales)"),
                    measure("Orders", "Count(DISTINCT OrderID)"),
                ],
                page_size: default_page_size(),
            }],
            pivots: Vec::new(),
            masters: vec![MasterDef {
                id: "bar-region".into(),
                title: Some("Sales by region".into()),
            }],
            sheet: None,
            sheets: None,
        }
    }
}

impl FilterDef {
    /// The heading shown.
    pub fn heading(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.field)
    }
}
