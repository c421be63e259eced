//! The JSON shapes of the QPS API (Qlik's PascalCase spelling).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Qlik user: user directory and user id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UserRef {
    /// The user directory, e.g. `CORP`.
    pub directory: String,
    /// The user id within the directory, e.g. `jdoe`.
    pub id: String,
}

impl UserRef {
    /// A user from its directory and id.
    pub fn new(directory: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            directory: directory.into(),
            id: id.into(),
        }
    }
}

/// One ticket/session attribute, e.g. `("Group", "Sales")`. On the wire each is
/// a single-key object `{"Group": "Sales"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Attribute name.
    pub name: String,
    /// Attribute value (may be empty).
    pub value: String,
}

impl Serialize for Attribute {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(&self.name, &self.value)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for Attribute {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        let mut entries = map.into_iter();
        match (entries.next(), entries.next()) {
            (Some((name, value)), None) => Ok(Attribute {
                name,
                value: match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                },
            }),
            _ => Err(serde::de::Error::custom(
                "an attribute must be an object with exactly one key",
            )),
        }
    }
}

/// A ticket issued by QPS: single use, valid for about a minute. Its value is a
/// secret and never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Ticket(String);

impl Ticket {
    /// Wraps a ticket string.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The ticket string, to put in a `qlikTicket=` parameter.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ticket(<redacted>)")
    }
}

/// A proxy session as QPS reports it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ProxySession {
    /// The user directory.
    #[serde(rename = "UserDirectory", alias = "userDirectory")]
    pub user_directory: String,
    /// The user id.
    #[serde(rename = "UserId", alias = "userId")]
    pub user_id: String,
    /// The attributes given with the ticket or session.
    #[serde(
        rename = "Attributes",
        alias = "attributes",
        default,
        deserialize_with = "null_as_empty"
    )]
    pub attributes: Vec<Attribute>,
    /// The session id (the value of the proxy's session cookie): a secret.
    #[serde(rename = "SessionId", alias = "sessionId")]
    pub session_id: String,
}

fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Attribute>, D::Error> {
    Ok(Option::<Vec<Attribute>>::deserialize(d)?.unwrap_or_default())
}

/// Body of a ticket or session request.
#[derive(Debug, Serialize)]
pub(crate) struct UserRequest<'a> {
    #[serde(rename = "UserDirectory")]
    pub user_directory: &'a str,
    #[serde(rename = "UserId")]
    pub user_id: &'a str,
    #[serde(rename = "Attributes")]
    pub attributes: &'a [Attribute],
    #[serde(rename = "SessionId", skip_serializing_if = "Option::is_none")]
    pub session_id: Option<&'a str>,
}

/// The answer to a ticket request.
#[derive(Debug, Deserialize)]
pub(crate) struct TicketResponse {
    #[serde(rename = "Ticket", alias = "ticket")]
    pub ticket: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_single_key_objects() {
        let attrs = vec![Attribute {
            name: "Group".into(),
            value: "Sales".into(),
        }];
        assert_eq!(
            serde_json::to_string(&attrs).unwrap(),
            r#"[{"Group":"Sales"}]"#
        );
        let back: Vec<Attribute> = serde_json::from_str(r#"[{"Group":"Sales"}]"#).unwrap();
        assert_eq!(back, attrs);
        assert!(serde_json::from_str::<Attribute>(r#"{"a":"1","b":"2"}"#).is_err());
    }

    #[test]
    fn tickets_are_redacted_in_debug() {
        assert_eq!(format!("{:?}", Ticket::new("SECRET")), "Ticket(<redacted>)");
    }

    #[test]
    fn sessions_parse_in_both_spellings() {
        let classic: ProxySession = serde_json::from_str(
            r#"{"UserDirectory":"CORP","UserId":"jdoe","Attributes":null,"SessionId":"s"}"#,
        )
        .unwrap();
        let open_api: ProxySession = serde_json::from_str(
            r#"{"userDirectory":"CORP","userId":"jdoe","attributes":[],"sessionId":"s"}"#,
        )
        .unwrap();
        assert_eq!(classic, open_api);
    }
}
