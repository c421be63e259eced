//! The crate's one error type.

/// Why a layout could not be drawn; the caller then draws a card (title, type,
/// "Show data").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    /// The visualization is not one this crate draws (maps, extensions, …).
    #[error("visualization `{0}` is not drawn natively")]
    Unsupported(String),
    /// The layout lacks what the visualization needs (no measure, a
    /// dimension count it cannot show, no hypercube).
    #[error("the layout cannot be drawn as `{kind}`: {reason}")]
    Shape {
        /// The visualization.
        kind: String,
        /// What is missing or wrong.
        reason: String,
    },
}

impl ChartError {
    /// A shape error for `kind`.
    pub fn shape(kind: &str, reason: impl Into<String>) -> Self {
        ChartError::Shape {
            kind: kind.to_string(),
            reason: reason.into(),
        }
    }
}
