//! The table's own sorting of whole hypercubes, and the pages that fetch one.

use std::cmp::Ordering;

use qlik::qix::NxCell;

use super::MAX_PAGE_CELLS;
use crate::dashboard::view_model::TableSort;

/// Sorts whole hypercube rows by one column: measures by number (missing
/// values last), dimensions by number when both are numbers, else by text.
pub fn sort_rows(rows: &mut [Vec<NxCell>], sort: TableSort, measure_column: bool) {
    let key = |row: &[NxCell]| -> (Option<f64>, String) {
        row.get(sort.column).map_or((None, String::new()), |cell| {
            (cell.number(), cell.text().to_lowercase())
        })
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn sorting_puts_numbers_in_order_and_missing_measures_last() {
        let mut rows: Vec<Vec<NxCell>> = serde_json::from_value(json!([
            [{"qText": "b"}, {"qText": "10", "qNum": 10}],
            [{"qText": "a"}, {"qText": "-", "qNum": "NaN"}],
            [{"qText": "C"}, {"qText": "9", "qNum": 9}],
        ]))
        .unwrap();
        let by = |column, descending| TableSort { column, descending };
        sort_rows(&mut rows, by(1, false), true);
        let texts = |rows: &[Vec<NxCell>]| {
            rows.iter()
                .map(|r| r[0].text().to_owned())
                .collect::<Vec<_>>()
        };
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
}
