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
/// `qDef.qNumFormat`, or, for a measure from the library, the library
/// measure's (`library`: the item's `qMeasure`, an `NxLibraryMeasureDef`)
/// when that has one. Without either: `U`, automatic.
pub fn measure_format(def: &Value, library: Option<&Value>) -> NumFormat {
    library
        .map(|l| &l["qNumFormat"])
        .filter(|f| f.is_object())
        .map_or_else(
            || NumFormat::from_json(&def["qDef"]["qNumFormat"]),
            NumFormat::from_json,
        )
}
