//! Configuration errors as operators read them: where (the environment
//! variable, or the key and the file) and what is wrong — never the value,
//! which may be a secret (a password, the store key).

use std::path::Path;

use figment::error::{Actual, Kind};

use super::load::{error_file, from_env};

/// Every error of `error`'s chain, one after the other.
pub(super) fn describe(error: figment::Error, file: Option<&Path>) -> String {
    error
        .into_iter()
        .map(|error| format!("{}: {}", place(&error, file), what(&error.kind)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The environment variable, or the key and the file it came from.
fn place(error: &figment::Error, file: Option<&Path>) -> String {
    let key = error.path.join(".");
    if from_env(error)
        && let Some(metadata) = &error.metadata
    {
        let profile = error.profile.clone().unwrap_or_default();
        return format!(
            "environment variable {}",
            metadata.interpolate(&profile, &error.path)
        );
    }
    let file = error_file(error).or_else(|| file.map(Path::to_path_buf));
    match (key.is_empty(), file) {
        (false, Some(file)) => format!("key `{key}` in {}", file.display()),
        (false, None) => format!("key `{key}`"),
        (true, Some(file)) => file.display().to_string(),
        (true, None) => "configuration".into(),
    }
}

/// What is wrong, without the offending value.
fn what(kind: &Kind) -> String {
    match kind {
        Kind::InvalidType(actual, expected) => {
            format!("expected {expected}, found {}", kind_of(actual))
        }
        Kind::InvalidValue(actual, expected) => {
            format!("invalid {} (expected {expected})", kind_of(actual))
        }
        Kind::ISizeOutOfRange(_) | Kind::USizeOutOfRange(_) => "number out of range".into(),
        Kind::Unsupported(actual) => format!("{} is not supported here", kind_of(actual)),
        Kind::UnsupportedKey(actual, expected) => {
            format!("{} cannot be a key (expected {expected})", kind_of(actual))
        }
        // Names of keys and variants, counts and deserializers' own messages
        // (a key's text is never in them).
        other => other.to_string(),
    }
}

/// The kind of a value, without the value.
fn kind_of(actual: &Actual) -> &'static str {
    match actual {
        Actual::Bool(_) => "a boolean",
        Actual::Unsigned(_) | Actual::Signed(_) => "an integer",
        Actual::Float(_) => "a floating-point number",
        Actual::Char(_) | Actual::Str(_) => "a string",
        Actual::Bytes(_) => "bytes",
        Actual::Unit | Actual::Option => "nothing",
        Actual::Seq => "a list",
        Actual::Map => "a table",
        Actual::NewtypeStruct
        | Actual::Enum
        | Actual::UnitVariant
        | Actual::NewtypeVariant
        | Actual::TupleVariant
        | Actual::StructVariant
        | Actual::Other(_) => "a value of another kind",
    }
}
