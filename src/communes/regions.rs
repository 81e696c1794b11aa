//! INSEE regions (2016 boundaries) and their départements, and scope
//! selection (by département, region, INSEE code, or all of France).
//!
//! Source: INSEE, Code officiel géographique (COG), table of regions and
//! départements (`v_region` / `v_departement`, identical since the 2016
//! reform; <https://www.insee.fr/fr/information/2560452>). Typed by hand.

use super::load::Communes;
use crate::error::{Error, Result};

/// INSEE region code, region name, départements (by INSEE département code).
pub const REGIONS: &[(&str, &str, &[&str])] = &[
    ("01", "Guadeloupe", &["971"]),
    ("02", "Martinique", &["972"]),
    ("03", "Guyane", &["973"]),
    ("04", "La Réunion", &["974"]),
    ("06", "Mayotte", &["976"]),
    (
        "11",
        "Île-de-France",
        &["75", "77", "78", "91", "92", "93", "94", "95"],
    ),
    ("24", "Centre-Val de Loire", &["18", "28", "36", "37", "41", "45"]),
    (
        "27",
        "Bourgogne-Franche-Comté",
        &["21", "25", "39", "58", "70", "71", "89", "90"],
    ),
    ("28", "Normandie", &["14", "27", "50", "61", "76"]),
    ("32", "Hauts-de-France", &["02", "59", "60", "62", "80"]),
    (
        "44",
        "Grand Est",
        &["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"],
    ),
    ("52", "Pays de la Loire", &["44", "49", "53", "72", "85"]),
    ("53", "Bretagne", &["22", "29", "35", "56"]),
    (
        "75",
        "Nouvelle-Aquitaine",
        &[
            "16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87",
        ],
    ),
    (
        "76",
        "Occitanie",
        &[
            "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82",
        ],
    ),
    (
        "84",
        "Auvergne-Rhône-Alpes",
        &[
            "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
        ],
    ),
    (
        "93",
        "Provence-Alpes-Côte d'Azur",
        &["04", "05", "06", "13", "83", "84"],
    ),
    ("94", "Corse", &["2A", "2B"]),
];

/// INSEE département code and name (Code officiel géographique,
/// `v_departement`, unchanged since 2016). Typed by hand.
pub const DEPARTEMENTS: &[(&str, &str)] = &[
    ("01", "Ain"),
    ("02", "Aisne"),
    ("03", "Allier"),
    ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"),
    ("06", "Alpes-Maritimes"),
    ("07", "Ardèche"),
    ("08", "Ardennes"),
    ("09", "Ariège"),
    ("10", "Aube"),
    ("11", "Aude"),
    ("12", "Aveyron"),
    ("13", "Bouches-du-Rhône"),
    ("14", "Calvados"),
    ("15", "Cantal"),
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("18", "Cher"),
    ("19", "Corrèze"),
    ("2A", "Corse-du-Sud"),
    ("2B", "Haute-Corse"),
    ("21", "Côte-d'Or"),
    ("22", "Côtes-d'Armor"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("25", "Doubs"),
    ("26", "Drôme"),
    ("27", "Eure"),
    ("28", "Eure-et-Loir"),
    ("29", "Finistère"),
    ("30", "Gard"),
    ("31", "Haute-Garonne"),
    ("32", "Gers"),
    ("33", "Gironde"),
    ("34", "Hérault"),
    ("35", "Ille-et-Vilaine"),
    ("36", "Indre"),
    ("37", "Indre-et-Loire"),
    ("38", "Isère"),
    ("39", "Jura"),
    ("40", "Landes"),
    ("41", "Loir-et-Cher"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("44", "Loire-Atlantique"),
    ("45", "Loiret"),
    ("46", "Lot"),
    ("47", "Lot-et-Garonne"),
    ("48", "Lozère"),
    ("49", "Maine-et-Loire"),
    ("50", "Manche"),
    ("51", "Marne"),
    ("52", "Haute-Marne"),
    ("53", "Mayenne"),
    ("54", "Meurthe-et-Moselle"),
    ("55", "Meuse"),
    ("56", "Morbihan"),
    ("57", "Moselle"),
    ("58", "Nièvre"),
    ("59", "Nord"),
    ("60", "Oise"),
    ("61", "Orne"),
    ("62", "Pas-de-Calais"),
    ("63", "Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"),
    ("66", "Pyrénées-Orientales"),
    ("67", "Bas-Rhin"),
    ("68", "Haut-Rhin"),
    ("69", "Rhône"),
    ("70", "Haute-Saône"),
    ("71", "Saône-et-Loire"),
    ("72", "Sarthe"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
    ("75", "Paris"),
    ("76", "Seine-Maritime"),
    ("77", "Seine-et-Marne"),
    ("78", "Yvelines"),
    ("79", "Deux-Sèvres"),
    ("80", "Somme"),
    ("81", "Tarn"),
    ("82", "Tarn-et-Garonne"),
    ("83", "Var"),
    ("84", "Vaucluse"),
    ("85", "Vendée"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
    ("88", "Vosges"),
    ("89", "Yonne"),
    ("90", "Territoire de Belfort"),
    ("91", "Essonne"),
    ("92", "Hauts-de-Seine"),
    ("93", "Seine-Saint-Denis"),
    ("94", "Val-de-Marne"),
    ("95", "Val-d'Oise"),
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
];

/// The name of a département code (`"64"` → `Pyrénées-Atlantiques`).
///
/// # Examples
/// ```
/// use medaccess::communes::departement_name;
/// assert_eq!(departement_name("2A"), Some("Corse-du-Sud"));
/// assert_eq!(departement_name("20"), None);
/// ```
pub fn departement_name(code: &str) -> Option<&'static str> {
    DEPARTEMENTS.iter().find(|d| d.0 == code).map(|d| d.1)
}

/// The name of an INSEE region code (`"75"` → `Nouvelle-Aquitaine`).
pub fn region_name(code: &str) -> Option<&'static str> {
    REGIONS.iter().find(|r| r.0 == code).map(|r| r.1)
}

/// The départements of an INSEE region code (`"75"` → Nouvelle-Aquitaine's
/// twelve); `None` for an unknown code.
///
/// # Examples
/// ```
/// use medaccess::communes::region_departements;
/// assert!(region_departements("75").unwrap().contains(&"64"));
/// assert!(region_departements("99").is_none());
/// ```
pub fn region_departements(code: &str) -> Option<&'static [&'static str]> {
    REGIONS.iter().find(|r| r.0 == code).map(|r| r.2)
}

/// The region code of a département code.
pub fn region_of_departement(dep: &str) -> Option<&'static str> {
    REGIONS.iter().find(|r| r.2.contains(&dep)).map(|r| r.0)
}

/// The error for an unknown département code, with the fix for the usual
/// slips: `20` (Corsica, split in 2A and 2B since 1976), `1` for `01`.
fn unknown_departement(d: &str) -> String {
    let hint = if d == "20" {
        " — Corsica is two départements: 2A (Corse-du-Sud) and 2B (Haute-Corse); write --dep 2A,2B"
            .to_string()
    } else if d.len() == 1 && d.chars().all(|c| c.is_ascii_digit()) {
        format!(" — département codes have two digits: write {d:0>2}")
    } else {
        " — a département code is two characters (01-95, 2A, 2B) or three overseas (971-976)".to_string()
    };
    format!("unknown département code `{d}`{hint}")
}

/// Which communes a run covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Département codes (`64`, `2A`, `971`).
    Departements(Vec<String>),
    /// INSEE region codes (`75`).
    Regions(Vec<String>),
    /// INSEE commune codes.
    Communes(Vec<String>),
}

impl Scope {
    /// The départements covered, or `None` for all of France or a list of
    /// communes.
    ///
    /// # Errors
    /// An unknown region or département code.
    pub fn departements(&self) -> Result<Option<Vec<String>>> {
        let known = |d: &str| REGIONS.iter().any(|r| r.2.contains(&d));
        match self {
            Scope::All | Scope::Communes(_) => Ok(None),
            Scope::Departements(ds) => {
                for d in ds {
                    if !known(d) {
                        return Err(Error::Invalid(unknown_departement(d)));
                    }
                }
                Ok(Some(ds.clone()))
            }
            Scope::Regions(rs) => {
                let mut out = Vec::new();
                for r in rs {
                    let deps = region_departements(r).ok_or_else(|| {
                        Error::Invalid(format!(
                            "unknown INSEE region code `{r}` (known: {})",
                            REGIONS.iter().map(|r| r.0).collect::<Vec<_>>().join(", ")
                        ))
                    })?;
                    out.extend(deps.iter().map(|d| d.to_string()));
                }
                Ok(Some(out))
            }
        }
    }

    /// The départements whose communes a run loads: those of the scope,
    /// those of a list of communes (from their INSEE codes), `None` for
    /// all of France.
    ///
    /// # Errors
    /// An unknown région or département code.
    pub fn loaded_departements(&self) -> Result<Option<Vec<String>>> {
        match self {
            Scope::Communes(codes) => {
                let deps: std::collections::BTreeSet<String> = codes
                    .iter()
                    .map(|code| super::load::dep_of_insee(code).to_string())
                    .collect();
                Ok(Some(deps.into_iter().collect()))
            }
            _ => self.departements(),
        }
    }

    /// A short tag for file names: `64`, `64-65`, `r75`, `france`,
    /// `communes` (or the one commune's code).
    pub fn tag(&self) -> String {
        match self {
            Scope::All => "france".into(),
            Scope::Departements(d) => d.join("-"),
            Scope::Regions(r) => format!("r{}", r.join("-r")),
            Scope::Communes(c) if c.len() == 1 => c[0].clone(),
            Scope::Communes(_) => "communes".into(),
        }
    }

    /// The scope named for titles: `France`, `Pyrénées-Atlantiques (64),
    /// Hautes-Pyrénées (65)`, `Nouvelle-Aquitaine`, `12 communes`.
    ///
    /// # Examples
    /// ```
    /// use medaccess::Scope;
    /// assert_eq!(Scope::Regions(vec!["75".into()]).title(), "Nouvelle-Aquitaine");
    /// assert_eq!(Scope::Departements(vec!["64".into()]).title(), "Pyrénées-Atlantiques (64)");
    /// ```
    pub fn title(&self) -> String {
        match self {
            Scope::All => "France".into(),
            Scope::Departements(d) => d
                .iter()
                .map(|d| match departement_name(d) {
                    Some(name) => format!("{name} ({d})"),
                    None => d.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            Scope::Regions(r) => r
                .iter()
                .map(|r| region_name(r).map_or_else(|| format!("région {r}"), String::from))
                .collect::<Vec<_>>()
                .join(", "),
            Scope::Communes(c) if c.len() == 1 => format!("commune {}", c[0]),
            Scope::Communes(c) => format!("{} communes", c.len()),
        }
    }

    /// Indices into `table` of the communes in scope, in table order.
    ///
    /// # Errors
    /// An unknown code, or a scope that selects no commune.
    pub fn select(&self, table: &Communes) -> Result<Vec<usize>> {
        self.select_by(table.len(), |i| &table.communes[i].dep, |c| table.index_of(c))
    }

    /// The items `0..n` in scope, ascending, given each item's département
    /// and the index of an INSEE code: the one selection every table of
    /// communes (loaded rows, graph nodes, places) makes.
    ///
    /// # Errors
    /// An unknown code, or a scope that selects no item.
    pub fn select_by<'a>(
        &self,
        n: usize,
        dep: impl Fn(usize) -> &'a str,
        index_of: impl Fn(&str) -> Option<usize>,
    ) -> Result<Vec<usize>> {
        let idx: Vec<usize> = match self {
            Scope::All => (0..n).collect(),
            Scope::Communes(codes) => {
                let mut v = Vec::with_capacity(codes.len());
                for c in codes {
                    v.push(
                        index_of(c)
                            .ok_or_else(|| Error::Invalid(format!("unknown INSEE commune code `{c}`")))?,
                    );
                }
                v.sort_unstable();
                v.dedup();
                v
            }
            _ => {
                let deps = self.departements()?.unwrap_or_default();
                (0..n).filter(|&i| deps.iter().any(|d| d == dep(i))).collect()
            }
        };
        if idx.is_empty() {
            return Err(Error::Invalid(format!("the scope {self:?} selects no commune")));
        }
        Ok(idx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_once() {
        let mut all: Vec<&str> = REGIONS.iter().flat_map(|r| r.2.iter().copied()).collect();
        assert_eq!(all.len(), 101);
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 101, "a département is listed twice");
        assert_eq!(region_of_departement("64"), Some("75"));
        assert_eq!(region_of_departement("2B"), Some("94"));
    }
}
