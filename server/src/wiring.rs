//! Builds the parts from the configuration.

use std::path::Path;
use std::sync::Arc;

use app::dashboard::pages::Pages;
use app::notice::{DemoLogin, SiteNotice};
use app::server::{AppContext, SessionSettings, Streams};
use auth::{AuthError, Authenticator, BoxFuture, Identity, LoginThrottle, Throttle};
use directory::{DemoSeed, Directory, DirectoryError, EmbeddedDirectory};
use store::{SealingKey, Store};

use crate::config::{Config, SessionConfig, SessionSourceConfig};
use crate::error::ServerError;
use crate::store_key::{self, KeySource};

/// Opens the persistent store: PostgreSQL when `session.store_url` names
/// it, else the SQLite file; and checks that its sealing key is the one the
/// store's Qlik cookies are sealed with (`store_key.rs`).
pub async fn store(config: &Config) -> Result<Store, ServerError> {
    let (store, source) = open_store(&config.session).await?;
    store_key::check(&store, source).await?;
    Ok(store)
}

/// Makes the configured key the store's (`--rotate-session-key`), forgetting
/// the Qlik cookies sealed with the old one; returns how many went.
pub async fn rotate_session_key(config: &Config) -> Result<u64, ServerError> {
    let (store, _) = open_store(&config.session).await?;
    store_key::rotate(&store).await
}

async fn open_store(session: &SessionConfig) -> Result<(Store, KeySource), ServerError> {
    let (key, source) = sealing_key(session)?;
    if session.store_url.is_empty()
        && let Some(dir) = session.store_path.parent()
    {
        create_dir(dir)?;
    }
    let store = Store::connect(&session.url(), key)
        .await
        .map_err(|e| ServerError::Store(e.to_string()))?;
    Ok((store, source))
}

/// Assembles what pages and server functions need.
pub fn app_context(
    config: &Config,
    pages: Arc<Pages>,
    store: Store,
    hub: hub::Hub,
    authenticator: Arc<dyn Authenticator>,
    notice: SiteNotice,
) -> AppContext {
    let session = &config.session;
    let secure = config.secure_cookie();
    let cookie_name = if secure {
        "__Host-mashup_session"
    } else {
        "mashup_session"
    };
    // Several instances share one PostgreSQL: they count failures together.
    let throttle = Arc::new(if config.session.is_postgres() {
        LoginThrottle::Shared {
            config: config.login.throttle.clone(),
            store: store.clone(),
        }
    } else {
        LoginThrottle::Local(Throttle::new(config.login.throttle.clone()))
    });
    AppContext {
        store,
        hub,
        pages,
        export_max_rows: config.export.max_rows,
        theme: app::theme::SiteTheme {
            product_name: config.theme.product_name.clone(),
            logo: config.theme.logo.is_some(),
        },
        authenticator,
        throttle,
        sessions: SessionSettings {
            cookie_name: cookie_name.into(),
            secure,
            idle_timeout: session.idle_timeout,
            absolute_timeout: session.absolute_timeout,
        },
        user_directory: config.qlik.user_directory.clone(),
        streams: Streams::new(config.events.max_streams_per_user),
        notice,
        staleness: Arc::new(app::dashboard::stale::Staleness::new(
            config.last_view.limits(),
            config.qlik.request_timeout,
        )),
    }
}

/// The configured key, or the one kept in `key_file` (made on first start),
/// and where it came from. A key that does not decode is refused without
/// showing it.
fn sealing_key(session: &SessionConfig) -> Result<(SealingKey, KeySource), ServerError> {
    let (text, source) = if !session.key.is_empty() {
        (session.key.clone(), KeySource::Configured)
    } else if session.key_file.is_file() {
        narrow_to_owner(&session.key_file)?;
        let text = std::fs::read_to_string(&session.key_file)
            .map_err(|e| ServerError::Store(format!("{}: {e}", session.key_file.display())))?;
        (text, KeySource::File)
    } else {
        if let Some(dir) = session.key_file.parent() {
            create_dir(dir)?;
        }
        let key = SealingKey::generate_base64();
        write_private(&session.key_file, &key)?;
        tracing::info!(file = %session.key_file.display(), "generated a new store key");
        (key, KeySource::Generated)
    };
    let key = SealingKey::from_base64(&text).map_err(|_| ServerError::Invalid {
        key: source.key(),
        reason: "must be 32 bytes, base64-encoded (make one with `openssl rand -base64 32`)".into(),
    })?;
    Ok((key, source))
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

/// Makes an existing file readable by its owner only (mode 0600).
fn narrow_to_owner(path: &Path) -> Result<(), ServerError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| ServerError::Store(format!("{}: {e}", path.display())))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
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
                Err(error @ DirectoryError::DuplicateUserId(_)) => {
                    tracing::warn!(user = ?username, %error, "login refused");
                    Err(AuthError::InvalidCredentials)
                }
                Err(error) => {
                    tracing::warn!(%error, "directory unavailable");
                    Err(AuthError::Unavailable)
                }
            }
        })
    }
}

/// The login side of the server.
pub struct DirectoryParts {
    /// Checks passwords.
    pub authenticator: Arc<dyn Authenticator>,
    /// The configured directory, for the readiness check (none when embedded).
    pub probe: Option<Directory>,
    /// What pages say about the directory (demo mode).
    pub notice: SiteNotice,
    /// The embedded demo directory, kept running while held.
    pub embedded: Option<EmbeddedDirectory>,
}

/// The configured directory; or the embedded demo directory, which is used
/// without asking only when Qlik is the embedded simulator too (pure demo),
/// and with a real Qlik site only with `allow_demo_directory`.
pub async fn authenticator(config: &Config) -> Result<DirectoryParts, ServerError> {
    let directory_error = |e: DirectoryError| ServerError::Directory(e.to_string());
    let pure_demo = config.qlik.qps_url.is_none();
    let (settings, embedded, notice) = match &config.ldap {
        Some(settings) => (settings.clone(), None, SiteNotice::default()),
        None if pure_demo || config.allow_demo_directory => {
            let seed = DemoSeed::builtin().map_err(directory_error)?;
            let notice = if pure_demo {
                SiteNotice {
                    demo_users: seed
                        .users
                        .iter()
                        .map(|u| DemoLogin {
                            username: u.uid.clone(),
                            password: u.password.clone(),
                        })
                        .collect(),
                    demo_banner: false,
                }
            } else {
                tracing::warn!(
                    "allow_demo_directory: the demo directory (published passwords) guards a real Qlik site"
                );
                SiteNotice {
                    demo_users: Vec::new(),
                    demo_banner: true,
                }
            };
            let embedded = EmbeddedDirectory::start(seed)
                .await
                .map_err(directory_error)?;
            tracing::info!(url = embedded.url(), "started the embedded demo directory");
            (embedded.ldap_config(), Some(embedded), notice)
        }
        None => {
            return Err(ServerError::Invalid {
                key: "ldap",
                reason: "a real Qlik site needs a real directory: configure [ldap]".into(),
            });
        }
    };
    let directory = Directory::new(settings).map_err(directory_error)?;
    let probe = embedded.is_none().then(|| directory.clone());
    Ok(DirectoryParts {
        authenticator: Arc::new(DirectoryAuthenticator(directory)),
        probe,
        notice,
        embedded,
    })
}

/// The engine hub's settings for the configured Qlik site, or for an
/// embedded qlik-sim (kept running by the returned guard) when no site is
/// configured; and a QPS client for the readiness check.
pub async fn hub_config(
    config: &Config,
    pages: &Pages,
) -> Result<
    (
        hub::HubConfig,
        qlik::qps::QpsClient,
        Option<qlik_sim::RunningSim>,
    ),
    ServerError,
> {
    let qlik_config = &config.qlik;
    let qlik_error = |e: qlik::Error| ServerError::Qlik(e.to_string());
    let (qps_url, proxy_url, sim) = match &qlik_config.qps_url {
        Some(qps) => {
            let proxy = qlik_config.proxy_url.clone().ok_or_else(|| {
                ServerError::Qlik("qlik.proxy_url is required with qlik.qps_url".into())
            })?;
            (qps.clone(), proxy, None)
        }
        None => {
            let sim = qlik_sim::Simulator::start(qlik_sim::SimConfig {
                qps_addr: qlik_config.embedded_qps,
                proxy_addr: qlik_config.embedded_proxy,
                virtual_proxy: qlik_config.virtual_proxy.clone(),
                sample_rows: qlik_config.embedded_rows,
                apps_dir: qlik_config.embedded_apps.clone(),
                ..qlik_sim::SimConfig::default()
            })
            .await
            .map_err(|e| match &qlik_config.embedded_apps {
                Some(dir) => {
                    ServerError::Qlik(format!("qlik.embedded_apps ({}): {e}", dir.display()))
                }
                None => ServerError::Qlik(e.to_string()),
            })?;
            tracing::info!(qps = %sim.qps_addr(), proxy = %sim.proxy_addr(), "started the embedded qlik-sim");
            (
                format!("http://{}", sim.qps_addr()),
                format!("http://{}", sim.proxy_addr()),
                Some(sim),
            )
        }
    };
    let mut qps_config = qlik::qps::QpsConfig::new(qps_url, qlik_config.virtual_proxy.clone());
    let roots = match &qlik_config.root_ca {
        Some(path) => Some(qlik::RootCertificates::from_pem_file(path).map_err(certificate_error)?),
        None => None,
    };
    if let Some(roots) = &roots {
        qps_config = qps_config.root_ca(roots.clone());
    }
    if let (Some(cert), Some(key), Some(root_path)) = (
        &qlik_config.client_cert,
        &qlik_config.client_key,
        &qlik_config.root_ca,
    ) {
        qps_config = qps_config.identity(
            qlik::qps::ClientIdentity::from_pem_files(cert, key, root_path)
                .map_err(certificate_error)?,
        );
    }
    let qps = qlik::qps::QpsClient::new(qps_config).map_err(qlik_error)?;
    let proxy = match &roots {
        Some(roots) => qlik::proxy::Proxy::with_root(
            &proxy_url,
            &qlik_config.virtual_proxy,
            roots,
            std::time::Duration::from_secs(10),
        ),
        None => qlik::proxy::Proxy::new(&proxy_url, &qlik_config.virtual_proxy),
    }
    .map_err(qlik_error)?;
    let hub_config = hub::HubConfig {
        qps: qps.clone(),
        proxy,
        engine_base: proxy_url,
        virtual_proxy: qlik_config.virtual_proxy.clone(),
        apps: hub_apps(pages),
        ttl_seconds: qlik_config.engine_ttl.as_secs().min(u64::from(u32::MAX)) as u32,
        session_source: match qlik_config.session_source {
            SessionSourceConfig::Ticket => hub::SessionSource::Ticket,
            SessionSourceConfig::SessionApi => hub::SessionSource::SessionApi,
        },
        idle_eviction: qlik_config.idle_eviction,
        keepalive_interval: qlik_config.keepalive_interval,
        origin: qlik_config.origin.clone(),
        ws_csrf: qlik_config.ws_csrf,
        root_ca: roots,
    };
    Ok((hub_config, qps, sim))
}

/// A certificate file's error, naming its configuration key, the file and
/// the reason.
fn certificate_error(error: qlik::Error) -> ServerError {
    match error {
        qlik::Error::CertificateFile { file, path, reason } => ServerError::Invalid {
            key: match file {
                qlik::PemFile::ClientCert => "qlik.client_cert",
                qlik::PemFile::ClientKey => "qlik.client_key",
                qlik::PemFile::RootCa => "qlik.root_ca",
            },
            reason: format!("{}: {reason}", path.display()),
        },
        other => ServerError::Qlik(other.to_string()),
    }
}

/// The apps of the pages, each with the objects of every page on it (in the
/// order the pages name them): configured objects under the page's own ids,
/// master objects once per app.
pub fn hub_apps(pages: &Pages) -> Vec<hub::AppObjects> {
    let mut apps: Vec<hub::AppObjects> = Vec::new();
    for page in pages.iter() {
        let config = &page.config;
        let at = match apps.iter().position(|a| a.app_id == config.app_id) {
            Some(at) => at,
            None => {
                apps.push(hub::AppObjects {
                    app_id: config.app_id.clone(),
                    objects: Vec::new(),
                });
                apps.len() - 1
            }
        };
        let objects = &mut apps[at].objects;
        for (id, properties) in app::dashboard::mapping::dashboard_objects(config) {
            // Options, strings, numbers and lists: serialising cannot fail.
            let properties = serde_json::to_value(properties).unwrap_or_default();
            objects.push(hub::ObjectDef::Session {
                id: page.hub_id(&id),
                properties,
            });
        }
        for master in &config.masters {
            if !objects.iter().any(|o| o.id() == master.id) {
                objects.push(hub::ObjectDef::Master {
                    id: master.id.clone(),
                });
            }
        }
    }
    apps
}
