//! The pages that fetch a whole hypercube within the engine's cell limit.

use super::MAX_PAGE_CELLS;

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
    use super::*;

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
