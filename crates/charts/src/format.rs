//! Number formatting of axis ticks. Values of data points are never formatted
//! here: they are the engine's `qText`. Ticks are not in the layout, so they are
//! formatted with the app's locale from `Doc.GetLocaleInfo`: `qThousandSep`,
//! `qDecimalSep` and `qNumericalAbbreviation` (default
//! `3:k;6:M;9:G;12:T;15:P;18:E;21:Z;24:Y;…`, Qlik's script variable
//! `NumericalAbbreviation`).

use serde_json::Value;

/// Qlik's default `NumericalAbbreviation`.
pub const DEFAULT_ABBREVIATIONS: &str =
    "3:k;6:M;9:G;12:T;15:P;18:E;21:Z;24:Y;-3:m;-6:μ;-9:n;-12:p;-15:f;-18:a;-21:z;-24:y";

/// The separators and abbreviations ticks are written with.
#[derive(Debug, Clone, PartialEq)]
pub struct Locale {
    /// Thousands separator (`qThousandSep`), e.g. `,`.
    pub thousand_sep: String,
    /// Decimal separator (`qDecimalSep`), e.g. `.`.
    pub decimal_sep: String,
    /// Positive powers of ten and their abbreviation, largest first.
    pub abbreviations: Vec<(i32, String)>,
}

impl Default for Locale {
    fn default() -> Self {
        Locale {
            thousand_sep: ",".into(),
            decimal_sep: ".".into(),
            abbreviations: parse_abbreviations(DEFAULT_ABBREVIATIONS),
        }
    }
}

impl Locale {
    /// Reads the answer of `Doc.GetLocaleInfo` (`{qReturn: {…}}` or the bare
    /// `LocaleInfo`); what is missing or blank keeps the default.
    pub fn from_locale_info(info: &Value) -> Locale {
        let info = info.get("qReturn").unwrap_or(info);
        let text = |key: &str| {
            info.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let mut locale = Locale::default();
        if let Some(sep) = text("qThousandSep") {
            locale.thousand_sep = sep.to_string();
        }
        if let Some(sep) = text("qDecimalSep") {
            locale.decimal_sep = sep.to_string();
        }
        if let Some(abbr) = text("qNumericalAbbreviation") {
            let parsed = parse_abbreviations(abbr);
            if !parsed.is_empty() {
                locale.abbreviations = parsed;
            }
        }
        locale
    }

    /// Formats evenly spaced ticks `step` apart: one abbreviation for the whole
    /// axis (the largest power not above the largest tick), and as many
    /// decimals as the step needs, without trailing zeros. `[0, 500000,
    /// 1000000]` → `0`, `0.5M`, `1M`.
    pub fn format_ticks(&self, ticks: &[f64], step: f64) -> Vec<String> {
        let largest = ticks.iter().fold(0.0_f64, |m, t| m.max(t.abs()));
        let (power, suffix) = self
            .abbreviations
            .iter()
            .find(|(p, _)| largest >= 10f64.powi(*p))
            .map(|(p, s)| (*p, s.as_str()))
            .unwrap_or((0, ""));
        let scale = 10f64.powi(power);
        let decimals = decimals_for(step / scale);
        ticks
            .iter()
            .map(|t| {
                let v = t / scale;
                let mut s = self.number(v, decimals);
                if decimals > 0 {
                    let kept = s.trim_end_matches('0').len();
                    s.truncate(kept);
                    if s.ends_with(self.decimal_sep.as_str()) {
                        s.truncate(s.len() - self.decimal_sep.len());
                    }
                }
                if v != 0.0 {
                    s.push_str(suffix);
                }
                s
            })
            .collect()
    }

    /// `value` with `decimals` decimals and grouped thousands.
    pub fn number(&self, value: f64, decimals: usize) -> String {
        let rounded = format!("{:.*}", decimals, value.abs());
        let (int, frac) = rounded.split_once('.').unwrap_or((&rounded, ""));
        let mut out = String::new();
        if value < 0.0 && rounded.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('-');
        }
        let digits: Vec<char> = int.chars().collect();
        for (i, d) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(&self.thousand_sep);
            }
            out.push(*d);
        }
        if !frac.is_empty() {
            out.push_str(&self.decimal_sep);
            out.push_str(frac);
        }
        out
    }
}

/// Parses `3:k;6:M;…` into positive powers, largest first (negative powers,
/// m/μ/n…, are not used for ticks).
pub fn parse_abbreviations(spec: &str) -> Vec<(i32, String)> {
    let mut out: Vec<(i32, String)> = spec
        .split(';')
        .filter_map(|pair| {
            let (p, s) = pair.split_once(':')?;
            let p: i32 = p.trim().parse().ok()?;
            (p > 0 && p <= 30 && !s.is_empty()).then(|| (p, s.to_string()))
        })
        .collect();
    out.sort_by_key(|a| std::cmp::Reverse(a.0));
    out
}

/// The decimals that show `step` exactly (at most 6).
fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 0;
    }
    (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn abbreviates_with_one_suffix_per_axis() {
        let l = Locale::default();
        assert_eq!(
            l.format_ticks(&[0.0, 500_000.0, 1_000_000.0, 1_500_000.0], 500_000.0),
            ["0", "0.5M", "1M", "1.5M"]
        );
        assert_eq!(
            l.format_ticks(&[0.0, 200.0, 400.0], 200.0),
            ["0", "200", "400"]
        );
        assert_eq!(
            l.format_ticks(&[-2000.0, 0.0, 2000.0], 2000.0),
            ["-2k", "0", "2k"]
        );
        assert_eq!(
            l.format_ticks(&[0.0, 0.25, 0.5], 0.25),
            ["0", "0.25", "0.5"]
        );
    }

    #[test]
    fn uses_the_apps_separators_and_abbreviations() {
        let l = Locale::from_locale_info(&json!({"qReturn": {
            "qDecimalSep": ",", "qThousandSep": ".",
            "qNumericalAbbreviation": "3:t;6:M;9:B"}}));
        assert_eq!(
            l.format_ticks(&[0.0, 2500.0, 5000.0], 2500.0),
            ["0", "2,5t", "5t"]
        );
        assert_eq!(l.format_ticks(&[0.0, 3e9], 3e9), ["0", "3B"]);
        assert_eq!(l.number(1234567.5, 1), "1.234.567,5");
    }

    #[test]
    fn blank_locale_fields_keep_defaults() {
        let l =
            Locale::from_locale_info(&json!({"qDecimalSep": "", "qNumericalAbbreviation": "x"}));
        assert_eq!(l, Locale::default());
    }
}
