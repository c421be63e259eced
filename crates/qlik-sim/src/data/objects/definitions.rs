//! What the simulator reads from dimension and measure definitions.

use serde_json::Value;

use crate::data::numfmt::NumFormat;

/// The first field a dimension names (without a leading `=`).
pub(super) fn field_names(def: &Value) -> Option<&str> {
    def["qDef"]["qFieldDefs"][0]
        .as_str()
        .map(|n| n.trim_start_matches('='))
}

/// The label of a dimension, else its field.
pub(super) fn dimension_title(def: &Value) -> String {
    def["qDef"]["qFieldLabels"][0]
        .as_str()
        .filter(|s| !s.is_empty())
        .or_else(|| field_names(def))
        .unwrap_or_default()
        .to_owned()
}

/// The expression of a measure.
pub(super) fn measure_expression(def: &Value) -> String {
    def["qDef"]["qDef"].as_str().unwrap_or_default().to_owned()
}

/// The number format of a hypercube measure (`NxMeasure`): its
/// `qDef.qNumFormat` (a library measure's format is copied there when the
/// measure is resolved); without one `U`, automatic.
pub fn measure_format(def: &Value) -> NumFormat {
    NumFormat::from_json(&def["qDef"]["qNumFormat"])
}

/// The library item a definition names (`qLibraryId`), or the empty string.
pub(super) fn library_id(def: &Value) -> &str {
    def["qLibraryId"].as_str().unwrap_or_default()
}
