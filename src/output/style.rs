//! How a layer is drawn, described once: QGIS reads it from the `.qml`
//! beside a GeoJSON and from the `layer_styles` table of a GeoPackage
//! (both written by [`super::qml`]).

/// A colour, red, green, blue.
pub type Rgb = (u8, u8, u8);

/// The grey of places no facility can be reached from (the report uses
/// the same).
pub const UNREACHABLE_COLOR: Rgb = (189, 189, 189);

/// Colours of graduated classes: green (close) through yellow to dark red
/// (far), interpolated over as many classes as asked.
#[derive(Debug, Clone, Copy)]
pub struct ColorRamp;

impl ColorRamp {
    const STOPS: [Rgb; 5] = [
        (26, 150, 65),
        (166, 217, 106),
        (255, 255, 191),
        (253, 174, 97),
        (165, 0, 38),
    ];

    /// The colour of class `i` of `n`.
    pub fn color(i: usize, n: usize) -> Rgb {
        if n <= 1 {
            return Self::STOPS[0];
        }
        let t = i as f64 / (n - 1) as f64 * (Self::STOPS.len() - 1) as f64;
        let k = (t.floor() as usize).min(Self::STOPS.len() - 2);
        let f = t - k as f64;
        let (a, b) = (Self::STOPS[k], Self::STOPS[k + 1]);
        let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
        (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }
}

/// Twelve colours that tell neighbours apart (ColorBrewer `Set3`, Cynthia
/// Brewer, Pennsylvania State University, Apache-2.0 licence), used in
/// turn for classes without an order (catchments).
pub const QUALITATIVE: [Rgb; 12] = [
    (141, 211, 199),
    (255, 255, 179),
    (190, 186, 218),
    (251, 128, 114),
    (128, 177, 211),
    (253, 180, 98),
    (179, 222, 105),
    (252, 205, 229),
    (217, 217, 217),
    (188, 128, 189),
    (204, 235, 197),
    (255, 237, 111),
];

/// One class of a [`Style::Categories`]: the features whose field equals
/// `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub value: String,
    pub label: String,
    pub color: Rgb,
}

/// How a layer is drawn. Every style gives every feature a class: a
/// feature QGIS cannot class is not drawn at all, which is how
/// unreachable communes used to vanish from the map.
#[derive(Debug, Clone, PartialEq)]
pub enum Style {
    /// One symbol for every feature, with a legend label.
    Single { label: String, color: Rgb },
    /// One class per value of a text field.
    Categories {
        field: &'static str,
        classes: Vec<Category>,
    },
    /// Classes of a numeric field cut at `breaks`: `< breaks[0]`, then
    /// `[breaks[i], breaks[i + 1])`, then `>= breaks[last]` (so every
    /// number has a class), and `null`: the class of features without a
    /// value.
    Ranges {
        field: &'static str,
        breaks: Vec<f64>,
        /// One per class: `breaks.len() + 1`.
        labels: Vec<String>,
        colors: Vec<Rgb>,
        null: Option<(String, Rgb)>,
    },
}

impl Style {
    /// Categories of `field` coloured along the [`ColorRamp`], in order
    /// (value, label), then a grey class for `grey` (value, label): the
    /// time bands and "unreachable".
    pub fn ramp_categories(
        field: &'static str,
        ordered: Vec<(String, String)>,
        grey: Option<(String, String)>,
    ) -> Style {
        let n = ordered.len();
        let mut classes: Vec<Category> = ordered
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| Category {
                value,
                label,
                color: ColorRamp::color(i, n),
            })
            .collect();
        classes.extend(grey.map(|(value, label)| Category {
            value,
            label,
            color: UNREACHABLE_COLOR,
        }));
        Style::Categories { field, classes }
    }

    /// Categories of `field` in the `QUALITATIVE` colours, in turn.
    pub fn distinct_categories(field: &'static str, values: Vec<(String, String)>) -> Style {
        Style::Categories {
            field,
            classes: values
                .into_iter()
                .enumerate()
                .map(|(i, (value, label))| Category {
                    value,
                    label,
                    color: QUALITATIVE[i % QUALITATIVE.len()],
                })
                .collect(),
        }
    }

    /// Ranges of `field` coloured along the [`ColorRamp`] (reversed:
    /// `high_is_good`, the first class red), with a grey class for null.
    pub fn ramp_ranges(
        field: &'static str,
        breaks: Vec<f64>,
        labels: Vec<String>,
        null_label: Option<String>,
        high_is_good: bool,
    ) -> Style {
        let n = labels.len();
        let colors = (0..n)
            .map(|i| ColorRamp::color(if high_is_good { n - 1 - i } else { i }, n))
            .collect();
        Style::Ranges {
            field,
            breaks,
            labels,
            colors,
            null: null_label.map(|l| (l, UNREACHABLE_COLOR)),
        }
    }

    /// The legend labels, in order.
    pub fn labels(&self) -> Vec<String> {
        match self {
            Style::Single { label, .. } => vec![label.clone()],
            Style::Categories { classes, .. } => classes.iter().map(|c| c.label.clone()).collect(),
            Style::Ranges { labels, null, .. } => labels
                .iter()
                .cloned()
                .chain(null.iter().map(|n| n.0.clone()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_ends() {
        assert_eq!(ColorRamp::color(0, 7), (26, 150, 65));
        assert_eq!(ColorRamp::color(6, 7), (165, 0, 38));
    }
}
