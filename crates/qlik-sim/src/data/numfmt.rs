//! The engine's number formatting: a value, a `qNumFormat`
//! (`FieldAttributes`) and the app's [`Locale`] → the `qText` Qlik shows.
//! The rules and their sources are in docs/qlik-protocol.md ("Number
//! formats").

mod datetime;
mod digits;
mod pattern;

use serde_json::{Value, json};

use super::locale::Locale;
use pattern::{Pattern, Section};

pub(crate) use datetime::civil_from_days;

/// `FieldAttributes.qType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `U`: automatic.
    Unknown,
    /// `A`: no formatting.
    Ascii,
    /// `I`.
    Integer,
    /// `R`.
    Real,
    /// `F`.
    Fix,
    /// `M`.
    Money,
    /// `D`.
    Date,
    /// `T`.
    Time,
    /// `TS`.
    Timestamp,
    /// `IV`.
    Interval,
}

impl Kind {
    /// The type named by a `qType` (short or long name); unknown names are
    /// `U`, as a missing one is.
    pub fn parse(name: &str) -> Self {
        match name.to_ascii_uppercase().as_str() {
            "A" | "ASCII" => Kind::Ascii,
            "I" | "INTEGER" => Kind::Integer,
            "R" | "REAL" => Kind::Real,
            "F" | "FIX" => Kind::Fix,
            "M" | "MONEY" => Kind::Money,
            "D" | "DATE" => Kind::Date,
            "T" | "TIME" => Kind::Time,
            "TS" | "TIMESTAMP" => Kind::Timestamp,
            "IV" | "INTERVAL" => Kind::Interval,
            _ => Kind::Unknown,
        }
    }

    /// The short name (`U`, `M`, `TS`, …).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unknown => "U",
            Kind::Ascii => "A",
            Kind::Integer => "I",
            Kind::Real => "R",
            Kind::Fix => "F",
            Kind::Money => "M",
            Kind::Date => "D",
            Kind::Time => "T",
            Kind::Timestamp => "TS",
            Kind::Interval => "IV",
        }
    }
}

/// A `qNumFormat` (`FieldAttributes`).
#[derive(Debug, Clone, PartialEq)]
pub struct NumFormat {
    /// `qType`.
    pub kind: Kind,
    /// `qFmt`: the pattern (empty: none).
    pub fmt: String,
    /// `qDec`: the decimal separator, if set.
    pub dec: Option<String>,
    /// `qThou`: the thousands separator, if set.
    pub thou: Option<String>,
    /// `qUseThou`.
    pub use_thou: bool,
    /// `qnDec` (default 10).
    pub n_dec: usize,
}

impl Default for NumFormat {
    /// `U`, as for a measure without `qNumFormat`.
    fn default() -> Self {
        Self {
            kind: Kind::Unknown,
            fmt: String::new(),
            dec: None,
            thou: None,
            use_thou: false,
            n_dec: 10,
        }
    }
}

impl NumFormat {
    /// Reads a `qNumFormat` object; anything missing takes the schema's
    /// default (a missing or non-object value is `U`).
    pub fn from_json(value: &Value) -> Self {
        let text = |key: &str| {
            value[key]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Self {
            kind: Kind::parse(value["qType"].as_str().unwrap_or_default()),
            fmt: text("qFmt").unwrap_or_default(),
            dec: text("qDec"),
            thou: text("qThou"),
            use_thou: value["qUseThou"].as_i64().unwrap_or(0) != 0,
            n_dec: value["qnDec"]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(10)
                .min(20),
        }
    }

    /// The `qNumFormat` of a layout's `qMeasureInfo`: `qType`, `qnDec`,
    /// `qUseThou`, and `qFmt`, `qDec`, `qThou` where set.
    pub fn to_json(&self) -> Value {
        let mut value = json!({"qType": self.kind.name(), "qnDec": self.n_dec,
            "qUseThou": i32::from(self.use_thou)});
        if !self.fmt.is_empty() {
            value["qFmt"] = json!(self.fmt);
        }
        if let Some(dec) = &self.dec {
            value["qDec"] = json!(dec);
        }
        if let Some(thou) = &self.thou {
            value["qThou"] = json!(thou);
        }
        value
    }

    /// `qIsAutoFormat`: the type is `U`.
    pub fn is_auto(&self) -> bool {
        self.kind == Kind::Unknown
    }
}

/// A pattern of dates and times rather than digits (a `qFmt` wins over the
/// type: `YYYY-MM-DD` on an `F` measure formats a date).
fn is_datetime_pattern(pattern: &str) -> bool {
    !pattern.contains(['0', '#']) && pattern.contains(['Y', 'M', 'D', 'W', 'h', 'm', 's', 'f'])
}

/// The text of `value` in Qlik's general number format (`Evaluate`,
/// `qType` `A`, `I` without a pattern): up to 15 significant digits, no
/// thousands separator, the locale's decimal separator.
pub fn general(value: f64, locale: &Locale) -> String {
    if !value.is_finite() {
        return "-".to_owned();
    }
    let (int, frac) = digits::general(value);
    let sign = if value < 0.0 && (int != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}{}{frac}", locale.decimal_sep)
    }
}

/// The automatic format (`U`): whole numbers plainly, others with two
/// decimals, thousands separated; the locale's separators.
fn auto(value: f64, locale: &Locale) -> String {
    let (_, cents) = digits::fixed(value, 2);
    let decimals = if cents == "00" { 0 } else { 2 };
    Pattern::of(Section::plain(3, decimals, decimals)).format(
        value,
        &locale.decimal_sep,
        &locale.thousand_sep,
    )
}

/// Formats with a pattern: dates and times, or digits whose separators are
/// `qDec`/`qThou` if set, else the given ones.
fn with_pattern(
    value: f64,
    pattern: &str,
    kind: Kind,
    format: &NumFormat,
    locale: &Locale,
    seps: (&str, &str),
) -> String {
    if is_datetime_pattern(pattern) {
        return datetime::format(value, pattern, locale, kind == Kind::Interval);
    }
    let decimal = format.dec.as_deref().unwrap_or(seps.0);
    let thousand = format.thou.as_deref().unwrap_or(seps.1);
    Pattern::parse(pattern, decimal, thousand).format(value, decimal, thousand)
}

/// The `qText` of a value under a number format: `-` for null (and NaN).
pub fn format(value: Option<f64>, format: &NumFormat, locale: &Locale) -> String {
    let Some(value) = value.filter(|v| v.is_finite()) else {
        return "-".to_owned();
    };
    let numbers = (locale.decimal_sep.as_str(), locale.thousand_sep.as_str());
    let money = (
        locale.money_decimal_sep.as_str(),
        locale.money_thousand_sep.as_str(),
    );
    let fmt = format.fmt.as_str();
    match format.kind {
        Kind::Unknown => auto(value, locale),
        Kind::Ascii => general(value, locale),
        Kind::Money if fmt.is_empty() => {
            Pattern::parse(&locale.money_format, money.0, money.1).format(value, money.0, money.1)
        }
        Kind::Money => with_pattern(value, fmt, Kind::Money, format, locale, money),
        Kind::Date | Kind::Time | Kind::Timestamp | Kind::Interval => {
            let pattern = match (fmt, format.kind) {
                ("", Kind::Date) => locale.date_format.as_str(),
                ("", Kind::Timestamp) => locale.timestamp_format.as_str(),
                ("", _) => locale.time_format.as_str(),
                (fmt, _) => fmt,
            };
            with_pattern(value, pattern, format.kind, format, locale, numbers)
        }
        kind if !fmt.is_empty() => with_pattern(value, fmt, kind, format, locale, numbers),
        Kind::Integer => general(value, locale),
        Kind::Real => {
            let decimals = if format.n_dec == 0 { 14 } else { format.n_dec };
            let decimal = format.dec.as_deref().unwrap_or(numbers.0);
            Pattern::of(Section::plain(0, 0, decimals)).format(value, decimal, "")
        }
        Kind::Fix => {
            let decimal = format.dec.as_deref().unwrap_or(numbers.0);
            let thousand = format.thou.as_deref().unwrap_or(numbers.1);
            let group = if format.use_thou { 3 } else { 0 };
            Pattern::of(Section::plain(group, format.n_dec, format.n_dec))
                .format(value, decimal, thousand)
        }
    }
}

#[cfg(test)]
mod tests;
