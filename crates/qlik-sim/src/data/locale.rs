//! The app's locale (placeholder until the number-formatting work lands:
//! the script's `SET` lines and `GetLocaleInfo` fill it).

/// The locale an app's script sets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Locale {}
