//! The per-commune GP table and its CSV form, the same bytes whatever the
//! thread count (fixed decimals, rows in unit order), written atomically.

use std::io::Write;
use std::path::Path;

use super::fca::{GpModel, SupplyChange, under_served};
use crate::error::{Error, Result};
use crate::io::atomic_write;
use crate::units::{Time, to_minutes};

/// One demand unit's GP access.
#[derive(Debug, Clone, PartialEq)]
pub struct GpRow {
    /// Minutes to the nearest site with supply; `None` when none reachable.
    pub nearest_minutes: Option<f64>,
    /// Index of that site in the model's sites.
    pub nearest_site: Option<u32>,
    /// Supply within each threshold of [`GpTable::thresholds`].
    pub within: Vec<f64>,
    /// The 2SFCA value times [`GpTable::scale`].
    pub accessibility: f64,
    /// `accessibility < GpTable::under_served_below`.
    pub under_served: bool,
}

/// The GP access of every demand unit, in unit order.
#[derive(Debug, Clone, PartialEq)]
pub struct GpTable {
    /// Count thresholds, tenths of a second (e.g. 10, 20, 30 minutes).
    pub thresholds: Vec<Time>,
    /// Multiplier applied to the 2SFCA value: 100,000 for "per 100,000
    /// inhabitants" with head counts; 1 with consultations as supply.
    pub scale: f64,
    pub under_served_below: f64,
    pub rows: Vec<GpRow>,
}

impl GpTable {
    /// Builds the table from a model: nearest GP, supply within each of
    /// `thresholds` (at most the bound the model collected to), the 2SFCA
    /// value times `scale`, and the under-served flag.
    pub fn new(
        model: &GpModel<'_>,
        thresholds: &[Time],
        scale: f64,
        under_served_below: f64,
    ) -> Result<GpTable> {
        let near = model.nearest()?;
        let within = model.supply_within(thresholds)?;
        let values: Vec<f64> = model.fca().accessibility.iter().map(|a| a * scale).collect();
        let flags = under_served(&values, under_served_below);
        let rows = (0..values.len())
            .map(|k| GpRow {
                nearest_minutes: to_minutes(near[k].time),
                nearest_site: (!near[k].is_none()).then_some(near[k].source),
                within: within.iter().map(|w| w[k]).collect(),
                accessibility: values[k],
                under_served: flags[k],
            })
            .collect();
        Ok(GpTable {
            thresholds: thresholds.to_vec(),
            scale,
            under_served_below,
            rows,
        })
    }

    /// Writes the table as CSV, one row per unit with its code from
    /// `codes`: `insee,nearest_gp_min,gp_within_<M>min…,apl,under_served`
    /// (minutes with 1 decimal, empty when unreachable; supply with 2
    /// decimals; `apl` with 4 significant decimals).
    pub fn write_csv(&self, path: &Path, codes: &[String]) -> Result<()> {
        if codes.len() != self.rows.len() {
            return Err(Error::Invalid(format!(
                "{} codes for {} rows",
                codes.len(),
                self.rows.len()
            )));
        }
        atomic_write(path, |w| {
            let io = |e| Error::io(path, e);
            write!(w, "insee,nearest_gp_min").map_err(io)?;
            for t in &self.thresholds {
                write!(w, ",gp_within_{}min", fmt_minutes(*t)).map_err(io)?;
            }
            writeln!(w, ",apl,under_served").map_err(io)?;
            for (code, r) in codes.iter().zip(&self.rows) {
                let near = r.nearest_minutes.map_or(String::new(), |m| format!("{m:.1}"));
                write!(w, "{},{near}", csv_field(code)).map_err(io)?;
                for v in &r.within {
                    write!(w, ",{v:.2}").map_err(io)?;
                }
                writeln!(w, ",{:.4},{}", r.accessibility, u8::from(r.under_served)).map_err(io)?;
            }
            Ok(())
        })
    }
}

/// Writes a scenario's effect: one row per unit whose accessibility
/// changed (`|delta| > 0`), `insee,apl_before,apl_after,apl_delta`, values
/// times `scale`. Returns the number of rows written.
pub fn write_scenario_csv(
    path: &Path,
    model: &GpModel<'_>,
    changes: &[SupplyChange],
    codes: &[String],
    scale: f64,
) -> Result<usize> {
    let delta = model.scenario(changes)?;
    if codes.len() != delta.len() {
        return Err(Error::Invalid(format!(
            "{} codes for {} units",
            codes.len(),
            delta.len()
        )));
    }
    let before = &model.fca().accessibility;
    let mut written = 0;
    atomic_write(path, |w| {
        let io = |e| Error::io(path, e);
        writeln!(w, "insee,apl_before,apl_after,apl_delta").map_err(io)?;
        for ((code, b), d) in codes.iter().zip(before).zip(&delta) {
            if *d == 0.0 {
                continue;
            }
            let (b, d) = (b * scale, d * scale);
            writeln!(w, "{},{b:.4},{:.4},{d:+.4}", csv_field(code), b + d).map_err(io)?;
            written += 1;
        }
        Ok(())
    })?;
    Ok(written)
}

fn fmt_minutes(t: Time) -> String {
    let m = to_minutes(t).unwrap_or(f64::INFINITY);
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

/// Quotes a field when CSV needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gp::{Decay, SupplySite};
    use crate::graph::{Edge, RoadGraph};
    use crate::units::minutes;

    #[test]
    fn table_and_csv() {
        // 0 (2 GPs, 1000 people) --12 min-- 1 (1000 people)    2 (isolated, 10 people)
        let t = minutes(12.0);
        let g = RoadGraph::from_edges(3, &[Edge::new(0, 1, t), Edge::new(1, 0, t)]).unwrap();
        let sites = vec![SupplySite {
            node: 0,
            home: Some(0),
            supply: 2.0,
        }];
        let m = GpModel::new(
            &g,
            vec![0, 1, 2],
            vec![1000.0, 1000.0, 10.0],
            sites,
            Decay::drees(),
            minutes(30.0),
        )
        .unwrap();
        let ths = [minutes(10.0), minutes(20.0), minutes(30.0)];
        let table = GpTable::new(&m, &ths, 100_000.0, 100.0).unwrap();
        // R = 2 / (1000 + 2/3 1000) = 0.0012 -> 120 and 80 per 100,000
        assert!((table.rows[0].accessibility - 120.0).abs() < 1e-9);
        assert!((table.rows[1].accessibility - 80.0).abs() < 1e-9);
        assert_eq!(table.rows[1].within, vec![0.0, 2.0, 2.0]);
        assert_eq!(table.rows[1].nearest_minutes, Some(12.0));
        assert_eq!(table.rows[2].nearest_minutes, None);
        assert_eq!(
            table.rows.iter().map(|r| r.under_served).collect::<Vec<_>>(),
            vec![false, true, true]
        );
        let dir = std::env::temp_dir().join(format!("medaccess-gp-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("gp.csv");
        let codes: Vec<String> = ["64001", "64002", "64003"].map(String::from).to_vec();
        table.write_csv(&p, &codes).unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "insee,nearest_gp_min,gp_within_10min,gp_within_20min,gp_within_30min,apl,under_served\n\
             64001,0.0,2.00,2.00,2.00,120.0000,0\n\
             64002,12.0,0.00,2.00,2.00,80.0000,1\n\
             64003,,0.00,0.00,0.00,0.0000,1\n"
        );
        // one more GP in commune 1: R' = 1 / (1000 + 2/3 1000) = 0.0006
        let s = dir.join("scenario.csv");
        let n =
            write_scenario_csv(&s, &m, &[SupplyChange { unit: 1, delta: 1.0 }], &codes, 100_000.0).unwrap();
        assert_eq!(n, 2);
        assert_eq!(
            std::fs::read_to_string(&s).unwrap(),
            "insee,apl_before,apl_after,apl_delta\n\
             64001,120.0000,160.0000,+40.0000\n\
             64002,80.0000,140.0000,+60.0000\n"
        );
    }
}
