//! Reading the configuration from its sources.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};

use super::{Config, ENV_PREFIX};
use crate::error::ServerError;

impl Config {
    /// Loads the configuration: defaults, then `file` if given (it must exist),
    /// then the environment. Errors name the offending key and its source.
    pub fn load(file: Option<&Path>) -> Result<Self, ServerError> {
        Self::load_with_env(file, Env::prefixed(ENV_PREFIX))
    }

    pub(super) fn load_with_env(file: Option<&Path>, env: Env) -> Result<Self, ServerError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ServerError::ConfigFileMissing(path.to_path_buf()));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let env = env.ignore(&["config"]).split("__");
        let error = |source| ServerError::Config {
            file: file.map(PathBuf::from),
            source: Box::new(source),
        };
        let config: Self = figment.merge(env).extract().map_err(error)?;
        if let Some(message) = config.qlik.incomplete_certificates() {
            return Err(error(figment::Error::from(message)));
        }
        Ok(config)
    }
}
