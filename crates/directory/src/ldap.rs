//! Authentication against an LDAP directory with ldap3.

use std::sync::Arc;

use ldap3::{
    LdapConnAsync, LdapConnSettings, LdapError, Scope, SearchEntry, StdStream, ldap_escape,
};

use crate::config::{GroupSource, LdapConfig};
use crate::error::DirectoryError;

/// Longest username accepted (longer ones are refused before any request).
const MAX_USERNAME: usize = 256;
/// Longest password accepted.
const MAX_PASSWORD: usize = 1024;
/// LDAP result code for a failed bind.
const INVALID_CREDENTIALS: u32 = 49;

/// A successfully authenticated user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedUser {
    /// Value of the configured user-id attribute.
    pub user_id: String,
    /// Display name (the user id when the entry has none).
    pub display_name: String,
    /// Names of the user's groups.
    pub groups: Vec<String>,
    /// The entry's DN.
    pub dn: String,
}

/// The authenticator. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Directory {
    config: Arc<LdapConfig>,
    tls: Option<Arc<rustls::ClientConfig>>,
}

struct Found {
    dn: String,
    user_id: String,
    display_name: String,
    /// Read from the entry (`GroupSource::Attribute`); `None` when they are
    /// searched for after the user's bind.
    groups: Option<Vec<String>>,
}

impl Directory {
    /// Checks the settings and loads the CA file, if any.
    pub fn new(config: LdapConfig) -> Result<Self, DirectoryError> {
        if !config.user_filter.contains("{}") {
            return Err(DirectoryError::Config(
                "user_filter must contain {} for the username".into(),
            ));
        }
        let tls = match &config.ca_file {
            Some(path) => Some(tls_config(&std::fs::read(path).map_err(|e| {
                DirectoryError::Config(format!("{}: {e}", path.display()))
            })?)?),
            None => None,
        };
        Ok(Self {
            config: Arc::new(config),
            tls,
        })
    }

    /// Authenticates `username` with `password`. Unknown users and wrong
    /// passwords fail alike, after the same requests: service bind, user
    /// search, a bind on a second connection (against a DN that cannot exist
    /// for an unknown user). Groups are looked up only after the user's bind
    /// succeeded, on the service connection.
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<AuthenticatedUser, DirectoryError> {
        let username = username.trim();
        // RFC 4513 §5.1.2: an empty password would be an unauthenticated bind.
        if username.is_empty()
            || username.len() > MAX_USERNAME
            || username.contains('\0')
            || password.is_empty()
            || password.len() > MAX_PASSWORD
        {
            return Err(DirectoryError::InvalidCredentials);
        }
        let (mut service, found) = self.find(username).await?;
        let dn = match &found {
            Some(user) => user.dn.clone(),
            // Bind against a DN that cannot exist, so an unknown user costs
            // what a wrong password costs.
            None => format!("uid=no-such-user,{}", self.config.base_dn),
        };
        let bound = self.bind_as(&dn, password).await;
        let result = match (bound, found) {
            (Ok(()), Some(user)) => {
                match self
                    .ensure_unique_user_id(&mut service, &user.user_id)
                    .await
                {
                    Ok(()) => {
                        let groups = match user.groups {
                            Some(groups) => Ok(groups),
                            None => self.search_groups(&mut service, &user.dn, username).await,
                        };
                        groups.map(|groups| AuthenticatedUser {
                            user_id: user.user_id,
                            display_name: user.display_name,
                            groups,
                            dn: user.dn,
                        })
                    }
                    Err(error) => Err(error),
                }
            }
            (Ok(()), None) => Err(DirectoryError::InvalidCredentials),
            (Err(error), _) => Err(error),
        };
        let _ = service.unbind().await;
        result
    }

    /// Can the service account bind? (The readiness check; no user is looked up.)
    pub async fn check(&self) -> Result<(), DirectoryError> {
        let mut ldap = self.service_bind().await?;
        let _ = ldap.unbind().await;
        Ok(())
    }

    /// Refuses a user id that more than one entry carries: two people would
    /// share one Qlik user (and its session).
    async fn ensure_unique_user_id(
        &self,
        ldap: &mut ldap3::Ldap,
        user_id: &str,
    ) -> Result<(), DirectoryError> {
        let config = &self.config;
        let filter = format!("({}={})", config.user_id_attribute, ldap_escape(user_id));
        let (entries, _) = ldap
            .with_timeout(config.operation_timeout)
            .search(&config.base_dn, Scope::Subtree, &filter, vec!["1.1"])
            .await
            .map_err(unavailable)?
            .success()
            .map_err(unavailable)?;
        if entries.len() > 1 {
            return Err(DirectoryError::DuplicateUserId(user_id.to_owned()));
        }
        Ok(())
    }

    /// A connection bound as the service account.
    async fn service_bind(&self) -> Result<ldap3::Ldap, DirectoryError> {
        let config = &self.config;
        let mut ldap = self.connect().await?;
        let bound = ldap
            .with_timeout(config.operation_timeout)
            .simple_bind(&config.bind_dn, &config.bind_password)
            .await
            .map_err(unavailable)?;
        if bound.rc != 0 {
            return Err(DirectoryError::Unavailable(format!(
                "the service account bind failed (LDAP result {})",
                bound.rc
            )));
        }
        Ok(ldap)
    }

    /// Service bind, then the user search; `None` unless exactly one entry
    /// matches. Returns the (still bound) service connection too.
    async fn find(&self, username: &str) -> Result<(ldap3::Ldap, Option<Found>), DirectoryError> {
        let config = &self.config;
        let mut ldap = self.service_bind().await?;
        let filter = config.user_filter.replace("{}", &ldap_escape(username));
        let mut attributes = vec![
            config.user_id_attribute.clone(),
            config.display_name_attribute.clone(),
        ];
        if let GroupSource::Attribute { attribute } = &config.groups {
            attributes.push(attribute.clone());
        }
        let (entries, _) = ldap
            .with_timeout(config.operation_timeout)
            .search(&config.base_dn, Scope::Subtree, &filter, attributes)
            .await
            .map_err(unavailable)?
            .success()
            .map_err(unavailable)?;
        let [entry] = entries.as_slice() else {
            return Ok((ldap, None));
        };
        let entry = SearchEntry::construct(entry.clone());
        let first = |name: &str| entry.attrs.get(name).and_then(|v| v.first()).cloned();
        let Some(user_id) = first(&config.user_id_attribute) else {
            return Ok((ldap, None));
        };
        let groups = match &config.groups {
            GroupSource::Attribute { attribute } => Some(
                entry
                    .attrs
                    .get(attribute)
                    .map(|dns| dns.iter().filter_map(|dn| first_rdn_value(dn)).collect())
                    .unwrap_or_default(),
            ),
            GroupSource::Search { .. } => None,
        };
        let found = Found {
            display_name: first(&config.display_name_attribute).unwrap_or_else(|| user_id.clone()),
            dn: entry.dn,
            user_id,
            groups,
        };
        Ok((ldap, Some(found)))
    }

    /// The group search (`GroupSource::Search`), on the service connection.
    async fn search_groups(
        &self,
        ldap: &mut ldap3::Ldap,
        dn: &str,
        username: &str,
    ) -> Result<Vec<String>, DirectoryError> {
        let GroupSource::Search {
            base_dn,
            filter,
            name_attribute,
        } = &self.config.groups
        else {
            return Ok(Vec::new());
        };
        let filter = filter
            .replace("{dn}", &ldap_escape(dn))
            .replace("{uid}", &ldap_escape(username));
        let (groups, _) = ldap
            .with_timeout(self.config.operation_timeout)
            .search(
                base_dn,
                Scope::Subtree,
                &filter,
                vec![name_attribute.clone()],
            )
            .await
            .map_err(unavailable)?
            .success()
            .map_err(unavailable)?;
        Ok(groups
            .into_iter()
            .filter_map(|g| {
                SearchEntry::construct(g)
                    .attrs
                    .get(name_attribute)
                    .and_then(|v| v.first().cloned())
            })
            .collect())
    }

    /// Binds as `dn` on a connection of its own.
    async fn bind_as(&self, dn: &str, password: &str) -> Result<(), DirectoryError> {
        let mut ldap = self.connect().await?;
        let result = ldap
            .with_timeout(self.config.operation_timeout)
            .simple_bind(dn, password)
            .await
            .map_err(unavailable)?;
        let _ = ldap.unbind().await;
        // 49 invalid credentials, 32 no such object, 53 unwilling: all refusals.
        if result.rc == 0 {
            Ok(())
        } else {
            Err(DirectoryError::InvalidCredentials)
        }
    }

    /// A connection with TCP_NODELAY set (ldap3 does not set it; without it
    /// every TLS handshake stalls ~40 ms on Nagle and delayed ACKs).
    async fn connect(&self) -> Result<ldap3::Ldap, DirectoryError> {
        let config = &self.config;
        let url = url::Url::parse(&config.url)
            .map_err(|e| DirectoryError::Config(format!("url {:?}: {e}", config.url)))?;
        let host = url
            .host_str()
            .ok_or_else(|| DirectoryError::Config(format!("url {:?} has no host", config.url)))?
            .to_owned();
        let port = url
            .port()
            .unwrap_or(if url.scheme() == "ldaps" { 636 } else { 389 });
        let stream = tokio::time::timeout(
            config.connect_timeout,
            tokio::net::TcpStream::connect((host.as_str(), port)),
        )
        .await
        .map_err(|_| DirectoryError::Unavailable("connect timed out".into()))?
        .map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
        stream
            .set_nodelay(true)
            .map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
        let stream = stream
            .into_std()
            .map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
        let mut settings = LdapConnSettings::new()
            .set_conn_timeout(config.connect_timeout)
            .set_starttls(config.starttls)
            .set_std_stream(StdStream::Tcp(stream));
        if let Some(tls) = &self.tls {
            settings = settings.set_config(tls.clone());
        }
        let (conn, ldap) = LdapConnAsync::from_url_with_settings(settings, &url)
            .await
            .map_err(unavailable)?;
        ldap3::drive!(conn);
        Ok(ldap)
    }
}

fn unavailable(error: LdapError) -> DirectoryError {
    match error {
        LdapError::LdapResult { result } if result.rc == INVALID_CREDENTIALS => {
            DirectoryError::InvalidCredentials
        }
        other => DirectoryError::Unavailable(other.to_string()),
    }
}

/// `cn=Sales,ou=groups,dc=corp` → `Sales`.
fn first_rdn_value(dn: &str) -> Option<String> {
    let rdn = dn.split(',').next()?;
    let (_, value) = rdn.split_once('=')?;
    Some(value.trim().to_owned())
}

fn tls_config(ca_pem: &[u8]) -> Result<Arc<rustls::ClientConfig>, DirectoryError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        let cert = cert.map_err(|e| DirectoryError::Config(format!("CA file: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| DirectoryError::Config(format!("CA file: {e}")))?;
    }
    if roots.is_empty() {
        return Err(DirectoryError::Config(
            "CA file holds no certificate".into(),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DirectoryError::Config(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::first_rdn_value;

    #[test]
    fn group_names_from_dns() {
        assert_eq!(
            first_rdn_value("cn=Sales,ou=groups,dc=corp").as_deref(),
            Some("Sales")
        );
        assert_eq!(first_rdn_value("garbage"), None);
    }
}
