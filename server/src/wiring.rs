//! Builds the parts from the configuration.

use std::path::Path;
use std::sync::Arc;

use app::server::{AppContext, SessionSettings};
use auth::{AuthError, Authenticator, BoxFuture, Identity, Throttle};
use directory::{DemoSeed, Directory, DirectoryError, EmbeddedDirectory};
use store::{SealingKey, Store};

use crate::config::{Config, SessionConfig};
use crate::error::ServerError;

/// Opens the store and assembles what pages and server functions need.
pub async fn app_context(
    config: &Config,
    authenticator: Arc<dyn Authenticator>,
) -> Result<AppContext, ServerError> {
    let session = &config.session;
    let key = sealing_key(session)?;
    if let Some(dir) = session.store_path.parent() {
        create_dir(dir)?;
    }
    let store = Store::open(&session.store_path, key)
        .await
        .map_err(|e| ServerError::Store(e.to_string()))?;
    let cookie_name = if session.secure_cookie {
        "__Host-mashup_session"
    } else {
        "mashup_session"
    };
    Ok(AppContext {
        store,
        authenticator,
        throttle: Arc::new(Throttle::new(config.login.throttle.clone())),
        sessions: SessionSettings {
            cookie_name: cookie_name.into(),
            secure: session.secure_cookie,
            idle_timeout: session.idle_timeout,
            absolute_timeout: session.absolute_timeout,
        },
        user_directory: config.qlik.user_directory.clone(),
    })
}

/// The configured key, or the one kept in `key_file` (made on first start).
fn sealing_key(session: &SessionConfig) -> Result<SealingKey, ServerError> {
    let text = if !session.key.is_empty() {
        session.key.clone()
    } else if session.key_file.is_file() {
        std::fs::read_to_string(&session.key_file)
            .map_err(|e| ServerError::Store(format!("{}: {e}", session.key_file.display())))?
    } else {
        if let Some(dir) = session.key_file.parent() {
            create_dir(dir)?;
        }
        let key = SealingKey::generate_base64();
        write_private(&session.key_file, &key)?;
        tracing::info!(file = %session.key_file.display(), "generated a new store key");
        key
    };
    SealingKey::from_base64(&text).map_err(|e| ServerError::Store(e.to_string()))
}

fn create_dir(dir: &Path) -> Result<(), ServerError> {
    if dir.as_os_str().is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| ServerError::Store(format!("{}: {e}", dir.display())))
}

fn write_private(path: &Path, contents: &str) -> Result<(), ServerError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| ServerError::Store(format!("{}: {e}", path.display())))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| ServerError::Store(format!("{}: {e}", path.display())))
}

/// The directory as the login form's authenticator.
struct DirectoryAuthenticator(Directory);

impl Authenticator for DirectoryAuthenticator {
    fn authenticate<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Identity, AuthError>> {
        Box::pin(async move {
            match self.0.authenticate(username, password).await {
                Ok(user) => Ok(Identity {
                    user_id: user.user_id,
                    display_name: user.display_name,
                    groups: user.groups,
                }),
                Err(DirectoryError::InvalidCredentials) => Err(AuthError::InvalidCredentials),
                Err(error) => {
                    tracing::warn!(%error, "directory unavailable");
                    Err(AuthError::Unavailable)
                }
            }
        })
    }
}

/// The configured directory, or the embedded demo directory (kept running by
/// the returned guard) when none is configured.
pub async fn authenticator(
    config: &Config,
) -> Result<(Arc<dyn Authenticator>, Option<EmbeddedDirectory>), ServerError> {
    let directory_error = |e: DirectoryError| ServerError::Directory(e.to_string());
    let (settings, embedded) = match &config.ldap {
        Some(settings) => (settings.clone(), None),
        None => {
            let seed = DemoSeed::builtin().map_err(directory_error)?;
            let embedded = EmbeddedDirectory::start(seed)
                .await
                .map_err(directory_error)?;
            tracing::info!(url = embedded.url(), "started the embedded demo directory");
            (embedded.ldap_config(), Some(embedded))
        }
    };
    let directory = Directory::new(settings).map_err(directory_error)?;
    Ok((Arc::new(DirectoryAuthenticator(directory)), embedded))
}
