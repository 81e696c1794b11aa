//! A snapped point as the searches see it: the seeds a search starts from
//! and the labels it ends on. Here rather than in [`crate::roads`], which
//! comes before the searches in the pipeline and knows nothing of them.

use crate::roads::Snap;
use crate::units::{NodeId, Time};

use super::{Label, Nearest, Seed};

impl Snap {
    /// Seeds for a forward search from this point as source `source`.
    pub fn origin_seeds(&self, source: u32) -> Vec<Seed> {
        seeds(&self.outbound, source)
    }

    /// Seeds for a search on [`RoadGraph::backward`](crate::graph::RoadGraph::backward)
    /// from this point as destination `source`: the times it finds are
    /// from every node *to* this point.
    pub fn destination_seeds(&self, source: u32) -> Vec<Seed> {
        seeds(&self.inbound, source)
    }

    /// Finishes, at this origin, a search run on the *backward* graph from
    /// the destinations' [`destination_seeds`](Self::destination_seeds):
    /// the nearest destination from this point and the time to it (leg and
    /// partial edge included). Ties go to the lowest source index.
    ///
    /// # Examples
    /// ```no_run
    /// # use medaccess::roads::{RoadNetwork, Snapper, SnapOptions};
    /// # use medaccess::route::{nearest, Seed};
    /// # fn f(net: &RoadNetwork, commune: [f64; 2], facilities: &[[f64; 2]]) -> medaccess::Result<()> {
    /// let snapper = Snapper::new(net);
    /// let o = SnapOptions::default();
    /// let fac = snapper.snap_all(facilities, &o)?;
    /// let seeds: Vec<Seed> =
    ///     fac.snaps.iter().enumerate().flat_map(|(i, s)| s.destination_seeds(i as u32)).collect();
    /// let labels = nearest(net.graph.backward(), &seeds, None);
    /// let best = snapper.snap(commune, &o)?.reach(&labels); // patient -> nearest facility
    /// # Ok(()) }
    /// ```
    pub fn reach(&self, labels: &[Label]) -> Label {
        let mut best = Label::NONE;
        for &(v, t) in &self.outbound {
            if let Some(l) = labels.get(v as usize).filter(|l| !l.is_none()) {
                let c = Label {
                    time: l.time.saturating_add(t),
                    source: l.source,
                };
                best = best.min(c);
            }
        }
        best
    }

    /// Like [`reach`](Self::reach) for a [`nearest_two`](crate::route::nearest_two)
    /// result: the nearest destination and the nearest *other* one.
    pub fn reach_two(&self, near: &Nearest) -> (Label, Label) {
        let mut cands: Vec<Label> = Vec::with_capacity(4);
        for &(v, t) in &self.outbound {
            for l in [near.first.get(v as usize), near.second.get(v as usize)]
                .into_iter()
                .flatten()
            {
                if !l.is_none() {
                    cands.push(Label {
                        time: l.time.saturating_add(t),
                        source: l.source,
                    });
                }
            }
        }
        cands.sort();
        let first = cands.first().copied().unwrap_or(Label::NONE);
        let second = cands
            .iter()
            .copied()
            .find(|l| l.source != first.source)
            .unwrap_or(Label::NONE);
        (first, second)
    }
}

fn seeds(list: &[(NodeId, Time)], source: u32) -> Vec<Seed> {
    list.iter()
        .map(|&(node, time)| Seed { node, time, source })
        .collect()
}
