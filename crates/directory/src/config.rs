//! LDAP settings (`[ldap]` in the server configuration).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Where group memberships come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GroupSource {
    /// A multi-valued attribute of the user entry holding group DNs (`memberOf`);
    /// the group name is the value of the DN's first RDN (`cn=Sales,…` → `Sales`).
    Attribute {
        /// The attribute, e.g. `memberOf`.
        attribute: String,
    },
    /// A search for groups; `{dn}` in the filter is replaced by the user's
    /// escaped DN, `{uid}` by the escaped username.
    Search {
        /// Where groups live.
        base_dn: String,
        /// e.g. `(&(objectClass=groupOfNames)(member={dn}))`.
        filter: String,
        /// Attribute with the group's name, e.g. `cn`.
        name_attribute: String,
    },
}

/// How to reach and use the directory. Its `Debug` output leaves out the
/// service account's password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LdapConfig {
    /// `ldap://host:389` or `ldaps://host:636`.
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS.
    #[serde(default)]
    pub starttls: bool,
    /// PEM file of the CA to trust for LDAPS/StartTLS (else the system's roots).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// The read-only service account used for the search.
    pub bind_dn: String,
    /// Its password.
    pub bind_password: String,
    /// Where users live.
    pub base_dn: String,
    /// Search filter; `{}` is replaced by the escaped username.
    #[serde(default = "default_user_filter")]
    pub user_filter: String,
    /// Attribute whose value is the Qlik user id.
    #[serde(default = "default_user_id_attribute")]
    pub user_id_attribute: String,
    /// Attribute with the display name.
    #[serde(default = "default_display_name_attribute")]
    pub display_name_attribute: String,
    /// Group memberships (become the ticket's `Group` attributes).
    #[serde(default = "default_groups")]
    pub groups: GroupSource,
    /// Connect (and TLS handshake) timeout.
    #[serde(default = "default_timeout", with = "seconds")]
    pub connect_timeout: Duration,
    /// Timeout of each operation.
    #[serde(default = "default_timeout", with = "seconds")]
    pub operation_timeout: Duration,
}

impl std::fmt::Debug for LdapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LdapConfig")
            .field("url", &self.url)
            .field("starttls", &self.starttls)
            .field("ca_file", &self.ca_file)
            .field("bind_dn", &self.bind_dn)
            .field("bind_password", &"<redacted>")
            .field("base_dn", &self.base_dn)
            .field("user_filter", &self.user_filter)
            .field("user_id_attribute", &self.user_id_attribute)
            .field("display_name_attribute", &self.display_name_attribute)
            .field("groups", &self.groups)
            .field("connect_timeout", &self.connect_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .finish()
    }
}

fn default_user_filter() -> String {
    "(&(objectClass=inetOrgPerson)(uid={}))".into()
}
fn default_user_id_attribute() -> String {
    "uid".into()
}
fn default_display_name_attribute() -> String {
    "cn".into()
}
fn default_groups() -> GroupSource {
    GroupSource::Attribute {
        attribute: "memberOf".into(),
    }
}
fn default_timeout() -> Duration {
    Duration::from_secs(5)
}

/// Durations as whole seconds in the configuration.
mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}
