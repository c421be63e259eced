//! The locale variables of a load script: its `SET` statements of those
//! variables, read with Qlik's script syntax (statements end with `;`,
//! comments `//`, `/* */` and `REM`, quoted text may hold `;`); the rest of
//! the script is ignored.

use super::Locale;

/// One statement of the script, comments removed.
struct Statement {
    /// The line it starts on (1-based).
    line: usize,
    text: String,
    /// Ended by `;` (not by a control statement's line end or the script's end).
    terminated: bool,
    /// The script ended inside quoted text.
    open_quote: bool,
}

/// Control statements end at their line's end as well as at `;`.
const CONTROL: &[&str] = &[
    "if", "elseif", "else", "end", "endif", "for", "next", "do", "loop", "sub", "endsub", "switch",
    "case", "default", "exit",
];

fn first_word(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Splits a script into statements.
fn statements(script: &str) -> Vec<Statement> {
    let chars: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut current = Statement {
        line: 1,
        text: String::new(),
        terminated: false,
        open_quote: false,
    };
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
        }
        if let Some(close) = quote {
            current.text.push(c);
            if c == close {
                quote = None;
            }
            i += 1;
            continue;
        }
        if current.text.trim().is_empty() && !c.is_whitespace() {
            current.line = line;
        }
        match (c, next) {
            ('/', Some('/')) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ('/', Some('*')) => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                current.text.push(' ');
                i += 2;
                continue;
            }
            (';', _) => {
                current.terminated = true;
                out.push(std::mem::replace(
                    &mut current,
                    Statement {
                        line,
                        text: String::new(),
                        terminated: false,
                        open_quote: false,
                    },
                ));
            }
            ('\n', _) if CONTROL.contains(&first_word(&current.text).as_str()) => {
                out.push(std::mem::replace(
                    &mut current,
                    Statement {
                        line,
                        text: String::new(),
                        terminated: false,
                        open_quote: false,
                    },
                ));
            }
            ('\'' | '"' | '[' | '`', _) if first_word(&current.text) != "rem" => {
                quote = Some(if c == '[' { ']' } else { c });
                current.text.push(c);
            }
            _ => current.text.push(c),
        }
        i += 1;
    }
    current.open_quote = quote.is_some();
    if !current.text.trim().is_empty() {
        out.push(current);
    }
    out
}

/// The value of `SET name = value`: quoted text without its quotes (a
/// doubled quote inside is one quote), else the text trimmed.
fn set_value(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let mut chars = raw.chars();
    let Some(open @ ('\'' | '"')) = chars.next() else {
        return Ok(raw.to_owned());
    };
    let mut value = String::new();
    let rest: Vec<char> = chars.collect();
    let mut i = 0;
    while i < rest.len() {
        if rest[i] == open {
            if rest.get(i + 1) == Some(&open) {
                value.push(open);
                i += 2;
                continue;
            }
            let after: String = rest[i + 1..].iter().collect();
            if !after.trim().is_empty() {
                return Err(format!(
                    "unexpected {:?} after the quoted value",
                    after.trim()
                ));
            }
            return Ok(value);
        }
        value.push(rest[i]);
        i += 1;
    }
    Err("the quoted value is not closed".into())
}

fn integer(value: &str) -> Result<i64, String> {
    value
        .trim()
        .parse()
        .map_err(|_| format!("{value:?} is not an integer"))
}

fn name_list(value: &str, count: usize) -> Result<Vec<String>, String> {
    let names: Vec<String> = value.split(';').map(str::to_owned).collect();
    if names.len() != count {
        return Err(format!(
            "{count} names separated by ';' expected, found {}",
            names.len()
        ));
    }
    Ok(names)
}

/// The variables read, as Qlik names them (case-sensitive).
const VARIABLES: &[&str] = &[
    "ThousandSep",
    "DecimalSep",
    "MoneyThousandSep",
    "MoneyDecimalSep",
    "MoneyFormat",
    "DateFormat",
    "TimeFormat",
    "TimestampFormat",
    "MonthNames",
    "LongMonthNames",
    "DayNames",
    "LongDayNames",
    "FirstWeekDay",
    "BrokenWeeks",
    "ReferenceDay",
    "FirstMonthOfYear",
    "CollationLocale",
    "NumericalAbbreviation",
];

/// Sets one of the [`VARIABLES`] (others are left alone).
fn assign(locale: &mut Locale, name: &str, value: &str) -> Result<(), String> {
    match name {
        "ThousandSep" => locale.thousand_sep = value.to_owned(),
        "DecimalSep" => locale.decimal_sep = value.to_owned(),
        "MoneyThousandSep" => locale.money_thousand_sep = value.to_owned(),
        "MoneyDecimalSep" => locale.money_decimal_sep = value.to_owned(),
        "MoneyFormat" => locale.money_format = value.to_owned(),
        "DateFormat" => locale.date_format = value.to_owned(),
        "TimeFormat" => locale.time_format = value.to_owned(),
        "TimestampFormat" => locale.timestamp_format = value.to_owned(),
        "MonthNames" => locale.month_names = name_list(value, 12)?,
        "LongMonthNames" => locale.long_month_names = name_list(value, 12)?,
        "DayNames" => locale.day_names = name_list(value, 7)?,
        "LongDayNames" => locale.long_day_names = name_list(value, 7)?,
        "FirstWeekDay" => locale.first_week_day = integer(value)?,
        "BrokenWeeks" => locale.broken_weeks = integer(value)? != 0,
        "ReferenceDay" => locale.reference_day = integer(value)?,
        "FirstMonthOfYear" => locale.first_month_of_year = integer(value)?,
        "CollationLocale" => locale.collation_locale = value.to_owned(),
        "NumericalAbbreviation" => locale.numerical_abbreviation = value.to_owned(),
        _ => {}
    }
    Ok(())
}

/// The locale a load script sets: [`Locale::default`] changed by the script's
/// `SET` statements of the locale [`VARIABLES`], in script order (a `SET`
/// inside a control block counts as if unconditional). Everything else
/// is ignored. A malformed `SET` of one of them is an error naming its line.
pub fn from_script(script: &str) -> Result<Locale, String> {
    let mut locale = Locale::default();
    for statement in statements(script) {
        if first_word(&statement.text) != "set" {
            continue;
        }
        let body = statement.text.trim_start()[3..].trim_start();
        let (name, raw) = body.split_once('=').unwrap_or((body, ""));
        let name = name.split_whitespace().next().unwrap_or_default();
        if !VARIABLES.contains(&name) {
            continue;
        }
        if !body.contains('=') {
            return Err(format!("line {}: SET {name}: no '='", statement.line));
        }
        let fail = |why: String| format!("line {}: SET {name}: {why}", statement.line);
        let value = if statement.open_quote {
            Err("the quoted value is not closed".to_owned())
        } else if !statement.terminated {
            Err("no ';' ends the statement".to_owned())
        } else {
            set_value(raw)
        };
        assign(&mut locale, name, &value.map_err(fail)?).map_err(fail)?;
    }
    Ok(locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW_APP: &str = "///$tab Main
SET ThousandSep=',';
SET DecimalSep='.';
SET MoneyThousandSep=',';
SET MoneyDecimalSep='.';
SET MoneyFormat='$#,##0.00;-$#,##0.00';
SET TimeFormat='h:mm:ss TT';
SET DateFormat='M/D/YYYY';
SET TimestampFormat='M/D/YYYY h:mm:ss[.fff] TT';
SET FirstWeekDay=6;
SET BrokenWeeks=1;
SET ReferenceDay=0;
SET FirstMonthOfYear=1;
SET CollationLocale='en-US';
SET CreateSearchIndexOnReload=1;
SET MonthNames='Jan;Feb;Mar;Apr;May;Jun;Jul;Aug;Sep;Oct;Nov;Dec';
SET LongMonthNames='January;February;March;April;May;June;July;August;September;October;November;December';
SET DayNames='Mon;Tue;Wed;Thu;Fri;Sat;Sun';
SET LongDayNames='Monday;Tuesday;Wednesday;Thursday;Friday;Saturday;Sunday';
SET NumericalAbbreviation='3:k;6:M;9:G;12:T;15:P;18:E;21:Z;24:Y;-3:m;-6:μ;-9:n;-12:p;-15:f;-18:a;-21:z;-24:y';
";

    #[test]
    fn a_new_apps_script_gives_the_default() {
        assert_eq!(from_script(NEW_APP).unwrap(), Locale::default());
        assert_eq!(from_script("").unwrap(), Locale::default());
    }

    #[test]
    fn a_european_script_sets_its_separators_and_names() {
        let script = "///$tab Main
SET ThousandSep='.';
set DecimalSep = ',' ;
SET MoneyThousandSep='.';
SET MoneyDecimalSep=',';
SET MoneyFormat='#.##0,00 €;-#.##0,00 €';
SET DateFormat='DD.MM.YYYY';
SET TimeFormat=hh:mm:ss;
SET FirstWeekDay=0;
SET BrokenWeeks=0;
SET ReferenceDay=4;
SET CollationLocale='de-DE';
SET MonthNames='Jan.;Feb.;März;Apr.;Mai;Juni;Juli;Aug.;Sep.;Okt.;Nov.;Dez.';
SET DayNames='Mo.;Di.;Mi.;Do.;Fr.;Sa.;So.';

Sales:
LOAD * FROM [lib://Data/sales;2024.csv] (txt, delimiter is ';');
";
        let locale = from_script(script).unwrap();
        assert_eq!(locale.thousand_sep, ".");
        assert_eq!(locale.decimal_sep, ",");
        assert_eq!(locale.money_format, "#.##0,00 €;-#.##0,00 €");
        assert_eq!(locale.date_format, "DD.MM.YYYY");
        assert_eq!(locale.time_format, "hh:mm:ss");
        assert_eq!(locale.first_week_day, 0);
        assert!(!locale.broken_weeks);
        assert_eq!(locale.reference_day, 4);
        assert_eq!(locale.collation_locale, "de-DE");
        assert_eq!(locale.month_names[2], "März");
        assert_eq!(locale.day_names[6], "So.");
        assert_eq!(locale.long_day_names, Locale::default().long_day_names);
    }

    #[test]
    fn quoting_comments_and_other_statements() {
        let script = "// SET ThousandSep='x';
/* SET DecimalSep='y';
   still a comment */
REM SET MoneyFormat='it''s'; SET ThousandSep=' ';
LET DateFormat='YYYY';
Set vTitle = 'a; b';
IF 1=1 THEN
  SET TimeFormat='hh''h''mm';
END IF
SET DateFormat=\"YYYY-MM-DD\";
SET MoneyFormat='£#,##0.00;-£#,##0.00'; // pounds
SET thousandsep='q';
";
        let locale = from_script(script).unwrap();
        assert_eq!(locale.thousand_sep, " ");
        assert_eq!(locale.decimal_sep, ".");
        assert_eq!(locale.time_format, "hh'h'mm");
        assert_eq!(locale.date_format, "YYYY-MM-DD");
        assert_eq!(locale.money_format, "£#,##0.00;-£#,##0.00");
    }

    #[test]
    fn a_malformed_set_names_its_line() {
        let cases = [
            (
                "SET ThousandSep=',';\nSET DecimalSep='.;\n",
                "line 2: SET DecimalSep",
            ),
            ("\n\nSET FirstWeekDay=Monday;", "line 3: SET FirstWeekDay"),
            ("SET MonthNames='Jan;Feb';", "line 1: SET MonthNames"),
            ("SET DayNames='a;b;c;d;e;f;g' x;", "line 1: SET DayNames"),
            ("SET DateFormat 'YYYY';", "line 1: SET DateFormat: no '='"),
            (
                "LOAD 1 AS x AutoGenerate 1;\nSET TimeFormat='hh:mm'",
                "line 2: SET TimeFormat",
            ),
        ];
        for (script, expected) in cases {
            let error = from_script(script).unwrap_err();
            assert!(error.starts_with(expected), "{script:?}: {error}");
        }
        // Only the locale variables are checked.
        assert!(from_script("SET vOther='open;\n").is_ok());
    }
}
