//! Excel downloads through `rust_xlsxwriter` in constant-memory mode: rows go
//! to a temporary file as they arrive, numbers as numbers, Qlik's text as
//! text, under a bold, frozen header row. The workbook is written on a
//! blocking thread fed page by page, and saved to a temporary file that is
//! then streamed to the browser.

use std::io::Seek;
use std::sync::mpsc;

use qlik::qix::layout::NxCellRows;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::cells::{Cell, cell};
use crate::error::AppError;

/// Pages a writer may have queued before the engine waits for it.
const QUEUED_PAGES: usize = 2;

/// An Excel file being written on its own thread.
pub struct XlsxWriter {
    pages: mpsc::SyncSender<Vec<NxCellRows>>,
    done: tokio::task::JoinHandle<Result<std::fs::File, XlsxError>>,
}

impl XlsxWriter {
    /// Starts a workbook with one sheet and its header row.
    pub fn start(headers: Vec<String>, dimensions: usize) -> Self {
        let (pages, queue) = mpsc::sync_channel::<Vec<NxCellRows>>(QUEUED_PAGES);
        let done = tokio::task::spawn_blocking(move || write(&headers, dimensions, &queue));
        Self { pages, done }
    }

    /// Adds a page of rows (waits while the writer is behind).
    pub async fn add(&self, rows: Vec<NxCellRows>) -> Result<(), AppError> {
        let pages = self.pages.clone();
        tokio::task::spawn_blocking(move || pages.send(rows))
            .await
            .map_err(|_| AppError::Unreachable)?
            .map_err(|_| AppError::Unreachable)
    }

    /// Finishes the workbook: the file, at its start.
    pub async fn finish(self) -> Result<std::fs::File, AppError> {
        drop(self.pages);
        match self.done.await {
            Ok(Ok(file)) => Ok(file),
            Ok(Err(error)) => {
                tracing::error!(%error, "writing an Excel download failed");
                Err(AppError::Unreachable)
            }
            Err(_) => Err(AppError::Unreachable),
        }
    }
}

/// Writes the header and every page `queue` brings, then saves the workbook
/// to an anonymous temporary file.
fn write(
    headers: &[String],
    dimensions: usize,
    queue: &mpsc::Receiver<Vec<NxCellRows>>,
) -> Result<std::fs::File, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    for (column, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column_index(column), header, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut row_number: u32 = 1;
    for page in queue {
        for row in &page {
            for (column, nx) in row.iter().enumerate() {
                let at = column_index(column);
                match cell(nx, column, dimensions) {
                    Cell::Number(number) => sheet.write_number(row_number, at, number)?,
                    Cell::Text(text) => sheet.write_string(row_number, at, text)?,
                };
            }
            row_number += 1;
        }
    }
    let mut file = tempfile::tempfile()?;
    workbook.save_to_writer(&mut file)?;
    file.rewind()?;
    Ok(file)
}

/// Excel's column number (at most 16,384 columns; a hypercube has far fewer).
fn column_index(column: usize) -> u16 {
    u16::try_from(column).unwrap_or(u16::MAX)
}
