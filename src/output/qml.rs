use std::fmt::Write as _;
use std::path::Path;

use crate::error::Result;
use crate::io::atomic_write_bytes;

/// Colours of graduated classes: green (close) through yellow to dark red
/// (far), interpolated over as many classes as asked; "no data" is grey.
#[derive(Debug, Clone, Copy)]
pub struct ColorRamp;

impl ColorRamp {
    const STOPS: [(u8, u8, u8); 5] = [
        (26, 150, 65),
        (166, 217, 106),
        (255, 255, 191),
        (253, 174, 97),
        (165, 0, 38),
    ];

    /// The colour of class `i` of `n`, as "r,g,b".
    pub fn color(i: usize, n: usize) -> (u8, u8, u8) {
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

/// Writes a QGIS style (.qml) with a graduated renderer on `field`: one class
/// per `(lower, upper, label)`. Place it beside the GeoJSON with the same
/// stem and QGIS applies it when the layer is opened.
pub fn write_qml(path: &Path, field: &str, classes: &[(f64, f64, String)], polygons: bool) -> Result<()> {
    atomic_write_bytes(path, qml_text(field, classes, polygons).as_bytes())
}

/// The QGIS style of [`write_qml`] as text.
pub(super) fn qml_text(field: &str, classes: &[(f64, f64, String)], polygons: bool) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut x = String::new();
    x.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    x.push_str("<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n");
    let _ = writeln!(
        x,
        "  <renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">",
        esc(field)
    );
    x.push_str("    <ranges>\n");
    for (i, (lo, hi, label)) in classes.iter().enumerate() {
        let _ = writeln!(
            x,
            "      <range lower=\"{lo}\" upper=\"{hi}\" symbol=\"{i}\" label=\"{}\" render=\"true\"/>",
            esc(label)
        );
    }
    x.push_str("    </ranges>\n    <symbols>\n");
    for i in 0..classes.len() {
        let (r, g, b) = ColorRamp::color(i, classes.len());
        if polygons {
            let _ = writeln!(
                x,
                "      <symbol type=\"fill\" name=\"{i}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        <layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n            <Option type=\"QString\" name=\"color\" value=\"{r},{g},{b},255\"/>\n            <Option type=\"QString\" name=\"outline_color\" value=\"90,90,90,255\"/>\n            <Option type=\"QString\" name=\"outline_width\" value=\"0.1\"/>\n            <Option type=\"QString\" name=\"outline_width_unit\" value=\"MM\"/>\n            <Option type=\"QString\" name=\"style\" value=\"solid\"/>\n          </Option>\n        </layer>\n      </symbol>"
            );
        } else {
            let _ = writeln!(
                x,
                "      <symbol type=\"marker\" name=\"{i}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        <layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\">\n          <Option type=\"Map\">\n            <Option type=\"QString\" name=\"color\" value=\"{r},{g},{b},255\"/>\n            <Option type=\"QString\" name=\"name\" value=\"circle\"/>\n            <Option type=\"QString\" name=\"outline_color\" value=\"60,60,60,255\"/>\n            <Option type=\"QString\" name=\"size\" value=\"2\"/>\n          </Option>\n        </layer>\n      </symbol>"
            );
        }
    }
    x.push_str("    </symbols>\n  </renderer-v2>\n</qgis>\n");
    x
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
