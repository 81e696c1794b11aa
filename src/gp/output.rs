//! The per-commune GP table, in unit order (the same whatever the thread
//! count); the `gp` job's layers write it through [`crate::output`].

use super::fca::{GpModel, under_served};
use crate::error::Result;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gp::{Decay, SupplyChange, SupplySite};
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
        // one more GP in commune 1: R' = 1 / (1000 + 2/3 1000) = 0.0006,
        // +40 and +60 per 100,000 (the outputs are written by the jobs'
        // layers, through `output`)
        let d = m.scenario(&[SupplyChange { unit: 1, delta: 1.0 }]).unwrap();
        assert!((d[0] * 100_000.0 - 40.0).abs() < 1e-9 && (d[1] * 100_000.0 - 60.0).abs() < 1e-9);
        assert_eq!(d[2], 0.0);
    }
}
