//! A small in-process LDAP server (ldap3_proto) seeded with demo users, for
//! `cargo leptos serve` without a directory. Loopback only, no TLS. It speaks
//! enough LDAP for the authenticator: simple bind, search (base, one level,
//! subtree; and/or/not, equality, presence, substrings), WhoAmI, unbind.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use ldap3_proto::{
    LdapCodec, LdapFilter, LdapMsg, LdapPartialAttribute, LdapResultCode, LdapSearchResultEntry,
    LdapSearchScope, ServerOps,
};
use serde::Deserialize;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

use crate::config::{GroupSource, LdapConfig};
use crate::error::DirectoryError;

/// The demo seed shipped with the crate.
const DEFAULT_SEED: &str = include_str!("../demo-directory.toml");

/// Users and groups to serve.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoSeed {
    /// Suffix of every entry.
    pub base_dn: String,
    /// The service account the server uses for searches.
    pub service: DemoAccount,
    /// The users.
    pub users: Vec<DemoUser>,
}

/// A bindable account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    /// Its DN.
    pub dn: String,
    /// Its password.
    pub password: String,
}

/// A demo user (an inetOrgPerson under `ou=people`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoUser {
    /// Login name.
    pub uid: String,
    /// Display name.
    pub cn: String,
    /// E-mail.
    pub mail: String,
    /// Password.
    pub password: String,
    /// Group names (groupOfNames under `ou=groups`, and `memberOf`).
    pub groups: Vec<String>,
}

impl DemoSeed {
    /// The seed shipped with the crate (`demo-directory.toml`).
    pub fn builtin() -> Result<Self, DirectoryError> {
        Self::from_toml(DEFAULT_SEED)
    }

    /// Parses a seed file's contents.
    pub fn from_toml(text: &str) -> Result<Self, DirectoryError> {
        toml::from_str(text).map_err(|e| DirectoryError::Config(format!("demo directory: {e}")))
    }
}

#[derive(Debug, Clone)]
struct Entry {
    dn: String,
    password: Option<String>,
    attributes: BTreeMap<String, Vec<String>>,
}

/// The running embedded directory; stops when dropped.
#[derive(Debug)]
pub struct EmbeddedDirectory {
    url: String,
    config: LdapConfig,
    task: tokio::task::JoinHandle<()>,
}

impl EmbeddedDirectory {
    /// Starts serving `seed` on a free loopback port.
    pub async fn start(seed: DemoSeed) -> Result<Self, DirectoryError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
        let addr = listener
            .local_addr()
            .map_err(|e| DirectoryError::Unavailable(e.to_string()))?;
        let url = format!("ldap://{addr}");
        let entries = Arc::new(entries(&seed));
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, entries.clone()));
            }
        });
        let config = LdapConfig {
            url: url.clone(),
            starttls: false,
            ca_file: None,
            bind_dn: seed.service.dn.clone(),
            bind_password: seed.service.password.clone(),
            base_dn: format!("ou=people,{}", seed.base_dn),
            user_filter: "(&(objectClass=inetOrgPerson)(uid={}))".into(),
            user_id_attribute: "uid".into(),
            display_name_attribute: "cn".into(),
            groups: GroupSource::Attribute {
                attribute: "memberOf".into(),
            },
            connect_timeout: Duration::from_secs(2),
            operation_timeout: Duration::from_secs(2),
        };
        Ok(Self { url, config, task })
    }

    /// `ldap://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Settings that point the authenticator at this directory.
    pub fn ldap_config(&self) -> LdapConfig {
        self.config.clone()
    }
}

impl Drop for EmbeddedDirectory {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn entries(seed: &DemoSeed) -> Vec<Entry> {
    let base = &seed.base_dn;
    let group_dn = |g: &str| format!("cn={g},ou=groups,{base}");
    let mut list = vec![Entry {
        dn: seed.service.dn.clone(),
        password: Some(seed.service.password.clone()),
        attributes: BTreeMap::from([("objectclass".into(), vec!["person".into()])]),
    }];
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for user in &seed.users {
        let dn = format!("uid={},ou=people,{base}", user.uid);
        for group in &user.groups {
            groups.entry(group.clone()).or_default().push(dn.clone());
        }
        list.push(Entry {
            dn,
            password: Some(user.password.clone()),
            attributes: BTreeMap::from([
                (
                    "objectclass".into(),
                    vec!["top".into(), "person".into(), "inetOrgPerson".into()],
                ),
                ("uid".into(), vec![user.uid.clone()]),
                ("cn".into(), vec![user.cn.clone()]),
                ("mail".into(), vec![user.mail.clone()]),
                (
                    "memberof".into(),
                    user.groups.iter().map(|g| group_dn(g)).collect(),
                ),
            ]),
        });
    }
    for (group, members) in groups {
        list.push(Entry {
            dn: group_dn(&group),
            password: None,
            attributes: BTreeMap::from([
                ("objectclass".into(), vec!["groupOfNames".into()]),
                ("cn".into(), vec![group]),
                ("member".into(), members),
            ]),
        });
    }
    list
}

async fn serve(stream: TcpStream, entries: Arc<Vec<Entry>>) {
    let mut framed = Framed::new(stream, LdapCodec::default());
    let mut bound: Option<String> = None;
    while let Some(Ok(message)) = framed.next().await {
        let Ok(op) = ServerOps::try_from(message) else {
            break;
        };
        let replies: Vec<LdapMsg> = match op {
            ServerOps::SimpleBind(bind) => {
                let ok = !bind.pw.is_empty()
                    && entries.iter().any(|e| {
                        e.dn.eq_ignore_ascii_case(&bind.dn)
                            && e.password.as_deref() == Some(&bind.pw)
                    });
                if ok {
                    bound = Some(bind.dn.clone());
                    vec![bind.gen_success()]
                } else if bind.dn.is_empty() && bind.pw.is_empty() {
                    bound = None;
                    vec![bind.gen_success()]
                } else {
                    bound = None;
                    vec![bind.gen_invalid_cred()]
                }
            }
            ServerOps::Search(search) => {
                if bound.is_none() {
                    vec![
                        search.gen_error(
                            LdapResultCode::InsufficentAccessRights,
                            "bind first".into(),
                        ),
                    ]
                } else {
                    let mut out: Vec<LdapMsg> = entries
                        .iter()
                        .filter(|e| in_scope(&e.dn, &search.base, &search.scope))
                        .filter(|e| matches(e, &search.filter))
                        .map(|e| search.gen_result_entry(result_entry(e, &search.attrs)))
                        .collect();
                    out.push(search.gen_success());
                    out
                }
            }
            ServerOps::Whoami(whoami) => {
                vec![whoami.gen_success(&format!("dn: {}", bound.as_deref().unwrap_or_default()))]
            }
            ServerOps::Unbind(_) => break,
            ServerOps::Compare(compare) => {
                vec![compare.gen_error(LdapResultCode::UnwillingToPerform, "not supported".into())]
            }
            ServerOps::Abandon { .. } => Vec::new(),
        };
        for reply in replies {
            if framed.send(reply).await.is_err() {
                return;
            }
        }
    }
}

fn in_scope(dn: &str, base: &str, scope: &LdapSearchScope) -> bool {
    let (dn, base) = (dn.to_ascii_lowercase(), base.to_ascii_lowercase());
    match scope {
        LdapSearchScope::Base => dn == base,
        LdapSearchScope::OneLevel => dn.split_once(',').is_some_and(|(_, parent)| parent == base),
        LdapSearchScope::Subtree => dn == base || dn.ends_with(&format!(",{base}")),
        LdapSearchScope::Children => dn.ends_with(&format!(",{base}")),
    }
}

fn values<'a>(entry: &'a Entry, attribute: &str) -> &'a [String] {
    entry
        .attributes
        .get(&attribute.to_ascii_lowercase())
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn matches(entry: &Entry, filter: &LdapFilter) -> bool {
    match filter {
        LdapFilter::And(all) => all.iter().all(|f| matches(entry, f)),
        LdapFilter::Or(any) => any.iter().any(|f| matches(entry, f)),
        LdapFilter::Not(inner) => !matches(entry, inner),
        LdapFilter::Equality(attribute, value) => values(entry, attribute)
            .iter()
            .any(|v| v.eq_ignore_ascii_case(value)),
        LdapFilter::Present(attribute) => !values(entry, attribute).is_empty(),
        LdapFilter::Substring(attribute, sub) => values(entry, attribute).iter().any(|v| {
            let v = v.to_lowercase();
            let mut rest = v.as_str();
            if let Some(initial) = &sub.initial {
                let Some(after) = rest.strip_prefix(&initial.to_lowercase()) else {
                    return false;
                };
                rest = after;
            }
            for part in &sub.any {
                let part = part.to_lowercase();
                let Some(at) = rest.find(&part) else {
                    return false;
                };
                rest = &rest[at + part.len()..];
            }
            sub.final_
                .as_ref()
                .is_none_or(|f| rest.ends_with(&f.to_lowercase()))
        }),
        _ => false,
    }
}

fn result_entry(entry: &Entry, requested: &[String]) -> LdapSearchResultEntry {
    let wanted = |name: &str| {
        requested.is_empty()
            || requested
                .iter()
                .any(|r| r == "*" || r.eq_ignore_ascii_case(name))
    };
    LdapSearchResultEntry {
        dn: entry.dn.clone(),
        attributes: entry
            .attributes
            .iter()
            .filter(|(name, _)| wanted(name))
            .map(|(name, vals)| LdapPartialAttribute {
                atype: display_name(name, requested),
                vals: vals.iter().map(|v| v.as_bytes().to_vec()).collect(),
            })
            .collect(),
    }
}

/// Answer with the attribute name as the client spelled it (`memberOf`).
fn display_name(stored: &str, requested: &[String]) -> String {
    requested
        .iter()
        .find(|r| r.eq_ignore_ascii_case(stored))
        .cloned()
        .unwrap_or_else(|| stored.to_owned())
}
