/// The longest time a threshold or a band break may be, minutes (4 hours:
/// beyond any désert threshold in use, 30 to 45 minutes).
pub const MAX_MINUTES: f64 = 240.0;

/// Time bands in minutes, half-open `[lower, upper)`, the last one open.
///
/// # Examples
/// ```
/// use medaccess::access::Bands;
/// let b = Bands::default();
/// assert_eq!(b.labels(), ["0-10", "10-20", "20-30", "30-40", "40-45", "45-60", ">60"]);
/// assert_eq!(b.index(Some(10.0)), Some(1));
/// assert_eq!(b.label(Some(75.0)), ">60");
/// assert_eq!(b.label(None), "unreachable");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// Upper bounds of every band but the last, ascending, in minutes.
    pub breaks: Vec<f64>,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            breaks: vec![10.0, 20.0, 30.0, 40.0, 45.0, 60.0],
        }
    }
}

impl Bands {
    /// Parses "10,20,30,40,45,60": ascending positive minutes.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut breaks = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let v: f64 = part
                .parse()
                .map_err(|_| format!("band break `{part}` is not a number of minutes"))?;
            if !(v > 0.0 && v <= MAX_MINUTES) {
                return Err(format!(
                    "band break `{part}` must be a number of minutes in (0, {MAX_MINUTES}]"
                ));
            }
            if breaks.last().is_some_and(|&l| v <= l) {
                return Err(format!(
                    "band breaks must increase: `{part}` after {}",
                    breaks.last().unwrap_or(&0.0)
                ));
            }
            breaks.push(v);
        }
        if breaks.is_empty() {
            return Err("no band breaks given".into());
        }
        Ok(Bands { breaks })
    }

    pub fn len(&self) -> usize {
        self.breaks.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// Band of a time in minutes; `None` when unreachable.
    pub fn index(&self, minutes: Option<f64>) -> Option<usize> {
        let m = minutes?;
        Some(
            self.breaks
                .iter()
                .position(|&b| m < b)
                .unwrap_or(self.breaks.len()),
        )
    }

    pub fn labels(&self) -> Vec<String> {
        let fmt = |x: f64| format!("{x}");
        let mut out = Vec::with_capacity(self.len());
        let mut lo = 0.0;
        for &b in &self.breaks {
            out.push(format!("{}-{}", fmt(lo), fmt(b)));
            lo = b;
        }
        out.push(format!(">{}", fmt(lo)));
        out
    }

    pub fn label(&self, minutes: Option<f64>) -> String {
        match self.index(minutes) {
            Some(i) => self.labels()[i].clone(),
            None => "unreachable".into(),
        }
    }

    /// `(lower, upper, label)` per band, for a graduated style; the last
    /// band's upper bound is `open_upper`.
    pub fn classes(&self, open_upper: f64) -> Vec<(f64, f64, String)> {
        let labels = self.labels();
        let mut lo = 0.0;
        let mut out = Vec::new();
        for (i, l) in labels.into_iter().enumerate() {
            let hi = self.breaks.get(i).copied().unwrap_or(open_upper.max(lo + 1.0));
            out.push((lo, hi, format!("{l} min")));
            lo = hi;
        }
        out
    }
}
