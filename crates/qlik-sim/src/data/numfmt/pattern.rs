//! Number format patterns (`#,##0.00`, `0.0%`, `£#,##0.00;-£#,##0.00`):
//! `0` a digit always shown, `#` left of the decimal separator a digit shown
//! when there is one (right of it, every decimal is shown, as with `0`), the
//! decimal and thousands separators marking their positions, text around
//! the digits kept, `%` multiplying by 100, an optional second section for
//! negative numbers.

use super::digits::{fixed, group};

/// One section of a pattern: where the digits go and how many.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Section {
    /// Text before the digits.
    pub prefix: String,
    /// Text after the digits.
    pub suffix: String,
    /// Integer digits always shown (`0`s before the decimal separator).
    pub min_int: usize,
    /// Digits per thousands group (0: no separator).
    pub group: usize,
    /// Decimals always shown.
    pub min_frac: usize,
    /// Decimals at most.
    pub max_frac: usize,
    /// The section has digit placeholders (else it is only text).
    pub digits: bool,
}

impl Section {
    /// A section without text around the digits.
    pub fn plain(group: usize, min_frac: usize, max_frac: usize) -> Self {
        Self {
            prefix: String::new(),
            suffix: String::new(),
            min_int: 1,
            group,
            min_frac,
            max_frac,
            digits: true,
        }
    }

    fn parse(section: &str, decimal: &str, thousand: &str) -> Self {
        let is_digit = |c: char| c == '0' || c == '#';
        let (Some(first), Some(last)) = (section.find(is_digit), section.rfind(is_digit)) else {
            return Self {
                prefix: section.to_owned(),
                suffix: String::new(),
                min_int: 0,
                group: 0,
                min_frac: 0,
                max_frac: 0,
                digits: false,
            };
        };
        let digits = &section[first..=last];
        let (int, frac) = match (!decimal.is_empty())
            .then(|| digits.find(decimal))
            .flatten()
        {
            Some(at) => (&digits[..at], &digits[at + decimal.len()..]),
            None => (digits, ""),
        };
        let group = match (!thousand.is_empty())
            .then(|| int.rfind(thousand))
            .flatten()
        {
            Some(at) => int[at + thousand.len()..]
                .chars()
                .filter(|c| is_digit(*c))
                .count(),
            None => 0,
        };
        Self {
            prefix: section[..first].to_owned(),
            suffix: section[last + 1..].to_owned(),
            min_int: int.chars().filter(|c| *c == '0').count(),
            group,
            min_frac: frac.chars().filter(|c| is_digit(*c)).count(),
            max_frac: frac.chars().filter(|c| is_digit(*c)).count(),
            digits: true,
        }
    }

    fn percent(&self) -> bool {
        self.prefix.contains('%') || self.suffix.contains('%')
    }

    /// The digits of `|value|` (×100 for a percent pattern) with the
    /// separators, and whether they are all zero.
    fn digits(&self, value: f64, decimal: &str, thousand: &str) -> (String, bool) {
        if !self.digits {
            return (String::new(), false);
        }
        let value = if self.percent() { value * 100.0 } else { value };
        let (int, frac) = fixed(value, self.max_frac);
        let zero = int.is_empty() && frac.bytes().all(|b| b == b'0');
        let mut frac = frac;
        while frac.len() > self.min_frac && frac.ends_with('0') {
            frac.pop();
        }
        let mut int = int;
        while int.len() < self.min_int {
            int.insert(0, '0');
        }
        if int.is_empty() && frac.is_empty() {
            int.push('0');
        }
        let mut text = group(&int, self.group, thousand);
        if !frac.is_empty() {
            text.push_str(decimal);
            text.push_str(&frac);
        }
        (text, zero)
    }
}

/// A parsed pattern: the section for positive numbers and zero, and the one
/// for negative numbers if the pattern has one.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Pattern {
    positive: Section,
    negative: Option<Section>,
}

impl Pattern {
    /// Parses `pattern`, whose separators are `decimal` and `thousand`.
    pub fn parse(pattern: &str, decimal: &str, thousand: &str) -> Self {
        let mut sections = pattern.splitn(2, ';');
        let positive = Section::parse(sections.next().unwrap_or_default(), decimal, thousand);
        let negative = sections
            .next()
            .filter(|s| !s.is_empty())
            .map(|s| Section::parse(s, decimal, thousand));
        Self { positive, negative }
    }

    /// A pattern of one section.
    pub fn of(section: Section) -> Self {
        Self {
            positive: section,
            negative: None,
        }
    }

    /// Formats `value` with these separators in the output. A negative number
    /// takes the second section (which holds its own sign) or, without one,
    /// a `-` before the first; a number that rounds to zero is not negative.
    pub fn format(&self, value: f64, decimal: &str, thousand: &str) -> String {
        let positive = |s: &Section| {
            let (digits, _) = s.digits(value, decimal, thousand);
            format!("{}{digits}{}", s.prefix, s.suffix)
        };
        if value >= 0.0 {
            return positive(&self.positive);
        }
        match &self.negative {
            Some(section) => {
                let (digits, zero) = section.digits(value, decimal, thousand);
                if zero {
                    return positive(&self.positive);
                }
                format!("{}{digits}{}", section.prefix, section.suffix)
            }
            None => {
                let s = &self.positive;
                let (digits, zero) = s.digits(value, decimal, thousand);
                let sign = if zero { "" } else { "-" };
                format!("{sign}{}{digits}{}", s.prefix, s.suffix)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(pattern: &str, value: f64) -> String {
        Pattern::parse(pattern, ".", ",").format(value, ".", ",")
    }

    #[test]
    fn digits_and_separators() {
        assert_eq!(us("#,##0.00", 1234567.891), "1,234,567.89");
        assert_eq!(us("#,##0", 1234.5), "1,235");
        assert_eq!(us("###0", 21906.0), "21906");
        assert_eq!(us("0000", 123.0), "0123");
        assert_eq!(us("0.000", 2.0), "2.000");
        assert_eq!(us("0.0##", 2.5), "2.500");
        assert_eq!(us("0.0##", 2.12345), "2.123");
        assert_eq!(us("#.##", 0.5), ".50");
        assert_eq!(us("#,##0.00", 0.0), "0.00");
        assert_eq!(us("# ##0", 1234.0), "1234");
    }

    #[test]
    fn percent_and_text_around() {
        assert_eq!(us("0.0%", 0.1234), "12.3%");
        assert_eq!(us("0%", 1.0), "100%");
        assert_eq!(us("£#,##0.00", 1234.5), "£1,234.50");
        assert_eq!(us("#,##0 kr", 1234.0), "1,234 kr");
    }

    #[test]
    fn negative_numbers() {
        assert_eq!(us("£#,##0.00;-£#,##0.00", -1234.5), "-£1,234.50");
        assert_eq!(us("$#,##0.00;($#,##0.00)", -1234.5), "($1,234.50)");
        assert_eq!(us("$#,##0.00;($#,##0.00)", 1234.5), "$1,234.50");
        assert_eq!(us("#,##0.00", -1234.5), "-1,234.50");
        assert_eq!(us("0.0%", -0.5), "-50.0%");
        // Rounding to zero drops the sign.
        assert_eq!(us("#,##0.00", -0.001), "0.00");
        assert_eq!(us("$#,##0.00;($#,##0.00)", -0.001), "$0.00");
    }

    #[test]
    fn other_separators() {
        let de =
            |pattern: &str, value: f64| Pattern::parse(pattern, ",", ".").format(value, ",", ".");
        assert_eq!(de("#.##0,00", 1234567.891), "1.234.567,89");
        assert_eq!(de("0,0%", 0.1234), "12,3%");
        let dash = Pattern::parse("0000-0000-0000", ".", "-");
        assert_eq!(dash.format(12345678912.0, ".", "-"), "0123-4567-8912");
    }

    #[test]
    fn a_pattern_without_digits_is_its_text() {
        assert_eq!(us("n/a", 5.0), "n/a");
    }
}
