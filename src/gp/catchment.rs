//! Travel times between demand units and supply sites within a bound: the
//! sparse "who reaches which site" table that both steps of the 2SFCA read.
//!
//! Two ways to collect the same table are given and measured against each
//! other (see `benches/gp.rs`): bounded searches from each supply site on the
//! **backward** graph (times patient → GP, one search per distinct site node),
//! and bounded searches from each demand unit on the forward graph. With
//! fewer sites than demand units (France: ~9,500 communes with a GP, ~35,000
//! communes) the supply side runs fewer searches of the same size.

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::graph::{Csr, RoadGraph};
use crate::route::BoundedSearch;
use crate::units::{NodeId, Time};

/// A supply site on the graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupplySite {
    /// Where the site enters the graph.
    pub node: NodeId,
    /// The demand unit (commune) the site lies in, if any: that unit reaches
    /// the site at time 0, whatever the graph says ("travel inside a commune
    /// counts as zero", as in DREES's commune-to-commune APL).
    pub home: Option<u32>,
    /// Supply: practitioners, FTEs or consultations per year (the unit of
    /// the accessibility that comes out).
    pub supply: f64,
}

/// Which way [`Pairs::collect`] searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// One bounded search per distinct site node on the backward graph.
    FromSupply,
    /// One bounded search per distinct demand node on the forward graph.
    FromDemand,
}

/// For each supply site, the demand units that reach it within `limit` and
/// their times (patient → site, tenths of a second), sorted by unit index.
/// Stored as one flat table indexed by site (CSR layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairs {
    num_units: usize,
    limit: Time,
    offsets: Vec<usize>,
    units: Vec<u32>,
    times: Vec<Time>,
}

impl Pairs {
    /// Collects every (unit, site, time) with time ≤ `limit` (inclusive) on
    /// `graph`, searching the way `direction` says; demand unit `k` sits on
    /// node `unit_nodes[k]` (several units may share a node). Parallel with
    /// rayon, one search workspace per worker; the result does not depend on
    /// the direction nor on the thread count.
    ///
    /// # Errors
    /// A node outside the graph, a `home` outside the units.
    ///
    /// # Examples
    /// ```
    /// use medaccess::graph::{Edge, RoadGraph};
    /// use medaccess::gp::{Direction, Pairs, SupplySite};
    /// // unit 0 on node 0 --300--> node 1 (site); node 1 --100--> node 0
    /// let g = RoadGraph::from_edges(2, &[Edge::new(0, 1, 300), Edge::new(1, 0, 100)]).unwrap();
    /// let site = SupplySite { node: 1, home: None, supply: 1.0 };
    /// let p = Pairs::collect(&g, &[0, 1], &[site], 1000, Direction::FromSupply).unwrap();
    /// assert_eq!(p.site(0), (&[0, 1][..], &[300, 0][..])); // patient -> GP direction
    /// ```
    pub fn collect(
        graph: &RoadGraph,
        unit_nodes: &[NodeId],
        sites: &[SupplySite],
        limit: Time,
        direction: Direction,
    ) -> Result<Pairs> {
        let n = graph.num_nodes();
        for (k, &v) in unit_nodes.iter().enumerate() {
            if v as usize >= n {
                return Err(Error::Invalid(format!(
                    "demand unit {k} is on node {v}, outside the graph (0..{n})"
                )));
            }
        }
        check_sites(sites, unit_nodes.len(), n)?;
        let lists = match direction {
            Direction::FromSupply => from_supply(graph, unit_nodes, sites, limit),
            Direction::FromDemand => from_demand(graph, unit_nodes, sites, limit),
        };
        Ok(Self::from_lists(unit_nodes.len(), limit, sites, lists))
    }

    /// Builds the table from any travel-time function `time(unit, site)`
    /// ([`UNREACHABLE`](crate::units::UNREACHABLE) or anything above `limit`
    /// means out of reach). Costs `units × sites` calls: for small cases,
    /// other engines, and tests.
    pub fn from_fn(
        num_units: usize,
        sites: &[SupplySite],
        limit: Time,
        mut time: impl FnMut(usize, usize) -> Time,
    ) -> Result<Pairs> {
        check_sites(sites, num_units, usize::MAX)?;
        let lists = (0..sites.len())
            .map(|j| {
                (0..num_units)
                    .filter_map(|k| {
                        let t = time(k, j);
                        (t <= limit).then_some((k as u32, t))
                    })
                    .collect()
            })
            .collect();
        Ok(Self::from_lists(num_units, limit, sites, lists))
    }

    /// Adds the home rule (home unit at time 0), sorts each list by unit and
    /// flattens.
    fn from_lists(
        num_units: usize,
        limit: Time,
        sites: &[SupplySite],
        mut lists: Vec<Vec<(u32, Time)>>,
    ) -> Pairs {
        let mut offsets = Vec::with_capacity(sites.len() + 1);
        offsets.push(0);
        let total: usize = lists.iter().map(|l| l.len() + 1).sum();
        let mut units = Vec::with_capacity(total);
        let mut times = Vec::with_capacity(total);
        for (list, site) in lists.iter_mut().zip(sites) {
            list.sort_unstable();
            list.dedup_by_key(|p| p.0); // a unit on two nodes keeps its best time
            if let Some(h) = site.home {
                match list.binary_search_by_key(&h, |p| p.0) {
                    Ok(i) => list[i].1 = 0,
                    Err(i) => list.insert(i, (h, 0)),
                }
            }
            for &(k, t) in list.iter() {
                units.push(k);
                times.push(t);
            }
            offsets.push(units.len());
        }
        Pairs {
            num_units,
            limit,
            offsets,
            units,
            times,
        }
    }

    /// The units reaching site `j` and their times, sorted by unit.
    pub fn site(&self, j: usize) -> (&[u32], &[Time]) {
        let r = self.offsets[j]..self.offsets[j + 1];
        (&self.units[r.clone()], &self.times[r])
    }

    pub fn num_sites(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn num_units(&self) -> usize {
        self.num_units
    }

    /// Number of (unit, site) pairs stored.
    pub fn num_pairs(&self) -> usize {
        self.units.len()
    }

    /// The bound the pairs were collected to, tenths of a second.
    pub fn limit(&self) -> Time {
        self.limit
    }

    /// Appends a site (e.g. a new practice in a scenario) with its list of
    /// (unit, time); returns its index.
    pub(crate) fn push_site(&mut self, site: &SupplySite, list: Vec<(u32, Time)>) -> usize {
        let extra = Self::from_lists(self.num_units, self.limit, std::slice::from_ref(site), vec![list]);
        self.units.extend_from_slice(&extra.units);
        self.times.extend_from_slice(&extra.times);
        self.offsets.push(self.units.len());
        self.num_sites() - 1
    }
}

fn check_sites(sites: &[SupplySite], num_units: usize, num_nodes: usize) -> Result<()> {
    for (j, s) in sites.iter().enumerate() {
        if s.node as usize >= num_nodes {
            return Err(Error::Invalid(format!(
                "supply site {j} is on node {}, outside the graph (0..{num_nodes})",
                s.node
            )));
        }
        if let Some(h) = s.home
            && h as usize >= num_units
        {
            return Err(Error::Invalid(format!(
                "supply site {j} lies in demand unit {h}, but there are only {num_units} units"
            )));
        }
        if !(s.supply.is_finite() && s.supply >= 0.0) {
            return Err(Error::Invalid(format!(
                "supply site {j} has supply {}: must be a finite number >= 0",
                s.supply
            )));
        }
    }
    Ok(())
}

/// `items` grouped by node: (distinct nodes in increasing order, CSR offsets,
/// item indices).
fn group_by_node(nodes: impl Iterator<Item = NodeId>) -> (Vec<NodeId>, Vec<usize>, Vec<u32>) {
    let mut keyed: Vec<(NodeId, u32)> = nodes.enumerate().map(|(i, v)| (v, i as u32)).collect();
    keyed.sort_unstable();
    let mut distinct = Vec::new();
    let mut offsets = vec![0];
    let mut items = Vec::with_capacity(keyed.len());
    for (i, &(v, item)) in keyed.iter().enumerate() {
        if i > 0 && keyed[i - 1].0 != v {
            offsets.push(items.len());
        }
        if i == 0 || keyed[i - 1].0 != v {
            distinct.push(v);
        }
        items.push(item);
    }
    if !keyed.is_empty() {
        offsets.push(items.len());
    }
    (distinct, offsets, items)
}

/// Node → the items on it, as a dense CSR over all graph nodes.
fn node_index(num_nodes: usize, nodes: &[NodeId]) -> (Vec<u32>, Vec<u32>) {
    let mut offsets = vec![0u32; num_nodes + 1];
    for &v in nodes {
        offsets[v as usize + 1] += 1;
    }
    for i in 0..num_nodes {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut items = vec![0u32; nodes.len()];
    for (i, &v) in nodes.iter().enumerate() {
        items[fill[v as usize] as usize] = i as u32;
        fill[v as usize] += 1;
    }
    (offsets, items)
}

/// One bounded search within `limit` on `csr` from each node of `sources`
/// (in parallel, one workspace per worker), listing for each search the
/// `(k, time)` of every item `k` of `items_at` (item `k` sits on node
/// `items_at[k]`) whose node it reaches.
fn reach_from_each(csr: &Csr, sources: &[NodeId], items_at: &[NodeId], limit: Time) -> Vec<Vec<(u32, Time)>> {
    let n = csr.num_nodes();
    let (item_off, item_ids) = node_index(n, items_at);
    sources
        .par_iter()
        .map_init(
            || BoundedSearch::new(n),
            |ws, &v| {
                let mut list = Vec::new();
                for &(w, t) in ws.run(csr, &[(v, 0)], limit) {
                    let r = item_off[w as usize] as usize..item_off[w as usize + 1] as usize;
                    list.extend(item_ids[r].iter().map(|&k| (k, t)));
                }
                list
            },
        )
        .collect()
}

/// One bounded search per distinct site node on the backward graph.
fn from_supply(
    graph: &RoadGraph,
    unit_nodes: &[NodeId],
    sites: &[SupplySite],
    limit: Time,
) -> Vec<Vec<(u32, Time)>> {
    let (distinct, off, items) = group_by_node(sites.iter().map(|s| s.node));
    // (unit, time) reaching each distinct site node
    let per_node = reach_from_each(graph.backward(), &distinct, unit_nodes, limit);
    let mut lists = vec![Vec::new(); sites.len()];
    for (g, list) in per_node.into_iter().enumerate() {
        let members = &items[off[g]..off[g + 1]];
        for &j in &members[1..] {
            lists[j as usize] = list.clone();
        }
        lists[members[0] as usize] = list;
    }
    lists
}

/// One bounded search per distinct demand node on the forward graph, then a
/// transpose to per-site lists.
fn from_demand(
    graph: &RoadGraph,
    unit_nodes: &[NodeId],
    sites: &[SupplySite],
    limit: Time,
) -> Vec<Vec<(u32, Time)>> {
    let site_nodes: Vec<NodeId> = sites.iter().map(|s| s.node).collect();
    let (distinct, off, items) = group_by_node(unit_nodes.iter().copied());
    // (site, time) reached from each distinct demand node
    let per_node = reach_from_each(graph.forward(), &distinct, &site_nodes, limit);
    let mut lists = vec![Vec::new(); sites.len()];
    for (g, list) in per_node.iter().enumerate() {
        for &k in &items[off[g]..off[g + 1]] {
            for &(j, t) in list {
                lists[j as usize].push((k, t));
            }
        }
    }
    lists
}
