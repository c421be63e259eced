//! A pivot table defined in the page configuration (`[[pages.pivots]]`,
//! `[[dashboard.pivots]]`), and its checks.

use serde::{Deserialize, Serialize};

use super::config::MeasureDef;

/// A pivot table: row dimensions on the left, column dimensions on top,
/// the measures in every cell. Starts collapsed; a row or column total is
/// shown for the outermost dimension of each side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PivotDef {
    /// Heading.
    pub title: String,
    /// Row dimension fields, outermost first.
    #[serde(default)]
    pub rows: Vec<String>,
    /// Column dimension fields, outermost first.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Measures (two or more are shown side by side under each column).
    pub measures: Vec<MeasureDef>,
}

impl PivotDef {
    /// Checks the definition; the error names the key under `key` (for
    /// example `pages[0].pivots[1]`).
    pub fn check(&self, key: &str) -> Result<(), String> {
        if self.title.trim().is_empty() {
            return Err(format!("{key}.title: a pivot needs a title"));
        }
        if self.rows.is_empty() && self.columns.is_empty() {
            return Err(format!(
                "{key}.rows: a pivot needs at least one dimension (rows or columns)"
            ));
        }
        for (side, fields) in [("rows", &self.rows), ("columns", &self.columns)] {
            if let Some(i) = fields.iter().position(|f| f.trim().is_empty()) {
                return Err(format!("{key}.{side}[{i}]: give the name of a field"));
            }
        }
        if self.measures.is_empty() {
            return Err(format!(
                "{key}.measures: a pivot needs at least one measure"
            ));
        }
        for (i, measure) in self.measures.iter().enumerate() {
            if measure.expression.trim().is_empty() {
                return Err(format!(
                    "{key}.measures[{i}].expression: give a Qlik expression"
                ));
            }
        }
        Ok(())
    }
}

/// Checks every pivot of a page whose key is `page_key` (`dashboard`,
/// `pages[2]`).
pub fn check_pivots(pivots: &[PivotDef], page_key: &str) -> Result<(), String> {
    pivots
        .iter()
        .enumerate()
        .try_for_each(|(i, pivot)| pivot.check(&format!("{page_key}.pivots[{i}]")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pivot() -> PivotDef {
        PivotDef {
            title: "Sales".into(),
            rows: vec!["Region".into()],
            columns: vec!["Year".into()],
            measures: vec![MeasureDef {
                label: "Sales".into(),
                expression: "Sum(Sales)".into(),
            }],
        }
    }

    #[test]
    fn a_wrong_pivot_is_refused_naming_its_key() {
        assert!(check_pivots(&[pivot()], "dashboard").is_ok());
        let mut no_measure = pivot();
        no_measure.measures.clear();
        let error = check_pivots(&[pivot(), no_measure], "pages[1]").unwrap_err();
        assert!(error.starts_with("pages[1].pivots[1].measures"), "{error}");
        let mut no_dimension = pivot();
        no_dimension.rows.clear();
        no_dimension.columns.clear();
        assert!(no_dimension.check("p").unwrap_err().starts_with("p.rows"));
        let mut blank = pivot();
        blank.columns.push(" ".into());
        assert!(blank.check("p").unwrap_err().starts_with("p.columns[1]"));
        let mut untitled = pivot();
        untitled.title.clear();
        assert!(untitled.check("p").unwrap_err().starts_with("p.title"));
    }
}
