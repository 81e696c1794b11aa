//! A [`Style`] as QGIS reads it: the `.qml` written beside a GeoJSON, and
//! the `styleQML` of a GeoPackage's `layer_styles` table.

use std::fmt::Write as _;

use super::layer::GeometryKind;
use super::style::{Rgb, Style};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A number as a QGIS expression reads it.
fn num(x: f64) -> String {
    format!("{x}")
}

/// The QGIS style of a layer of `geometry` drawn with `style`.
pub(super) fn qml_text(style: &Style, geometry: GeometryKind) -> String {
    let mut x = String::new();
    x.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    x.push_str("<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n");
    let colors: Vec<Rgb> = match style {
        Style::Single { label, color } => {
            // A rule with no filter: one symbol, with a legend label (a
            // single-symbol renderer has none).
            x.push_str("  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n");
            x.push_str("    <rules key=\"root\">\n");
            let _ = writeln!(
                x,
                "      <rule key=\"r0\" symbol=\"0\" label=\"{}\"/>",
                esc(label)
            );
            x.push_str("    </rules>\n");
            vec![*color]
        }
        Style::Categories { field, classes } => {
            let _ = writeln!(
                x,
                "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">",
                esc(field)
            );
            x.push_str("    <categories>\n");
            for (i, c) in classes.iter().enumerate() {
                let _ = writeln!(
                    x,
                    "      <category value=\"{}\" symbol=\"{i}\" label=\"{}\" render=\"true\"/>",
                    esc(&c.value),
                    esc(&c.label)
                );
            }
            x.push_str("    </categories>\n");
            classes.iter().map(|c| c.color).collect()
        }
        Style::Ranges {
            field,
            breaks,
            labels,
            colors,
            null,
        } => {
            // Rules rather than a graduated renderer: classes half-open as
            // the bands are, open at both ends, and one for null.
            x.push_str("  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n");
            x.push_str("    <rules key=\"root\">\n");
            let f = format!("\"{field}\"");
            for (i, label) in labels.iter().enumerate() {
                let filter = match (i.checked_sub(1).map(|j| breaks[j]), breaks.get(i)) {
                    (None, Some(hi)) => format!("{f} < {}", num(*hi)),
                    (Some(lo), Some(hi)) => format!("{f} >= {} AND {f} < {}", num(lo), num(*hi)),
                    (Some(lo), None) => format!("{f} >= {}", num(lo)),
                    (None, None) => format!("{f} IS NOT NULL"),
                };
                let _ = writeln!(
                    x,
                    "      <rule key=\"r{i}\" filter=\"{}\" symbol=\"{i}\" label=\"{}\"/>",
                    esc(&filter),
                    esc(label)
                );
            }
            let mut colors = colors.clone();
            if let Some((label, color)) = null {
                let i = labels.len();
                let _ = writeln!(
                    x,
                    "      <rule key=\"r{i}\" filter=\"{}\" symbol=\"{i}\" label=\"{}\"/>",
                    esc(&format!("{f} IS NULL")),
                    esc(label)
                );
                colors.push(*color);
            }
            x.push_str("    </rules>\n");
            colors
        }
    };
    x.push_str("    <symbols>\n");
    let single = matches!(style, Style::Single { .. });
    for (i, (r, g, b)) in colors.into_iter().enumerate() {
        match geometry {
            GeometryKind::MultiPolygon => {
                let _ = writeln!(
                    x,
                    "      <symbol type=\"fill\" name=\"{i}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        <layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n            <Option type=\"QString\" name=\"color\" value=\"{r},{g},{b},255\"/>\n            <Option type=\"QString\" name=\"outline_color\" value=\"90,90,90,255\"/>\n            <Option type=\"QString\" name=\"outline_width\" value=\"0.1\"/>\n            <Option type=\"QString\" name=\"outline_width_unit\" value=\"MM\"/>\n            <Option type=\"QString\" name=\"style\" value=\"solid\"/>\n          </Option>\n        </layer>\n      </symbol>"
                );
            }
            GeometryKind::Point | GeometryKind::None => {
                // Facilities and new sites (a single symbol) stand out as
                // larger diamonds over the communes' dots.
                let (shape, size) = if single {
                    ("diamond", "3.5")
                } else {
                    ("circle", "2")
                };
                let _ = writeln!(
                    x,
                    "      <symbol type=\"marker\" name=\"{i}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        <layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n            <Option type=\"QString\" name=\"color\" value=\"{r},{g},{b},255\"/>\n            <Option type=\"QString\" name=\"name\" value=\"{shape}\"/>\n            <Option type=\"QString\" name=\"outline_color\" value=\"60,60,60,255\"/>\n            <Option type=\"QString\" name=\"size\" value=\"{size}\"/>\n          </Option>\n        </layer>\n      </symbol>"
                );
            }
        }
    }
    x.push_str("    </symbols>\n  </renderer-v2>\n</qgis>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_rules_open_at_both_ends_with_a_null_class() {
        let s = Style::ramp_ranges(
            "delta_min",
            vec![0.0, 5.0],
            vec!["< 0".into(), "0-5".into(), ">= 5".into()],
            Some("unreachable".into()),
            false,
        );
        let q = qml_text(&s, GeometryKind::MultiPolygon);
        for f in [
            "filter=\"&quot;delta_min&quot; &lt; 0\"",
            "filter=\"&quot;delta_min&quot; &gt;= 0 AND &quot;delta_min&quot; &lt; 5\"",
            "filter=\"&quot;delta_min&quot; &gt;= 5\"",
            "filter=\"&quot;delta_min&quot; IS NULL\" symbol=\"3\" label=\"unreachable\"",
        ] {
            assert!(q.contains(f), "{f} in {q}");
        }
        assert_eq!(q.matches("<symbol type=\"fill\"").count(), 4);
    }
}
