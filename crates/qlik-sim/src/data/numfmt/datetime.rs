//! Dates, times, timestamps and intervals: Qlik serial numbers (days since
//! 1899-12-30, the time of day as the fraction) through patterns such as
//! `YYYY-MM-DD`, `DD/MM/YYYY`, `M/D/YYYY h:mm:ss[.fff] TT`.

use crate::data::locale::Locale;

const MS_PER_DAY: i64 = 86_400_000;
/// Serial number of 1970-01-01.
const UNIX_EPOCH: i64 = 25_569;

/// The civil date `(year, month 1–12, day 1–31)` of a count of days since
/// 1970-01-01 (proleptic Gregorian calendar).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// One piece of a pattern: a run of one letter, or literal text.
enum Token {
    Run(char, usize),
    Text(String),
}

fn tokens(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '[' {
            // An optional part (`[.fff]`): read when interpreting, not shown.
            while i < chars.len() && chars[i] != ']' {
                i += 1;
            }
            i += 1;
            continue;
        }
        if "YyMDdWwhHmsSfFtT".contains(c) {
            let start = i;
            while i < chars.len() && chars[i] == c {
                i += 1;
            }
            out.push(Token::Run(c, i - start));
            continue;
        }
        match out.last_mut() {
            Some(Token::Text(text)) => text.push(c),
            _ => out.push(Token::Text(c.to_string())),
        }
        i += 1;
    }
    out
}

fn pad(n: i64, width: usize) -> String {
    format!("{n:0width$}")
}

fn name(names: &[String], index: i64) -> String {
    usize::try_from(index)
        .ok()
        .and_then(|i| names.get(i))
        .cloned()
        .unwrap_or_default()
}

/// Formats a serial number with a date/time pattern. `interval`: a duration
/// (the largest unit in the pattern is not wrapped: `hh:mm` of 1.5 days is
/// `36:00`); otherwise a point in time.
pub(super) fn format(serial: f64, pattern: &str, locale: &Locale, interval: bool) -> String {
    let tokens = tokens(pattern);
    let twelve_hour = tokens.iter().any(|t| matches!(t, Token::Run('t' | 'T', _)));
    let sign = if interval && serial < 0.0 { "-" } else { "" };
    let serial = if interval { serial.abs() } else { serial };
    let total = (serial * MS_PER_DAY as f64).round() as i64;
    let days = total.div_euclid(MS_PER_DAY);
    let ms_of_day = total.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days - UNIX_EPOCH);
    // 1899-12-30 was a Saturday; Qlik numbers weekdays from Monday = 0.
    let weekday = (days + 5).rem_euclid(7);
    // For an interval, the largest unit in the pattern takes the whole.
    let largest = if interval {
        ['D', 'd', 'h', 'H', 'm', 's', 'S'].iter().position(|unit| {
            tokens
                .iter()
                .any(|t| matches!(t, Token::Run(c, _) if c == unit))
        })
    } else {
        None
    };
    let unit = |whole_ms: i64, per: i64, modulo: i64, rank: usize| {
        if largest.is_some_and(|l| l >= rank) {
            whole_ms / per
        } else {
            (whole_ms / per) % modulo
        }
    };
    let hours = unit(if interval { total } else { ms_of_day }, 3_600_000, 24, 2);
    let minutes = unit(if interval { total } else { ms_of_day }, 60_000, 60, 4);
    let seconds = unit(if interval { total } else { ms_of_day }, 1_000, 60, 5);
    let mut out = String::from(sign);
    for token in &tokens {
        match token {
            Token::Text(text) => out.push_str(text),
            Token::Run('Y' | 'y', n) if *n <= 2 => out.push_str(&pad(year.rem_euclid(100), 2)),
            Token::Run('Y' | 'y', _) => out.push_str(&pad(year, 4)),
            Token::Run('M', 1) => out.push_str(&month.to_string()),
            Token::Run('M', 2) => out.push_str(&pad(month, 2)),
            Token::Run('M', 3) => out.push_str(&name(&locale.month_names, month - 1)),
            Token::Run('M', _) => out.push_str(&name(&locale.long_month_names, month - 1)),
            Token::Run('D' | 'd', n) => {
                let d = if interval { days } else { day };
                out.push_str(&pad(d, (*n).min(2)));
            }
            Token::Run('W' | 'w', n) if *n <= 2 => out.push_str(&pad(weekday, *n)),
            Token::Run('W' | 'w', 3) => out.push_str(&name(&locale.day_names, weekday)),
            Token::Run('W' | 'w', _) => out.push_str(&name(&locale.long_day_names, weekday)),
            Token::Run('h' | 'H', n) => {
                let h = if twelve_hour && !interval {
                    (hours + 11) % 12 + 1
                } else {
                    hours
                };
                out.push_str(&pad(h, (*n).min(2)));
            }
            Token::Run('m', n) => out.push_str(&pad(minutes, (*n).min(2))),
            Token::Run('s' | 'S', n) => out.push_str(&pad(seconds, (*n).min(2))),
            Token::Run('f' | 'F', n) => {
                let millis = pad(total.rem_euclid(1_000), 3);
                let shown: String = millis
                    .chars()
                    .chain(std::iter::repeat('0'))
                    .take(*n)
                    .collect();
                out.push_str(&shown);
            }
            Token::Run(t, _) => {
                let pm = ms_of_day >= 12 * 3_600_000;
                let text = if pm { "PM" } else { "AM" };
                if t.is_lowercase() {
                    out.push_str(&text.to_lowercase());
                } else {
                    out.push_str(text);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(serial: f64, pattern: &str) -> String {
        format(serial, pattern, &Locale::default(), false)
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-25_569), (1899, 12, 30));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn dates() {
        // 45351 = 2024-02-29, a Thursday.
        assert_eq!(us(45351.0, "YYYY-MM-DD"), "2024-02-29");
        assert_eq!(us(45351.0, "DD/MM/YYYY"), "29/02/2024");
        assert_eq!(us(45351.0, "M/D/YYYY"), "2/29/2024");
        assert_eq!(us(45292.0, "M/D/YY"), "1/1/24");
        assert_eq!(us(45351.0, "WWW D MMM YYYY"), "Thu 29 Feb 2024");
        assert_eq!(us(45351.0, "WWWW, MMMM D"), "Thursday, February 29");
        assert_eq!(us(45351.0, "W"), "3");
        assert_eq!(us(0.0, "YYYY-MM-DD"), "1899-12-30");
        assert_eq!(us(1.0, "YYYY-MM-DD"), "1899-12-31");
        assert_eq!(us(-1.0, "YYYY-MM-DD"), "1899-12-29");
    }

    #[test]
    fn times_and_timestamps() {
        let serial = 45351.0 + (15.0 * 3600.0 + 4.0 * 60.0 + 5.25) / 86400.0;
        assert_eq!(us(serial, "hh:mm:ss"), "15:04:05");
        assert_eq!(us(serial, "h:mm:ss TT"), "3:04:05 PM");
        assert_eq!(us(serial, "h:mm tt"), "3:04 pm");
        assert_eq!(
            us(serial, "M/D/YYYY h:mm:ss[.fff] TT"),
            "2/29/2024 3:04:05 PM"
        );
        assert_eq!(
            us(serial, "YYYY-MM-DD hh:mm:ss.fff"),
            "2024-02-29 15:04:05.250"
        );
        assert_eq!(us(45351.0, "h:mm TT"), "12:00 AM");
        assert_eq!(us(45351.5, "h:mm TT"), "12:00 PM");
        // 23:59:59.9996 rounds to the millisecond first.
        assert_eq!(
            us(45351.0 + 86_399.999_6 / 86_400.0, "YYYY-MM-DD hh:mm:ss"),
            "2024-03-01 00:00:00"
        );
    }

    #[test]
    fn names_come_from_the_locale() {
        let locale = Locale {
            month_names: "jan;feb;mars;apr;maj;jun;jul;aug;sep;okt;nov;dec"
                .split(';')
                .map(str::to_owned)
                .collect(),
            day_names: "mån;tis;ons;tor;fre;lör;sön"
                .split(';')
                .map(str::to_owned)
                .collect(),
            ..Locale::default()
        };
        assert_eq!(format(45351.0, "WWW D MMM", &locale, false), "tor 29 feb");
        assert_eq!(format(45352.0, "WWW D MMM", &locale, false), "fre 1 mars");
    }

    #[test]
    fn intervals() {
        let locale = Locale::default();
        assert_eq!(format(1.5, "hh:mm:ss", &locale, true), "36:00:00");
        assert_eq!(format(1.5, "D hh:mm", &locale, true), "1 12:00");
        assert_eq!(format(-0.25, "hh:mm", &locale, true), "-06:00");
        assert_eq!(format(0.5 / 24.0, "mm:ss", &locale, true), "30:00");
    }
}
