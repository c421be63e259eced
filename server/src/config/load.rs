//! Reading the configuration from its sources: built-in defaults, then the
//! TOML file, then `MASHUP_*` environment variables.
//!
//! A key that takes text takes any scalar as its text: an environment value
//! is read as figment reads it (numbers, booleans, lists), except where the
//! key wants a string, where it is kept exactly as written
//! (`MASHUP_LDAP__BIND_PASSWORD=0123` is `"0123"`, not 123); an unquoted
//! TOML integer or boolean is read as its text. Errors never show a value
//! (it may be a secret): they name the key and the file, or the variable.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider, Source};

use super::{CONFIG_ENV, Config, ENV_PREFIX};
use crate::config::describe::describe;
use crate::error::ServerError;

/// The name figment's errors give the environment as a source.
const ENV_SOURCE: &str = "environment variable";

impl Config {
    /// Loads the configuration: defaults, then `file` if given (it must exist),
    /// then the environment. Errors name the offending key and its source.
    pub fn load(file: Option<&Path>) -> Result<Self, ServerError> {
        let mut vars = Vec::new();
        for (name, value) in std::env::vars_os() {
            let Some(name) = name.to_str().map(str::to_owned) else {
                continue;
            };
            if !name.to_ascii_uppercase().starts_with(ENV_PREFIX) {
                continue;
            }
            let value = value.into_string().map_err(|_| {
                ServerError::Config(format!("environment variable {name}: not valid UTF-8"))
            })?;
            vars.push((name, value));
        }
        Self::load_from(file, vars)
    }

    /// Loads from defaults, `file` and the given `MASHUP_*` variables (name,
    /// value); variables without the prefix are ignored.
    pub(super) fn load_from(
        file: Option<&Path>,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ServerError> {
        if let Some(path) = file {
            check_toml(path)?;
        }
        let mut env = EnvVars::new(vars);
        let mut file_text = TextValues {
            metadata: file.map_or_else(
                || Metadata::named("TOML file"),
                |path| Metadata::from("TOML file", Source::File(path.to_path_buf())),
            ),
            values: Vec::new(),
        };
        // Each round turns one more value into text, at most once per key.
        let config: Self = loop {
            let mut figment = Figment::from(Serialized::defaults(Config::default()));
            if let Some(path) = file {
                figment = figment.merge(Toml::file_exact(path));
            }
            let figment = figment.merge(file_text.clone()).merge(env.provider());
            let error = match figment.extract() {
                Ok(config) => break config,
                Err(error) => error,
            };
            match as_text(&error, file) {
                Some(Text::Env(key)) if env.has(&key) && env.as_text.insert(key.clone()) => {}
                Some(Text::File(key, text)) if !file_text.values.iter().any(|(k, _)| *k == key) => {
                    file_text.values.push((key, Value::from(text)));
                }
                _ => return Err(ServerError::Config(describe(error, file))),
            }
        };
        if let Some(message) = config.qlik.incomplete_certificates() {
            let place = file.map_or_else(String::new, |f| format!(" in {}", f.display()));
            return Err(ServerError::Config(format!("{message}{place}")));
        }
        Ok(config)
    }
}

/// A TOML syntax error, told by line and column without quoting the line
/// (it may hold a secret).
fn check_toml(path: &Path) -> Result<(), ServerError> {
    if !path.is_file() {
        return Err(ServerError::ConfigFileMissing(path.to_path_buf()));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| ServerError::Config(format!("{}: {e}", path.display())))?;
    let Err(error) = text.parse::<toml::Table>() else {
        return Ok(());
    };
    let at = error.span().map_or(0, |span| span.start).min(text.len());
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Err(ServerError::Config(format!(
        "{}, line {line}, column {column}: {}",
        path.display(),
        error.message().trim_end()
    )))
}

/// A value to read again as text.
enum Text {
    /// The environment variable of this key, as written.
    Env(String),
    /// The file's value of this key, as this text.
    File(String, String),
}

/// The value `error` refuses, when it is a key that wants text and the value
/// can be read as text.
fn as_text(error: &figment::Error, file: Option<&Path>) -> Option<Text> {
    let figment::error::Kind::InvalidType(actual, expected) = &error.kind else {
        return None;
    };
    if !expected.contains("string") || error.path.is_empty() {
        return None;
    }
    let key = error.path.join(".");
    let metadata = error.metadata.as_ref()?;
    if metadata.name == ENV_SOURCE {
        return Some(Text::Env(key));
    }
    let from_file = matches!((&metadata.source, file), (Some(Source::File(source)), Some(file)) if source == file);
    use figment::error::Actual;
    let text = match actual {
        Actual::Unsigned(n) => n.to_string(),
        Actual::Signed(n) => n.to_string(),
        Actual::Bool(b) => b.to_string(),
        _ => return None,
    };
    from_file.then_some(Text::File(key, text))
}

/// Values given under dotted keys, attributed to one source.
#[derive(Clone)]
struct TextValues {
    metadata: Metadata,
    values: Vec<(String, Value)>,
}

impl Provider for TextValues {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for (key, value) in &self.values {
            if let Some(nested) = figment::util::nest(key, value.clone()).into_dict() {
                merge(&mut dict, nested);
            }
        }
        Ok(Profile::Default.collect(dict))
    }
}

/// Merges `from` into `into`, nested dictionaries key by key.
fn merge(into: &mut Dict, from: Dict) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Dict(_, existing)), Value::Dict(_, nested)) => merge(existing, nested),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// The `MASHUP_*` variables, by dotted key (`MASHUP_LDAP__BIND_PASSWORD` is
/// `ldap.bind_password`).
struct EnvVars {
    vars: Vec<(String, String)>,
    /// Keys whose value is kept as written.
    as_text: HashSet<String>,
}

impl EnvVars {
    fn new(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let config = CONFIG_ENV.to_ascii_lowercase();
        let vars = vars
            .into_iter()
            .filter_map(|(name, value)| {
                let upper = name.to_ascii_uppercase();
                let key = upper.strip_prefix(ENV_PREFIX)?;
                let key = key
                    .to_ascii_lowercase()
                    .split("__")
                    .collect::<Vec<_>>()
                    .join(".");
                let whole = format!("{}{key}", ENV_PREFIX.to_ascii_lowercase());
                (!key.is_empty() && whole != config && !key.split('.').any(str::is_empty))
                    .then_some((key, value))
            })
            .collect();
        Self {
            vars,
            as_text: HashSet::new(),
        }
    }

    fn has(&self, key: &str) -> bool {
        self.vars.iter().any(|(k, _)| k == key)
    }

    fn provider(&self) -> TextValues {
        let metadata = Metadata::named(ENV_SOURCE).interpolater(|_: &Profile, keys: &[&str]| {
            let keys: Vec<_> = keys.iter().map(|k| k.to_ascii_uppercase()).collect();
            format!("{ENV_PREFIX}{}", keys.join("__"))
        });
        let values = self
            .vars
            .iter()
            .map(|(key, text)| {
                let value = if self.as_text.contains(key) {
                    Value::from(text.clone())
                } else {
                    text.parse().unwrap_or_else(|_| Value::from(text.clone()))
                };
                (key.clone(), value)
            })
            .collect();
        TextValues { metadata, values }
    }
}

/// The file a figment error's value came from, if a file.
pub(super) fn error_file(error: &figment::Error) -> Option<PathBuf> {
    match error.metadata.as_ref()?.source.as_ref()? {
        Source::File(path) => Some(path.clone()),
        _ => None,
    }
}

/// Whether a figment error's value came from the environment.
pub(super) fn from_env(error: &figment::Error) -> bool {
    error
        .metadata
        .as_ref()
        .is_some_and(|metadata| metadata.name == ENV_SOURCE)
}
