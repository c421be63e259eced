//! An app's locale: the number-interpretation variables its load script
//! sets (`SET ThousandSep=',';` …), Qlik's defaults for an en-US app, and the
//! engine's `LocaleInfo` built from them.

mod script;

use serde_json::{Value, json};

use super::numfmt::civil_from_days;

pub use script::from_script;

/// The current year (UTC), for `qCurrentYear`.
pub fn current_year() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days(i64::try_from(seconds / 86_400).unwrap_or(0)).0
}

/// The number-interpretation variables of an app (Qlik's names in the
/// comments). [`Locale::default`] is what a new en-US Qlik Sense app's script
/// sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Locale {
    /// `ThousandSep`.
    pub thousand_sep: String,
    /// `DecimalSep`.
    pub decimal_sep: String,
    /// `MoneyThousandSep`.
    pub money_thousand_sep: String,
    /// `MoneyDecimalSep`.
    pub money_decimal_sep: String,
    /// `MoneyFormat`, a number format pattern (`$#,##0.00;-$#,##0.00`).
    pub money_format: String,
    /// `DateFormat`.
    pub date_format: String,
    /// `TimeFormat`.
    pub time_format: String,
    /// `TimestampFormat`.
    pub timestamp_format: String,
    /// `MonthNames`: twelve short month names.
    pub month_names: Vec<String>,
    /// `LongMonthNames`: twelve month names.
    pub long_month_names: Vec<String>,
    /// `DayNames`: seven short day names, Monday first.
    pub day_names: Vec<String>,
    /// `LongDayNames`: seven day names, Monday first.
    pub long_day_names: Vec<String>,
    /// `FirstWeekDay`: 0 = Monday … 6 = Sunday.
    pub first_week_day: i64,
    /// `BrokenWeeks`.
    pub broken_weeks: bool,
    /// `ReferenceDay`: the day of January always in week 1 (0: none).
    pub reference_day: i64,
    /// `FirstMonthOfYear`: 1 = January.
    pub first_month_of_year: i64,
    /// `CollationLocale`, a language tag (`en-US`).
    pub collation_locale: String,
    /// `NumericalAbbreviation` (`3:k;6:M;…`).
    pub numerical_abbreviation: String,
}

fn names(list: &str) -> Vec<String> {
    list.split(';').map(str::to_owned).collect()
}

impl Default for Locale {
    /// The `SET` lines Qlik Sense writes at the top of a new app's script in
    /// an en-US environment (docs/qlik-protocol.md, "Number formats").
    fn default() -> Self {
        Self {
            thousand_sep: ",".into(),
            decimal_sep: ".".into(),
            money_thousand_sep: ",".into(),
            money_decimal_sep: ".".into(),
            money_format: "$#,##0.00;-$#,##0.00".into(),
            date_format: "M/D/YYYY".into(),
            time_format: "h:mm:ss TT".into(),
            timestamp_format: "M/D/YYYY h:mm:ss[.fff] TT".into(),
            month_names: names("Jan;Feb;Mar;Apr;May;Jun;Jul;Aug;Sep;Oct;Nov;Dec"),
            long_month_names: names(
                "January;February;March;April;May;June;July;August;September;October;November;December",
            ),
            day_names: names("Mon;Tue;Wed;Thu;Fri;Sat;Sun"),
            long_day_names: names("Monday;Tuesday;Wednesday;Thursday;Friday;Saturday;Sunday"),
            first_week_day: 6,
            broken_weeks: true,
            reference_day: 0,
            first_month_of_year: 1,
            collation_locale: "en-US".into(),
            numerical_abbreviation:
                "3:k;6:M;9:G;12:T;15:P;18:E;21:Z;24:Y;-3:m;-6:μ;-9:n;-12:p;-15:f;-18:a;-21:z;-24:y"
                    .into(),
        }
    }
}

impl Locale {
    /// The engine's `LocaleInfo` (`Doc.GetLocaleInfo`) for this locale in
    /// `current_year`. The list separator is not a script variable: `,`, as
    /// in an en-US environment.
    pub fn info(&self, current_year: i64) -> Value {
        let mut info = json!({
            "qDecimalSep": self.decimal_sep,
            "qThousandSep": self.thousand_sep,
            "qListSep": ",",
            "qMoneyDecimalSep": self.money_decimal_sep,
            "qMoneyThousandSep": self.money_thousand_sep,
            "qCurrentYear": current_year,
            "qMoneyFmt": self.money_format,
            "qTimeFmt": self.time_format,
            "qDateFmt": self.date_format,
            "qTimestampFmt": self.timestamp_format,
            "qCalendarStrings": {
                "qDayNames": self.day_names,
                "qMonthNames": self.month_names,
                "qLongDayNames": self.long_day_names,
                "qLongMonthNames": self.long_month_names,
            },
            "qFirstWeekDay": self.first_week_day,
            "qReferenceDay": self.reference_day,
            "qFirstMonthOfYear": self.first_month_of_year,
            "qCollation": self.collation_locale,
            "qNumericalAbbreviation": self.numerical_abbreviation,
        });
        // The schema: "This property is not shown if set to false."
        if self.broken_weeks {
            info["qBrokenWeeks"] = json!(true);
        }
        info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_a_new_en_us_app() {
        let locale = Locale::default();
        assert_eq!(locale.month_names.len(), 12);
        assert_eq!(locale.long_month_names[11], "December");
        assert_eq!(locale.day_names[0], "Mon");
        assert_eq!(locale.long_day_names.len(), 7);
        let info = locale.info(2026);
        assert_eq!(info["qThousandSep"], ",");
        assert_eq!(info["qMoneyFmt"], "$#,##0.00;-$#,##0.00");
        assert_eq!(info["qTimestampFmt"], "M/D/YYYY h:mm:ss[.fff] TT");
        assert_eq!(info["qCalendarStrings"]["qMonthNames"][0], "Jan");
        assert_eq!(info["qCurrentYear"], 2026);
        assert_eq!(info["qBrokenWeeks"], true);
        assert_eq!(info["qCollation"], "en-US");
        assert!(current_year() >= 2026);
    }

    #[test]
    fn broken_weeks_false_is_not_shown() {
        let locale = Locale {
            broken_weeks: false,
            ..Locale::default()
        };
        assert!(locale.info(2026).get("qBrokenWeeks").is_none());
    }
}
