//! The formatter against the rules in docs/qlik-protocol.md, type by type.

use serde_json::json;

use super::*;
use crate::data::locale::from_script;

fn text(value: f64, num_format: serde_json::Value) -> String {
    format(
        Some(value),
        &NumFormat::from_json(&num_format),
        &Locale::default(),
    )
}

fn european() -> Locale {
    from_script(
        "SET ThousandSep='.';
SET DecimalSep=',';
SET MoneyThousandSep='.';
SET MoneyDecimalSep=',';
SET MoneyFormat='#.##0,00 €;-#.##0,00 €';
SET DateFormat='DD.MM.YYYY';
SET TimeFormat='hh:mm:ss';
SET TimestampFormat='DD.MM.YYYY hh:mm:ss[.fff]';",
    )
    .unwrap()
}

#[test]
fn automatic_u_keeps_the_simulators_rule() {
    for format in [
        json!({"qType": "U"}),
        json!(null),
        json!({"qType": "U", "qnDec": 10}),
    ] {
        assert_eq!(text(1234567.0, format.clone()), "1,234,567");
        assert_eq!(text(1234.5, format.clone()), "1,234.50");
        assert_eq!(text(-0.004, format.clone()), "0");
        assert_eq!(text(-12.345, format.clone()), "-12.35");
        assert_eq!(text(999.999, format), "1,000");
    }
    assert!(NumFormat::from_json(&json!({"qType": "U"})).is_auto());
    assert!(!NumFormat::from_json(&json!({"qType": "F"})).is_auto());
    let de = european();
    assert_eq!(format(Some(1234.5), &NumFormat::default(), &de), "1.234,50");
}

#[test]
fn null_and_nan_are_a_dash() {
    for kind in ["U", "A", "I", "R", "F", "M", "D", "T", "TS", "IV"] {
        let format_of = NumFormat::from_json(&json!({"qType": kind, "qFmt": "#,##0"}));
        assert_eq!(format(None, &format_of, &Locale::default()), "-", "{kind}");
        assert_eq!(
            format(Some(f64::NAN), &format_of, &Locale::default()),
            "-",
            "{kind}"
        );
    }
}

#[test]
fn fix_with_and_without_a_pattern() {
    let money_like = json!({"qType": "F", "qnDec": 2, "qUseThou": 1, "qFmt": "#,##0.00", "qDec": ".", "qThou": ","});
    assert_eq!(text(1234567.891, money_like.clone()), "1,234,567.89");
    assert_eq!(text(-0.5, money_like.clone()), "-0.50");
    assert_eq!(text(0.0, money_like), "0.00");
    assert_eq!(text(0.1234, json!({"qType": "F", "qFmt": "0.0%"})), "12.3%");
    assert_eq!(text(2.5, json!({"qType": "F", "qnDec": 3})), "2.500");
    assert_eq!(
        text(12345.5, json!({"qType": "F", "qnDec": 1, "qUseThou": 1})),
        "12,345.5"
    );
    assert_eq!(
        text(12345.5, json!({"qType": "F", "qnDec": 0, "qUseThou": 0})),
        "12346"
    );
}

#[test]
fn integer_and_real() {
    // PROTOCOL §9.6: qType I, qFmt ###0 → 21906.
    assert_eq!(
        text(21906.0, json!({"qType": "I", "qFmt": "###0"})),
        "21906"
    );
    assert_eq!(
        text(21906.4, json!({"qType": "I", "qFmt": "#,##0"})),
        "21,906"
    );
    assert_eq!(text(21906.25, json!({"qType": "I"})), "21906.25");
    assert_eq!(text(14.000000000012, json!({"qType": "R"})), "14");
    assert_eq!(text(2.0 / 3.0, json!({"qType": "R", "qnDec": 3})), "0.667");
    assert_eq!(
        text(2.0 / 3.0, json!({"qType": "R", "qnDec": 0})),
        "0.66666666666667"
    );
    assert_eq!(
        text(1234.5, json!({"qType": "R", "qFmt": "#,##0.0"})),
        "1,234.5"
    );
}

#[test]
fn money() {
    assert_eq!(text(1234.5, json!({"qType": "M"})), "$1,234.50");
    assert_eq!(text(-1234.5, json!({"qType": "M"})), "-$1,234.50");
    let pounds = json!({"qType": "M", "qFmt": "£#,##0.00;-£#,##0.00"});
    assert_eq!(text(1234.5, pounds.clone()), "£1,234.50");
    assert_eq!(text(-1234.5, pounds.clone()), "-£1,234.50");
    assert_eq!(text(0.0, pounds), "£0.00");
    let brackets = json!({"qType": "M", "qFmt": "$#,##0.00;($#,##0.00)"});
    assert_eq!(text(-1234.567, brackets.clone()), "($1,234.57)");
    assert_eq!(text(1234.567, brackets), "$1,234.57");
    let de = european();
    let plain = NumFormat::from_json(&json!({"qType": "M"}));
    assert_eq!(format(Some(-1234.5), &plain, &de), "-1.234,50 €");
    let euros = NumFormat::from_json(&json!({"qType": "M", "qFmt": "#.##0,00 €"}));
    assert_eq!(format(Some(1234567.0), &euros, &de), "1.234.567,00 €");
}

#[test]
fn separators_from_the_script_and_from_the_format() {
    let de = european();
    let pattern =
        |fmt: serde_json::Value| format(Some(1234567.891), &NumFormat::from_json(&fmt), &de);
    assert_eq!(
        pattern(json!({"qType": "F", "qFmt": "#.##0,00"})),
        "1.234.567,89"
    );
    assert_eq!(
        pattern(json!({"qType": "R", "qFmt": "#.##0,0"})),
        "1.234.567,9"
    );
    // qDec/qThou name the pattern's separators, whatever the script says.
    assert_eq!(
        pattern(json!({"qType": "F", "qFmt": "#,##0.00", "qDec": ".", "qThou": ","})),
        "1,234,567.89"
    );
    assert_eq!(
        pattern(json!({"qType": "F", "qnDec": 2, "qUseThou": 1})),
        "1.234.567,89"
    );
    assert_eq!(
        format(
            Some(0.25),
            &NumFormat::from_json(&json!({"qType": "F", "qFmt": "0,0%"})),
            &de
        ),
        "25,0%"
    );
    assert_eq!(general(0.5, &de), "0,5");
}

#[test]
fn dates_times_timestamps_intervals() {
    // 45351.25 = 2024-02-29 06:00.
    let serial = 45351.25;
    assert_eq!(text(serial, json!({"qType": "D"})), "2/29/2024");
    assert_eq!(
        text(serial, json!({"qType": "D", "qFmt": "YYYY-MM-DD"})),
        "2024-02-29"
    );
    assert_eq!(
        text(serial, json!({"qType": "D", "qFmt": "DD/MM/YYYY"})),
        "29/02/2024"
    );
    assert_eq!(text(serial, json!({"qType": "T"})), "6:00:00 AM");
    assert_eq!(
        text(serial, json!({"qType": "T", "qFmt": "hh:mm:ss"})),
        "06:00:00"
    );
    assert_eq!(text(serial, json!({"qType": "TS"})), "2/29/2024 6:00:00 AM");
    assert_eq!(text(1.75, json!({"qType": "IV", "qFmt": "hh:mm"})), "42:00");
    // The pattern wins over the type.
    assert_eq!(
        text(serial, json!({"qType": "F", "qFmt": "YYYY-MM-DD"})),
        "2024-02-29"
    );
    let de = european();
    let date = NumFormat::from_json(&json!({"qType": "TS"}));
    assert_eq!(format(Some(serial), &date, &de), "29.02.2024 06:00:00");
}

#[test]
fn ascii_and_general() {
    assert_eq!(
        text(1234.5, json!({"qType": "A", "qFmt": "#,##0.00"})),
        "1234.5"
    );
    // The engine schema's Evaluate example: Sum(Holes) → "361716".
    assert_eq!(general(361716.0, &Locale::default()), "361716");
    assert_eq!(general(-2.5, &Locale::default()), "-2.5");
    assert_eq!(general(1.0 / 3.0, &Locale::default()), "0.333333333333333");
    assert_eq!(general(f64::NAN, &Locale::default()), "-");
}

#[test]
fn rounding_is_half_away_from_zero() {
    let two = json!({"qType": "F", "qFmt": "0.00"});
    assert_eq!(text(1.005, two.clone()), "1.01");
    assert_eq!(text(-1.005, two.clone()), "-1.01");
    assert_eq!(text(0.125, two.clone()), "0.13");
    assert_eq!(text(9.995, two), "10.00");
    assert_eq!(text(2.5, json!({"qType": "F", "qFmt": "0"})), "3");
}

#[test]
fn kinds_by_both_names() {
    assert_eq!(Kind::parse("MONEY"), Kind::Money);
    assert_eq!(Kind::parse("ts"), Kind::Timestamp);
    assert_eq!(Kind::parse("IV"), Kind::Interval);
    assert_eq!(Kind::parse("whatever"), Kind::Unknown);
}
