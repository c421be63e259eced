//! Downloads of a page's tables and charts (server side): every row under the
//! user's current selections, fetched from the engine in pages of at most
//! 10,000 cells and written out page by page, so memory does not grow with
//! the row count.
//!
//! - [`cells`]: what a cell is written as (number or text), and the CSV
//!   injection defence;
//! - [`csv`]: UTF-8 CSV with a BOM (Excel opens it as UTF-8);
//! - [`xlsx`]: Excel files through `rust_xlsxwriter`, in constant memory;
//! - [`file_name`]: a safe `Content-Disposition` from the object's title;
//! - [`pivot`]: pivot tables as rows (flat for CSV, as displayed for Excel).

pub mod cells;
pub mod csv;
pub mod file_name;
pub mod pivot;
pub mod xlsx;

use std::sync::Arc;

use qlik::qix::NxPage;
use qlik::qix::layout::{GenericObjectLayout, NxCellRows};
use store::BrowserSession;

use super::mapping::{self, MasterView};
use super::object_id::{ObjectId, ObjectKind};
use crate::error::AppError;
use crate::server::{AppContext, sessions};

/// A download's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values, UTF-8 with a BOM.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// The format of a file extension (`csv`, `xlsx`).
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    /// The `Content-Type` of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// One table or chart to download: its title and columns, and where its rows
/// come from.
pub struct Export {
    /// The object's title (the file is named after it).
    pub title: String,
    /// Column headings: dimensions, then measures.
    pub headers: Vec<String>,
    /// How many of the columns are dimensions.
    pub dimensions: usize,
    /// How many rows the file holds.
    pub rows: u32,
    source: Source,
}

/// Where an export's rows come from.
enum Source {
    /// A straight hypercube.
    Cube(PageSource),
    /// A pivot table, as expanded.
    Pivot(pivot::PivotSource),
}

impl Export {
    /// The next page of rows (at most 10,000 cells), or `None` at the end.
    pub async fn next_page(&mut self) -> Result<Option<Vec<NxCellRows>>, AppError> {
        match &mut self.source {
            Source::Cube(source) => source.next_page().await,
            Source::Pivot(source) => source.next_page().await,
        }
    }

    /// Arranges the file for `format`: a pivot is flat in CSV and as
    /// displayed in Excel (other objects are the same in both).
    pub async fn arrange_for(&mut self, format: Format) -> Result<(), AppError> {
        if let (Source::Pivot(source), Format::Xlsx) = (&mut self.source, format) {
            let (headers, dimensions) = source.as_displayed().await?;
            self.headers = headers;
            self.dimensions = dimensions;
        }
        Ok(())
    }
}

/// Pages of a hypercube (`mapping::whole_cube_pages`), fetched one at a time
/// from the engine.
struct PageSource {
    engine: Arc<hub::EngineSession>,
    hub_id: String,
    pages: std::vec::IntoIter<NxPage>,
}

impl PageSource {
    async fn next_page(&mut self) -> Result<Option<Vec<NxCellRows>>, AppError> {
        let Some(page) = self.pages.next() else {
            return Ok(None);
        };
        let pages = mapping::parse_pages(self.engine.hypercube_page(&self.hub_id, page).await?);
        let rows = qlik::qix::layout::first_page_rows(Some(&pages)).to_vec();
        if rows.is_empty() {
            // The engine has fewer rows than it said (selections changed
            // meanwhile): the file ends here rather than ask for more.
            self.pages = Vec::new().into_iter();
            return Ok(None);
        }
        Ok(Some(rows))
    }
}

/// What is downloadable: the page's tables and charts (configured, or master
/// objects shown as one), with their titles.
fn downloadable(
    config: &super::config::DashboardConfig,
    id: &ObjectId,
    raw: &serde_json::Value,
    layout: &GenericObjectLayout,
) -> Option<String> {
    if let Some(i) = id.index_of(ObjectKind::Table) {
        return config.tables.get(i).map(|t| t.title.clone());
    }
    if let Some(i) = id.index_of(ObjectKind::Chart) {
        return config.charts.get(i).map(|c| c.title.clone());
    }
    if let Some(i) = id.index_of(ObjectKind::Pivot) {
        return config.pivots.get(i).map(|p| p.title.clone());
    }
    let master = config.masters.iter().find(|m| m.id == id.to_string())?;
    match mapping::master_view(master, raw) {
        MasterView::Table(def) => Some(def.title),
        MasterView::Pivot(def) => Some(def.title),
        MasterView::Drawn(def) | MasterView::Card(def) => {
            layout.hyper_cube.is_some().then_some(def.title)
        }
        MasterView::ListBox(_) => None,
    }
}

/// Finds the object `object_id` on the page named `page` in the user's
/// engine session and checks the download is allowed: a table or chart of
/// that page (404 otherwise), at most `ctx.export_max_rows` rows (413).
pub async fn prepare(
    ctx: &AppContext,
    session: &BrowserSession,
    page: Option<&str>,
    object_id: &str,
) -> Result<Export, AppError> {
    let not_found = || AppError::NotFound("This table or chart does not exist.".into());
    let page = ctx.pages.get(page).ok_or_else(not_found)?;
    let Ok(id) = object_id.parse::<ObjectId>();
    // Only the page's own objects: a master id must be one the page shows.
    if matches!(id, ObjectId::Master(_)) && page.config.masters.iter().all(|m| m.id != object_id) {
        return Err(not_found());
    }
    let engine = sessions::engine(ctx, session, &page.config.app_id).await?;
    let hub_id = page.hub_id(&id);
    let raw = match engine.layout(&hub_id).await {
        Ok(layout) => layout,
        Err(hub::Error::UnknownObject(_)) => return Err(not_found()),
        Err(other) => return Err(other.into()),
    };
    let layout = mapping::parse_layout(raw.clone());
    let title = downloadable(&page.config, &id, &raw, &layout).ok_or_else(not_found)?;
    if mapping::is_pivot(&layout) {
        return pivot::prepare(ctx.export_max_rows, engine, hub_id, title, &layout);
    }
    let cube = layout.hyper_cube.unwrap_or_default();
    let (dimension_titles, measure_titles) = mapping::column_titles(&cube);
    let dimensions = dimension_titles.len();
    let headers: Vec<String> = dimension_titles.into_iter().chain(measure_titles).collect();
    let size = cube.size.unwrap_or_default();
    let rows = size.cy.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
    let width = size
        .cx
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(headers.len() as u32)
        .max(1);
    if rows > ctx.export_max_rows {
        return Err(too_large(&title, rows, ctx.export_max_rows));
    }
    Ok(Export {
        title,
        headers,
        dimensions,
        rows,
        source: Source::Cube(PageSource {
            engine,
            hub_id,
            pages: mapping::whole_cube_pages(width, rows).into_iter(),
        }),
    })
}

/// The refusal of a download of `rows` rows past `max_rows`.
fn too_large(title: &str, rows: u32, max_rows: u32) -> AppError {
    AppError::TooLarge(format!(
        "“{title}” has {rows} rows under your selections; a download holds at most {max_rows}. \
         Select fewer values and try again."
    ))
}
