//! The history timeline: population beyond each threshold, year by year,
//! as a plotters line chart in SVG.

use plotters::prelude::*;

use super::History;
use super::locale::Lang;
use crate::error::{Error, Result};

/// Line colours, one per threshold: blue, orange, red, purple, then grey.
/// Not the band ramp: lines need strong, distinct colours.
const SERIES: [(u8, u8, u8); 5] = [
    (49, 130, 189),
    (253, 141, 60),
    (203, 24, 29),
    (117, 107, 177),
    (99, 99, 99),
];

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Invalid(format!("report: cannot draw the timeline: {e:?}"))
}

/// Renders the timeline as an SVG document, `width` × `height` pixels.
pub(crate) fn render_timeline(h: &History, lang: Lang, width: u32, height: u32) -> Result<String> {
    let first = h.rows.iter().map(|r| r.0 as i32).min().unwrap_or(2000);
    let last = h.rows.iter().map(|r| r.0 as i32).max().unwrap_or(first);
    let (x0, x1) = if first < last {
        (first, last)
    } else {
        (first - 1, last + 1)
    };
    let top = h.rows.iter().flat_map(|r| r.1.iter().copied()).max().unwrap_or(0);
    // headroom for the legend box in the upper left corner
    let y1 = ((top as f64 * 1.25).ceil() as u64).max(10);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let font = ("sans-serif", 13.0 * 1.24).into_font();
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(34)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, 0u64..y1)
            .map_err(draw_err)?;
        let y_desc = match lang {
            Lang::Fr => "habitants",
            Lang::En => "residents",
        };
        let year_fmt = |y: &i32| y.to_string();
        let pop_fmt = |v: &u64| lang.int(*v);
        chart
            .configure_mesh()
            .x_labels((x1 - x0 + 1) as usize)
            .x_label_formatter(&year_fmt)
            .y_label_formatter(&pop_fmt)
            .y_desc(y_desc)
            .label_style(font.clone())
            .axis_desc_style(font.clone())
            .y_labels(6)
            .max_light_lines(1)
            .light_line_style(RGBColor(240, 240, 240))
            .draw()
            .map_err(draw_err)?;
        for (s, t) in h.thresholds.iter().enumerate() {
            let (r, g, b) = SERIES[s.min(SERIES.len() - 1)];
            let color = RGBColor(r, g, b);
            let pts: Vec<(i32, u64)> = h
                .rows
                .iter()
                .filter_map(|(y, v)| v.get(s).map(|&p| (*y as i32, p)))
                .collect();
            let label = match lang {
                Lang::Fr => format!("au-delà de {} min", lang.bound(*t)),
                Lang::En => format!("beyond {} min", lang.bound(*t)),
            };
            chart
                .draw_series(LineSeries::new(pts.clone(), color.stroke_width(3)))
                .map_err(draw_err)?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], color.stroke_width(3)));
            chart
                .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, color.filled())))
                .map_err(draw_err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(RGBColor(120, 120, 120))
            .label_font(font)
            .draw()
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_threshold() {
        let h = History {
            thresholds: vec![30.0, 45.0],
            rows: vec![
                (2013, vec![5000, 100]),
                (2014, vec![9000, 2500]),
                (2016, vec![12000, 2600]),
            ],
            events: vec![],
        };
        let svg = render_timeline(&h, Lang::Fr, 800, 360).unwrap();
        assert!(svg.matches("<polyline").count() >= 2);
        assert!(svg.contains("au-delà de 45 min"));
        assert!(svg.contains("12\u{202F}000") || svg.contains("10\u{202F}000"));
        // a single year still draws
        let one = History {
            thresholds: vec![40.0],
            rows: vec![(2023, vec![0])],
            events: vec![],
        };
        assert!(render_timeline(&one, Lang::En, 800, 360).is_ok());
    }
}
