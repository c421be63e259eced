//! Decimal digits of a number, rounded as Qlik shows them: at the engine's
//! 15 significant digits first, then half away from zero at the decimals
//! asked for (so 1.005 shows as 1.01 with two decimals).

/// The digits of `|x|` before and after the decimal point, with exactly
/// `decimals` digits after it; the integer part has no leading zeros (it is
/// empty for a value below 1).
pub(super) fn fixed(x: f64, decimals: usize) -> (String, String) {
    let text = format!("{:.14e}", x.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // The value is 0.d1d2d3… × 10^(exponent + 1).
    let mut point = exponent + 1;
    if point < 0 {
        let pad = usize::try_from(-point).unwrap_or(0);
        digits.splice(0..0, std::iter::repeat_n(0, pad));
        point = 0;
    }
    let mut point = usize::try_from(point).unwrap_or(0);
    let keep = point + decimals;
    if digits.len() > keep {
        let round_up = digits[keep] >= 5;
        digits.truncate(keep);
        if round_up {
            let mut carry = true;
            for d in digits.iter_mut().rev() {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                digits.insert(0, 1);
                point += 1;
            }
        }
    } else {
        digits.resize(keep, 0);
    }
    let text = |ds: &[u8]| ds.iter().map(|d| char::from(b'0' + d)).collect::<String>();
    let int = text(&digits[..point]);
    let int = int.trim_start_matches('0').to_owned();
    (int, text(&digits[point..]))
}

/// `|x|` in plain decimal notation with the engine's 15 significant digits,
/// trailing zeros dropped: `(integer digits or "0", fraction digits)`.
pub(super) fn general(x: f64) -> (String, String) {
    let magnitude = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i64
    };
    let decimals = usize::try_from(14 - magnitude).unwrap_or(0);
    let (int, frac) = fixed(x, decimals);
    let int = if int.is_empty() { "0".to_owned() } else { int };
    (int, frac.trim_end_matches('0').to_owned())
}

/// Inserts `separator` between groups of `size` digits from the right
/// (`size` 0: no grouping).
pub(super) fn group(digits: &str, size: usize, separator: &str) -> String {
    if size == 0 || separator.is_empty() {
        return digits.to_owned();
    }
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::with_capacity(digits.len() + digits.len() / size);
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && (chars.len() - i).is_multiple_of(size) {
            out.push_str(separator);
        }
        out.push(*c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_half_away_from_zero_at_fifteen_digits() {
        assert_eq!(fixed(1.005, 2), ("1".into(), "01".into()));
        assert_eq!(fixed(2.675, 2), ("2".into(), "68".into()));
        assert_eq!(fixed(0.5, 0), ("1".into(), String::new()));
        assert_eq!(fixed(0.4, 0), (String::new(), String::new()));
        assert_eq!(fixed(999.999, 2), ("1000".into(), "00".into()));
        assert_eq!(fixed(0.000123, 5), (String::new(), "00012".into()));
        assert_eq!(fixed(0.0, 2), (String::new(), "00".into()));
        assert_eq!(fixed(-12.345, 1), ("12".into(), "3".into()));
        assert_eq!(
            fixed(1e20, 0),
            ("100000000000000000000".into(), String::new())
        );
    }

    #[test]
    fn general_keeps_fifteen_significant_digits() {
        assert_eq!(general(361716.0), ("361716".into(), String::new()));
        assert_eq!(general(1.0 / 3.0), ("0".into(), "333333333333333".into()));
        assert_eq!(general(1050.75), ("1050".into(), "75".into()));
        assert_eq!(general(0.1 + 0.2), ("0".into(), "3".into()));
        assert_eq!(general(0.0), ("0".into(), String::new()));
    }

    #[test]
    fn grouping() {
        assert_eq!(group("1234567", 3, ","), "1,234,567");
        assert_eq!(group("123", 3, ","), "123");
        assert_eq!(group("000012345678", 4, "-"), "0000-1234-5678");
        assert_eq!(group("1234", 0, ","), "1234");
    }
}
