//! The engine structures the client's own calls use; layouts and object
//! properties are in [`super::layout`].

use serde::{Deserialize, Deserializer, Serialize};

/// A Qlik number: the engine sends NaN and infinities as the strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QNum(pub f64);

impl<'de> Deserialize<'de> for QNum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Ok(QNum(n)),
            Raw::Text(t) => match t.as_str() {
                "NaN" => Ok(QNum(f64::NAN)),
                "Infinity" | "+Infinity" => Ok(QNum(f64::INFINITY)),
                "-Infinity" => Ok(QNum(f64::NEG_INFINITY)),
                other => other
                    .parse()
                    .map(QNum)
                    .map_err(|_| serde::de::Error::custom(format!("not a Qlik number: {other:?}"))),
            },
        }
    }
}

impl QNum {
    /// The number, `None` for NaN (text-only values).
    pub fn value(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

/// A rectangle of a data page to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NxPage {
    /// First column.
    #[serde(rename = "qLeft")]
    pub left: u32,
    /// First row.
    #[serde(rename = "qTop")]
    pub top: u32,
    /// Number of columns.
    #[serde(rename = "qWidth")]
    pub width: u32,
    /// Number of rows.
    #[serde(rename = "qHeight")]
    pub height: u32,
}

/// The reference to an engine object that `OpenDoc`, `GetObject` and friends return.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ObjectInterface {
    /// `Doc`, `GenericObject`, `Field`, …; `None` when the object was not found.
    #[serde(rename = "qType")]
    pub kind: Option<String>,
    /// The socket-local handle; `None` when the object was not found.
    #[serde(rename = "qHandle")]
    pub handle: Option<i64>,
    /// The object's id.
    #[serde(rename = "qGenericId", default)]
    pub generic_id: String,
    /// For generic objects, their `qInfo.qType`.
    #[serde(rename = "qGenericType", default)]
    pub generic_type: String,
}

/// A value to select with `Field::select_values`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldValue {
    /// The text of the value.
    #[serde(rename = "qText")]
    pub text: String,
    /// True when `number` is to be matched instead of the text.
    #[serde(rename = "qIsNumeric")]
    pub is_numeric: bool,
    /// The number, when numeric.
    #[serde(rename = "qNumber")]
    pub number: f64,
}

impl FieldValue {
    /// A text value.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            is_numeric: false,
            number: 0.0,
        }
    }
    /// A numeric value.
    pub fn number(number: f64) -> Self {
        Self {
            text: String::new(),
            is_numeric: true,
            number,
        }
    }
}

/// A bookmark as `Doc::bookmarks` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookmarkEntry {
    /// The bookmark id (`qInfo.qId`).
    pub id: String,
    /// Its title (`qMeta.title`).
    pub title: String,
    /// When it was created (`qMeta.createdDate`, ISO 8601), if the engine says.
    pub created: Option<String>,
}

impl BookmarkEntry {
    /// From an `NxContainerEntry`; `None` without an id. The title is
    /// `qMeta.title`, else the `qData.title` the list asked for.
    pub(crate) fn from_entry(entry: &serde_json::Value) -> Option<Self> {
        let text = |pointer: &str| entry.pointer(pointer).and_then(|v| v.as_str());
        Some(Self {
            id: text("/qInfo/qId")?.to_owned(),
            title: text("/qMeta/title")
                .or_else(|| text("/qData/title"))
                .unwrap_or_default()
                .to_owned(),
            created: text("/qMeta/createdDate").map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_qlik_special_numbers() {
        let inf: QNum = serde_json::from_str(r#""-Infinity""#).unwrap();
        assert_eq!(inf.0, f64::NEG_INFINITY);
        let n: QNum = serde_json::from_str("12.5").unwrap();
        assert_eq!(n.value(), Some(12.5));
        assert!(serde_json::from_str::<QNum>(r#""abc""#).is_err());
    }

    #[test]
    fn reads_bookmark_entries() {
        let entry = serde_json::json!({"qInfo": {"qId": "b1", "qType": "bookmark"},
            "qMeta": {"title": "Q1", "createdDate": "2026-01-02T03:04:05.000Z"}, "qData": {}});
        assert_eq!(
            BookmarkEntry::from_entry(&entry),
            Some(BookmarkEntry {
                id: "b1".into(),
                title: "Q1".into(),
                created: Some("2026-01-02T03:04:05.000Z".into()),
            })
        );
        let bare = serde_json::json!({"qInfo": {"qId": "b2"}, "qData": {"title": "From data"}});
        let bare = BookmarkEntry::from_entry(&bare).unwrap();
        assert_eq!((bare.title.as_str(), bare.created), ("From data", None));
        assert_eq!(BookmarkEntry::from_entry(&serde_json::json!({})), None);
    }
}
