//! The ids of the dashboard's objects: `filter-0`, `kpi-1`, `chart-0`,
//! `table-2`, `pivot-0` for the configured ones (kind and index in the configuration),
//! the Qlik id for master objects. They travel to the browser as strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kind of a configured dashboard object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// A list box on a configured filter field.
    Filter,
    /// A configured key figure.
    Kpi,
    /// A configured chart.
    Chart,
    /// A configured table.
    Table,
    /// A configured pivot table.
    Pivot,
}

impl ObjectKind {
    const ALL: [ObjectKind; 5] = [
        Self::Filter,
        Self::Kpi,
        Self::Chart,
        Self::Table,
        Self::Pivot,
    ];

    /// The prefix of its ids.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Filter => "filter",
            Self::Kpi => "kpi",
            Self::Chart => "chart",
            Self::Table => "table",
            Self::Pivot => "pivot",
        }
    }
}

/// A dashboard object's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ObjectId {
    /// The `index`-th configured object of a kind.
    Configured {
        /// Its kind.
        kind: ObjectKind,
        /// Its place in the configuration's list of that kind.
        index: usize,
    },
    /// An app master object, by its Qlik id.
    Master(String),
}

impl ObjectId {
    /// The id of the `index`-th configured object of `kind`.
    pub fn configured(kind: ObjectKind, index: usize) -> Self {
        Self::Configured { kind, index }
    }

    /// The index when this is the id of a configured object of `kind`.
    pub fn index_of(&self, kind: ObjectKind) -> Option<usize> {
        match self {
            Self::Configured { kind: k, index } if *k == kind => Some(*index),
            _ => None,
        }
    }
}

impl Default for ObjectId {
    fn default() -> Self {
        Self::Master(String::new())
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Configured { kind, index } => write!(f, "{}-{index}", kind.prefix()),
            Self::Master(id) => f.write_str(id),
        }
    }
}

impl FromStr for ObjectId {
    type Err = std::convert::Infallible;

    /// `kind-index` for a configured object; any other text is a master id.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let configured = text.rsplit_once('-').and_then(|(prefix, index)| {
            let kind = ObjectKind::ALL.into_iter().find(|k| k.prefix() == prefix)?;
            let canonical = index == "0" || !index.starts_with('0');
            let index = index.parse().ok().filter(|_| canonical)?;
            Some(Self::Configured { kind, index })
        });
        Ok(configured.unwrap_or_else(|| Self::Master(text.to_owned())))
    }
}

impl Serialize for ObjectId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ObjectId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let Ok(id) = text.parse();
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_and_parse_back() {
        for kind in ObjectKind::ALL {
            for index in [0, 7, 12] {
                let id = ObjectId::configured(kind, index);
                assert_eq!(id.to_string().parse::<ObjectId>(), Ok(id.clone()));
            }
        }
        assert_eq!(
            ObjectId::configured(ObjectKind::Kpi, 2).to_string(),
            "kpi-2"
        );
        for master in ["m1", "kpi-x", "kpi-01", "table-", "abc-def-1"] {
            assert_eq!(master.parse(), Ok(ObjectId::Master(master.to_owned())));
        }
    }

    #[test]
    fn ids_travel_as_strings() {
        let id = ObjectId::configured(ObjectKind::Filter, 3);
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""filter-3""#);
        assert_eq!(
            serde_json::from_str::<ObjectId>(r#""filter-3""#).unwrap(),
            id
        );
        assert_eq!(
            serde_json::from_str::<ObjectId>(r#""m1""#).unwrap(),
            ObjectId::Master("m1".into())
        );
    }
}
