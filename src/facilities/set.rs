//! A set of facilities of one kind, with where it comes from and what a
//! user should know about how it was placed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Facility, FacilityKind, Placed, PositionSource};

/// Where a facility set comes from (for titles, and the report's credits).
#[derive(Debug, Clone, PartialEq)]
pub enum SetSource {
    /// The DREES maternity list, sites open in `year`.
    Drees { year: u16 },
    /// Counts per commune (INSEE BPE D201 for GPs, or the same format), of
    /// the given vintage.
    Bpe { path: PathBuf, year: u16 },
    /// A user's file (facilities or practitioners).
    File { path: PathBuf },
}

impl SetSource {
    /// The year of the list, when it has one.
    pub fn year(&self) -> Option<u16> {
        match self {
            SetSource::Drees { year } | SetSource::Bpe { year, .. } => Some(*year),
            SetSource::File { .. } => None,
        }
    }
}

/// Facilities of one kind, placed.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilitySet {
    pub kind: FacilityKind,
    pub source: SetSource,
    /// Placed facilities.
    pub facilities: Vec<Facility>,
    /// Human-readable warnings (rejected positions, fallbacks), each
    /// starting with the facility's id.
    pub warnings: Vec<String>,
    /// Ids of what could not be placed at all: reported, never dropped
    /// silently.
    pub unplaced: Vec<String>,
}

impl FacilitySet {
    /// A set from facilities placed by a loader.
    pub fn from_placed(kind: FacilityKind, source: SetSource, placed: Placed) -> Self {
        FacilitySet {
            kind,
            source,
            facilities: placed.facilities,
            warnings: placed.warnings,
            unplaced: placed.unplaced,
        }
    }

    /// One facility per commune holding some supply (e.g. GPs counted per
    /// commune), at the commune's town hall, with the supply as capacity;
    /// id and commune are the INSEE code. `commune` maps an INSEE code to
    /// the commune's name and town hall; a commune it does not know is
    /// listed in `unplaced` with a warning giving its supply.
    pub fn from_supply(
        kind: FacilityKind,
        source: SetSource,
        supply: &BTreeMap<String, f64>,
        commune: impl Fn(&str) -> Option<(String, [f64; 2])>,
    ) -> Self {
        let mut set = FacilitySet {
            kind,
            source,
            facilities: Vec::new(),
            warnings: Vec::new(),
            unplaced: Vec::new(),
        };
        for (code, &amount) in supply {
            match commune(code) {
                Some((name, lon_lat)) => set.facilities.push(Facility {
                    id: code.clone(),
                    name,
                    commune: Some(code.clone()),
                    lon_lat,
                    source: PositionSource::CommuneTownHall,
                    level: None,
                    births: None,
                    capacity: Some(amount),
                }),
                None => {
                    set.warnings.push(format!(
                        "{code}: {amount} {} in a commune unknown to the commune table (merged since?): not placed",
                        kind.defaults().plural[1]
                    ));
                    set.unplaced.push(code.clone());
                }
            }
        }
        set
    }

    /// Supply per commune: the capacity (1 when not given) of every
    /// facility with a commune, summed by INSEE code.
    pub fn supply_by_commune(&self) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for f in &self.facilities {
            if let Some(c) = &f.commune {
                *out.entry(c.clone()).or_insert(0.0) += f.capacity.unwrap_or(1.0);
            }
        }
        out
    }

    pub fn len(&self) -> usize {
        self.facilities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facilities.is_empty()
    }

    /// The same set with the facilities of `ids` removed (a closure
    /// scenario). An id not in the set is an error naming it.
    pub fn without(&self, ids: &[String]) -> crate::Result<FacilitySet> {
        Ok(FacilitySet {
            facilities: super::close(&self.facilities, ids)?,
            ..self.clone()
        })
    }
}
