//! Language of the report and numbers written the way its readers write
//! them: French groups thousands with a narrow no-break space (U+202F) and
//! uses a decimal comma; English groups with a comma and uses a point.

/// Language of the report's labels and number format. French by default:
/// the report is read by French planners first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

/// Narrow no-break space: the French thousands separator and the space
/// before `%` (Imprimerie nationale rules).
pub const NNBSP: char = '\u{202F}';
/// No-break space between a number and its unit, so `42 min` never wraps.
pub const NBSP: char = '\u{00A0}';

impl Lang {
    /// Parses `fr` or `en` (case-insensitive).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}`: expected `fr` or `en`")),
        }
    }

    /// The `lang` attribute of the HTML document.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    fn separators(self) -> (char, char) {
        match self {
            Lang::Fr => (NNBSP, ','),
            Lang::En => (',', '.'),
        }
    }

    /// An integer with grouped thousands.
    ///
    /// # Examples
    /// ```
    /// use medaccess::report::Lang;
    /// assert_eq!(Lang::Fr.int(677309), "677\u{202F}309");
    /// assert_eq!(Lang::En.int(-1234567), "-1,234,567");
    /// ```
    pub fn int(self, n: impl Into<i128>) -> String {
        let n: i128 = n.into();
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + 8);
        if n < 0 {
            out.push('-');
        }
        group_into(&mut out, &digits, self.separators().0);
        out
    }

    /// A real with `decimals` digits after the decimal separator, thousands
    /// grouped; non-finite values are written `–`.
    ///
    /// # Examples
    /// ```
    /// use medaccess::report::Lang;
    /// assert_eq!(Lang::Fr.dec(12345.678, 1), "12\u{202F}345,7");
    /// assert_eq!(Lang::En.dec(12345.678, 1), "12,345.7");
    /// ```
    pub fn dec(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return "–".into();
        }
        let s = format!("{:.*}", decimals, x.abs());
        let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
        let (group, point) = self.separators();
        let mut out = String::with_capacity(s.len() + 8);
        // "-0.0" would read as a negative zero: only sign what shows a digit
        if x < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
            out.push('-');
        }
        group_into(&mut out, int_part, group);
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    /// A percentage of `part` in `whole` with one decimal (`0 %` when the
    /// whole is zero).
    ///
    /// # Examples
    /// ```
    /// use medaccess::report::Lang;
    /// assert_eq!(Lang::Fr.pct(1, 8), "12,5\u{202F}%");
    /// assert_eq!(Lang::En.pct(1, 8), "12.5%");
    /// ```
    pub fn pct(self, part: u64, whole: u64) -> String {
        let p = if whole == 0 {
            0.0
        } else {
            100.0 * part as f64 / whole as f64
        };
        match self {
            Lang::Fr => format!("{}{NNBSP}%", self.dec(p, 1)),
            Lang::En => format!("{}%", self.dec(p, 1)),
        }
    }

    /// Minutes with one decimal and the unit, `–` when absent (unreachable).
    pub fn minutes(self, m: Option<f64>) -> String {
        match m {
            Some(m) if m.is_finite() => format!("{}{NBSP}min", self.dec(m, 1)),
            _ => "–".into(),
        }
    }

    /// A band bound in minutes: as short as it can be (`45`, `7,5`).
    pub fn bound(self, m: f64) -> String {
        if m.fract() == 0.0 {
            self.dec(m, 0)
        } else {
            self.dec(m, 1)
        }
    }
}

const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Lang {
    /// A date written out: `1er décembre 2026`, `6 December 2026`.
    ///
    /// # Examples
    /// ```
    /// use medaccess::report::Lang;
    /// let d = time::Date::from_calendar_date(2026, time::Month::December, 1).unwrap();
    /// assert_eq!(Lang::Fr.date(d), "1er\u{A0}décembre 2026");
    /// assert_eq!(Lang::En.date(d), "1\u{A0}December 2026");
    /// ```
    pub fn date(self, d: time::Date) -> String {
        let m = u8::from(d.month()) as usize - 1;
        match self {
            Lang::Fr if d.day() == 1 => format!("1er{NBSP}{} {}", MOIS[m], d.year()),
            Lang::Fr => format!("{}{NBSP}{} {}", d.day(), MOIS[m], d.year()),
            Lang::En => format!("{}{NBSP}{} {}", d.day(), MONTHS[m], d.year()),
        }
    }
}

fn group_into(out: &mut String, digits: &str, sep: char) {
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(Lang::Fr.int(0u64), "0");
        assert_eq!(Lang::Fr.int(999u64), "999");
        assert_eq!(Lang::Fr.int(1000u64), "1\u{202F}000");
        assert_eq!(Lang::Fr.int(66_526_267u64), "66\u{202F}526\u{202F}267");
        assert_eq!(Lang::En.int(66_526_267u64), "66,526,267");
        assert_eq!(Lang::En.int(-1000i64), "-1,000");
        assert_eq!(Lang::En.int(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn reals() {
        assert_eq!(Lang::Fr.dec(0.05, 1), "0,1");
        assert_eq!(Lang::Fr.dec(42.0, 1), "42,0");
        assert_eq!(Lang::Fr.dec(1234.5, 0), "1\u{202F}234");
        assert_eq!(Lang::En.dec(1234.56, 2), "1,234.56");
        assert_eq!(Lang::En.dec(-3.25, 1), "-3.2");
        assert_eq!(Lang::En.dec(-0.01, 1), "0.0");
        assert_eq!(Lang::Fr.dec(-1234.0, 1), "-1\u{202F}234,0");
        assert_eq!(Lang::Fr.dec(f64::NAN, 1), "–");
    }

    #[test]
    fn percentages_minutes_bounds() {
        assert_eq!(Lang::Fr.pct(0, 0), "0,0\u{202F}%");
        assert_eq!(Lang::Fr.pct(13_245, 677_309), "2,0\u{202F}%");
        assert_eq!(Lang::En.pct(2, 3), "66.7%");
        assert_eq!(Lang::Fr.minutes(Some(41.25)), "41,2\u{A0}min");
        assert_eq!(Lang::En.minutes(Some(41.26)), "41.3\u{A0}min");
        assert_eq!(Lang::En.minutes(None), "–");
        assert_eq!(Lang::Fr.bound(45.0), "45");
        assert_eq!(Lang::Fr.bound(7.5), "7,5");
    }

    #[test]
    fn dates() {
        let d = time::Date::from_calendar_date(2026, time::Month::August, 15).unwrap();
        assert_eq!(Lang::Fr.date(d), "15\u{A0}août 2026");
        assert_eq!(Lang::En.date(d), "15\u{A0}August 2026");
    }

    #[test]
    fn parse_lang() {
        assert_eq!(Lang::parse("FR"), Ok(Lang::Fr));
        assert_eq!(Lang::parse("en"), Ok(Lang::En));
        assert!(Lang::parse("de").is_err());
        assert_eq!(Lang::default(), Lang::Fr);
    }
}
