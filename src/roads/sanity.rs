//! Does a road network fit the run? A network that misses the scope (the
//! Corsica roads with `--dep 64`, a corridor extract whose largest connected
//! part has 3 nodes, coordinates read in the wrong `--roads-epsg`) snaps
//! nothing, and a run on it would report every commune unreachable, beyond
//! any threshold: a false désert, with exit 0. So a run stops, saying which
//! test failed, when
//! - the largest strongly connected part keeps less than
//!   [`MIN_KEPT_SHARE`] of the network's nodes (the rest are islands: the
//!   file is fragments, not a network), or
//! - more than [`Coverage::max_far_share`] of the communes in scope, or of
//!   the facilities within their extent (the box around their origins),
//!   lie farther than the snap limit from any road. Facilities elsewhere
//!   may well be off a regional network.
//!
//! `--allow-sparse-network` turns both into warnings (written into the
//! run's summary); `--snap-share-max` sets the share.

use super::NetworkInfo;
use crate::error::{Error, Result};

/// Default largest share of points farther than the snap limit: a quarter.
/// A network covering the scope leaves only a few islands or mountain
/// hamlets beyond the limit (Corsica on its own network: none of 360
/// communes); a network that misses the scope leaves nearly all.
pub const DEFAULT_MAX_FAR_SHARE: f64 = 0.25;

/// The largest strongly connected part must keep at least this share of
/// the nodes (Saint-Barthélemy keeps 98 %, the tiny test extract 73 %, the
/// St-Brieuc–Loudéac corridor 2.5 %).
pub const MIN_KEPT_SHARE: f64 = 0.5;

/// How strict the checks are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    /// Largest share (0 to 1) of communes in scope, or of facilities within
    /// their extent, allowed beyond the snap limit.
    pub max_far_share: f64,
    /// Turn the failed checks into warnings.
    pub allow_sparse: bool,
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            max_far_share: DEFAULT_MAX_FAR_SHARE,
            allow_sparse: false,
        }
    }
}

/// Points of one kind beyond the snap limit, for [`Coverage::check_snapped`].
#[derive(Debug, Clone)]
pub struct Far<'a> {
    /// `communes in scope` or `facilities within the extent of the communes in scope`.
    pub what: &'a str,
    pub far: usize,
    pub total: usize,
    /// A few of the far points (`64445 Pau (12.3 km)`), for the message.
    pub examples: Vec<String>,
}

impl Coverage {
    /// An error when the check failed and is not allowed; the message as a
    /// warning when it is; nothing when it passed.
    fn verdict(&self, failed: Option<String>) -> Result<Option<String>> {
        match failed {
            None => Ok(None),
            Some(m) if self.allow_sparse => Ok(Some(format!("{m} (run anyway: --allow-sparse-network)"))),
            Some(m) => Err(Error::Invalid(format!(
                "{m}. Use a network that covers the scope (or the right --roads-epsg); to run anyway, \
                 leaving those points unreachable, add --allow-sparse-network"
            ))),
        }
    }

    /// Checks that the largest strongly connected part is not a fragment.
    ///
    /// # Examples
    /// ```
    /// use medaccess::roads::sanity::Coverage;
    /// let mut info = medaccess::roads::NetworkInfo {
    ///     engine: medaccess::roads::NetworkSource::Osm,
    ///     source: "corridor.osm.pbf".into(),
    ///     timestamp: None,
    ///     profile: "car-fr".into(),
    ///     report: Default::default(),
    /// };
    /// info.report.nodes = 3;
    /// info.report.dropped_nodes = 115;
    /// let e = Coverage::default().check_component(&info).unwrap_err().to_string();
    /// assert!(e.contains("keeps 3 of its 118 nodes"), "{e}");
    /// ```
    pub fn check_component(&self, info: &NetworkInfo) -> Result<Option<String>> {
        let kept = info.report.nodes;
        let all = kept + info.report.dropped_nodes;
        let share = if all == 0 { 0.0 } else { kept as f64 / all as f64 };
        self.verdict((share < MIN_KEPT_SHARE).then(|| {
            format!(
                "the road network {} is fragments, not a network: its largest connected part keeps {kept} of its \
                 {all} nodes ({:.1} %, less than {:.0} %; {} parts)",
                info.source.display(),
                100.0 * share,
                100.0 * MIN_KEPT_SHARE,
                info.report.components
            )
        }))
    }

    /// Checks the share of points beyond the snap limit (`limit_m`) of the
    /// network `source`.
    ///
    /// # Examples
    /// ```
    /// use medaccess::roads::sanity::{Coverage, Far};
    /// let far = Far { what: "communes in scope", far: 545, total: 545, examples: vec!["64445 Pau (412.0 km)".into()] };
    /// let e = Coverage::default().check_snapped(std::path::Path::new("corse.pbf"), 1000.0, &far).unwrap_err().to_string();
    /// assert!(e.contains("545 of the 545 communes in scope (100 %) are farther than 1000 m"), "{e}");
    /// let ok = Far { far: 3, ..far };
    /// assert!(Coverage::default().check_snapped(std::path::Path::new("x"), 1000.0, &ok).unwrap().is_none());
    /// ```
    pub fn check_snapped(&self, source: &std::path::Path, limit_m: f64, f: &Far) -> Result<Option<String>> {
        if f.total == 0 {
            return Ok(None);
        }
        let share = f.far as f64 / f.total as f64;
        self.verdict((share > self.max_far_share).then(|| {
            format!(
                "the road network {} misses the scope: {} of the {} {} ({:.0} %) are farther than {limit_m} m from \
                 any of its roads, more than the {:.0} % allowed (--snap-share-max){}",
                source.display(),
                f.far,
                f.total,
                f.what,
                100.0 * share,
                100.0 * self.max_far_share,
                if f.examples.is_empty() {
                    String::new()
                } else {
                    format!("; e.g. {}", f.examples.join(", "))
                }
            )
        }))
    }
}
