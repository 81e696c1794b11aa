//! What kind of facility a set holds, and each kind's defaults: the
//! threshold beyond which a place is flagged, the time bands, and the
//! nouns the report uses. The kind is data, never a code path: every job
//! runs on any kind.

use std::fmt;

use crate::error::{Error, Result};

/// The kind of facility in a [`super::FacilitySet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacilityKind {
    /// Maternity units (DREES list).
    Maternity,
    /// General practitioners (INSEE BPE D201, or a practitioner file).
    GeneralPractitioner,
    /// Emergency departments (structures des urgences).
    EmergencyDepartment,
    /// Any other facility a user brings.
    Other,
}

/// A kind's defaults and labels: one row of [`KINDS`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindDefaults {
    pub kind: FacilityKind,
    /// Name on the command line (`--kind`) and in file names.
    pub code: &'static str,
    /// Minutes beyond which a place is flagged (désert médical for this kind).
    pub threshold_min: f64,
    /// Upper bounds of the time bands, minutes, ascending.
    pub bands: &'static [f64],
    /// One facility, French then English.
    pub singular: [&'static str; 2],
    /// Several facilities, French then English.
    pub plural: [&'static str; 2],
    /// One and several, in the terminal's short English (`maternity`,
    /// `maternities`).
    pub noun: [&'static str; 2],
    /// "from the nearest …" in French, with gender and article right.
    pub from_nearest_fr: &'static str,
    /// Where the threshold comes from.
    pub threshold_source: &'static str,
}

/// Every kind's defaults, in one table.
pub const KINDS: [KindDefaults; 4] = [
    KindDefaults {
        kind: FacilityKind::Maternity,
        code: "maternity",
        noun: ["maternity", "maternities"],
        threshold_min: 40.0,
        bands: &[10.0, 20.0, 30.0, 40.0, 45.0, 60.0],
        singular: ["maternité", "maternity unit"],
        plural: ["maternités", "maternity units"],
        from_nearest_fr: "de la maternité la plus proche",
        threshold_source: "the project's désert threshold (history also reads 30 and 45 minutes, as DREES studies do)",
    },
    KindDefaults {
        kind: FacilityKind::GeneralPractitioner,
        code: "gp",
        noun: ["GP", "GPs"],
        threshold_min: 20.0,
        bands: &[5.0, 10.0, 15.0, 20.0, 30.0],
        singular: ["médecin généraliste", "GP"],
        plural: ["médecins généralistes", "GPs"],
        from_nearest_fr: "du médecin généraliste le plus proche",
        threshold_source: "the reach of the DREES APL decay (weight 0 beyond 20 minutes)",
    },
    KindDefaults {
        kind: FacilityKind::EmergencyDepartment,
        code: "emergency",
        noun: ["emergency department", "emergency departments"],
        threshold_min: 30.0,
        bands: &[10.0, 20.0, 30.0, 45.0, 60.0],
        singular: ["service d'urgences", "emergency department"],
        plural: ["services d'urgences", "emergency departments"],
        from_nearest_fr: "du service d'urgences le plus proche",
        threshold_source: "the pacte territoire-santé (2012): urgent care within 30 minutes for everyone",
    },
    KindDefaults {
        kind: FacilityKind::Other,
        code: "facility",
        noun: ["facility", "facilities"],
        threshold_min: 40.0,
        bands: &[10.0, 20.0, 30.0, 40.0, 45.0, 60.0],
        singular: ["établissement", "facility"],
        plural: ["établissements", "facilities"],
        from_nearest_fr: "de l'établissement le plus proche",
        threshold_source: "the maternity default, for want of a standard for this kind",
    },
];

impl FacilityKind {
    /// This kind's row of [`KINDS`].
    ///
    /// # Examples
    /// ```
    /// use medaccess::facilities::FacilityKind;
    /// let e = FacilityKind::parse("emergency").unwrap().defaults();
    /// assert_eq!(e.threshold_min, 30.0);
    /// assert_eq!(FacilityKind::Maternity.defaults().bands, [10.0, 20.0, 30.0, 40.0, 45.0, 60.0]);
    /// ```
    pub fn defaults(self) -> &'static KindDefaults {
        KINDS
            .iter()
            .find(|k| k.kind == self)
            .unwrap_or(&KINDS[KINDS.len() - 1])
    }

    /// The kind of a `--kind` code (`maternity`, `gp`, `emergency`,
    /// `facility`).
    ///
    /// # Errors
    /// An unknown code, with the list of known ones.
    pub fn parse(code: &str) -> Result<Self> {
        KINDS
            .iter()
            .find(|k| k.code == code.trim())
            .map(|k| k.kind)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown facility kind `{code}` (known: {})",
                    KINDS.iter().map(|k| k.code).collect::<Vec<_>>().join(", ")
                ))
            })
    }

    /// The code, as [`FacilityKind::parse`] reads it.
    pub fn code(self) -> &'static str {
        self.defaults().code
    }
}

impl fmt::Display for FacilityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_kind_with_increasing_bands() {
        for k in [
            FacilityKind::Maternity,
            FacilityKind::GeneralPractitioner,
            FacilityKind::EmergencyDepartment,
            FacilityKind::Other,
        ] {
            let d = k.defaults();
            assert_eq!(d.kind, k);
            assert_eq!(FacilityKind::parse(d.code).unwrap(), k);
            assert!(d.bands.windows(2).all(|w| w[0] < w[1]), "{k}");
            assert!(d.threshold_min > 0.0);
        }
        assert!(FacilityKind::parse("pharmacy").is_err());
    }
}
