//! Every fixed word of the report, in French and in English, and the
//! French of the method strings the engines state in English (parameter
//! names, calibration), so that a report is in one language throughout.

use std::borrow::Cow;

use super::locale::Lang;

/// Every fixed label, in one language.
pub(crate) struct Text {
    pub map: &'static str,
    pub map_caption: &'static str,
    pub insets_note: &'static str,
    pub labels_dropped: &'static str,
    pub labels_none: &'static str,
    pub legend: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub beyond: &'static str,
    pub communes: &'static str,
    pub population: &'static str,
    pub share: &'static str,
    pub cumulative: &'static str,
    pub band: &'static str,
    pub by_band: &'static str,
    pub by_dep: &'static str,
    pub dep: &'static str,
    pub mean_min: &'static str,
    pub max_min: &'static str,
    pub worst: &'static str,
    pub commune: &'static str,
    pub insee: &'static str,
    pub minutes: &'static str,
    pub nearest: &'static str,
    pub facilities: &'static str,
    pub facilities_intro: &'static str,
    pub name: &'static str,
    pub id: &'static str,
    pub served_communes: &'static str,
    pub served_population: &'static str,
    pub position: &'static str,
    pub fallback_position: &'static str,
    pub unreachable: &'static str,
    pub total: &'static str,
    pub scenario: &'static str,
    pub closed: &'static str,
    pub opened: &'static str,
    pub changes: &'static str,
    pub delta: &'static str,
    pub status: &'static str,
    pub newly_beyond: &'static str,
    pub no_longer_beyond: &'static str,
    pub more_changes: &'static str,
    pub more_facilities: &'static str,
    pub no_change: &'static str,
    pub ranking: &'static str,
    pub ranking_intro: &'static str,
    pub rank: &'static str,
    pub pop_newly_beyond: &'static str,
    pub communes_newly_beyond: &'static str,
    pub minutes_added: &'static str,
    pub left_without: &'static str,
    pub history: &'static str,
    pub year: &'static str,
    pub events: &'static str,
    pub methods: &'static str,
    pub credits: &'static str,
    pub command: &'static str,
    pub kpi_mean: &'static str,
    pub margin: &'static str,
    pub fragile: &'static str,
    pub margin_note: &'static str,
    pub closed_marker: &'static str,
    pub new_marker: &'static str,
    pub produced: &'static str,
    pub made_by: &'static str,
    pub page: &'static str,
    pub threshold: &'static str,
    pub colon: &'static str,
}

pub(crate) const FR: Text = Text {
    map: "Carte des temps d'accès",
    map_caption: "Temps de trajet en voiture de chaque commune (depuis sa mairie) à l'établissement le plus proche.",
    insets_note: "Outre-mer en encarts, chacun à sa propre échelle.",
    labels_dropped: "établissements sans étiquette faute de place (tous figurent dans le tableau des établissements).",
    labels_none: "À cette échelle, les établissements ne sont pas nommés\u{A0}: le tableau des établissements les liste.",
    legend: "Temps d'accès",
    before: "Avant",
    after: "Après",
    beyond: "au-delà de",
    communes: "Communes",
    population: "Population",
    share: "Part de la population",
    cumulative: "Part cumulée",
    band: "Temps d'accès",
    by_band: "Population par tranche de temps",
    by_dep: "Par département",
    dep: "Département",
    mean_min: "Temps moyen",
    max_min: "Temps maximal",
    worst: "Communes les plus éloignées",
    commune: "Commune",
    insee: "Code INSEE",
    minutes: "Temps",
    nearest: "Établissement le plus proche",
    facilities: "Établissements",
    facilities_intro: "Établissements les plus proches d'au moins une commune du territoire, et ceux que le scénario ferme ou ouvre.",
    name: "Nom",
    id: "Identifiant",
    served_communes: "Communes desservies",
    served_population: "Population desservie",
    position: "Position",
    fallback_position: "mairie de la commune (position manquante)",
    unreachable: "aucun accès",
    total: "Total",
    scenario: "Scénario",
    closed: "Fermeture",
    opened: "Ouverture",
    changes: "Communes dont l'accès change",
    delta: "Écart",
    status: "Seuil",
    newly_beyond: "passe au-delà",
    no_longer_beyond: "repasse en deçà",
    more_changes: "autres communes changent\u{A0}; la liste complète est dans le GeoJSON des changements.",
    more_facilities: "autres établissements, desservant chacun moins d'habitants, ne sont pas listés ici.",
    no_change: "Aucune commune ne change.",
    ranking: "Classement des fermetures",
    ranking_intro: "Pour chaque établissement, ce que sa seule fermeture ferait\u{A0}: les habitants qui passeraient au-delà du seuil et les minutes ajoutées pour ceux qu'il dessert (calcul exact par le deuxième établissement le plus proche).",
    rank: "Rang",
    pop_newly_beyond: "Population passant au-delà",
    communes_newly_beyond: "Communes passant au-delà",
    minutes_added: "Minutes ajoutées par habitant desservi",
    left_without: "Population sans aucun accès",
    history: "Évolution année par année",
    year: "Année",
    events: "Événements",
    methods: "Méthode et sources",
    credits: "Sources des données",
    command: "Commande",
    kpi_mean: "temps moyen pondéré par la population",
    margin: "Marge à ±2\u{A0}min",
    fragile: "fragile",
    margin_note: "Marge\u{A0}: «\u{A0}+a\u{A0}» habitants comptés dont le nouveau temps dépasse le seuil de 2\u{A0}minutes au plus, «\u{A0}−b\u{A0}» habitants non comptés dont le nouveau temps est à moins de 2\u{A0}minutes sous le seuil. Un résultat est «\u{A0}fragile\u{A0}» quand ces habitants font plus de la moitié du chiffre\u{A0}: une erreur de 2\u{A0}minutes sur les temps pourrait le changer de moitié ou plus.",
    closed_marker: "établissement fermé",
    new_marker: "établissement ouvert",
    produced: "produit le",
    made_by: "Rapport produit par medaccess",
    page: "page",
    threshold: "seuil",
    colon: "\u{A0}:",
};

pub(crate) const EN: Text = Text {
    map: "Map of access times",
    map_caption: "Drive time from each commune (from its town hall) to the nearest facility.",
    insets_note: "Overseas départements in insets, each at its own scale.",
    labels_dropped: "facilities left unlabelled for want of room (the facilities table lists them all).",
    labels_none: "At this scale facilities are not named: the facilities table lists them.",
    legend: "Access time",
    before: "Before",
    after: "After",
    beyond: "beyond",
    communes: "Communes",
    population: "Population",
    share: "Share of population",
    cumulative: "Cumulative share",
    band: "Access time",
    by_band: "Population by time band",
    by_dep: "By département",
    dep: "Département",
    mean_min: "Mean time",
    max_min: "Longest time",
    worst: "Farthest communes",
    commune: "Commune",
    insee: "INSEE code",
    minutes: "Time",
    nearest: "Nearest facility",
    facilities: "Facilities",
    facilities_intro: "Facilities nearest to at least one commune of the territory, and those the scenario closes or opens.",
    name: "Name",
    id: "Id",
    served_communes: "Communes served",
    served_population: "Population served",
    position: "Position",
    fallback_position: "town hall of its commune (position missing)",
    unreachable: "no access",
    total: "Total",
    scenario: "Scenario",
    closed: "Closure",
    opened: "Opening",
    changes: "Communes whose access changes",
    delta: "Change",
    status: "Threshold",
    newly_beyond: "now beyond",
    no_longer_beyond: "now within",
    more_changes: "more communes change; the changes GeoJSON lists them all.",
    more_facilities: "more facilities, each serving fewer residents, are not listed here.",
    no_change: "No commune changes.",
    ranking: "Closure ranking",
    ranking_intro: "For each facility, what closing it alone would do: residents pushed beyond the threshold and minutes added for those it serves (exact, from the second-nearest facility).",
    rank: "Rank",
    pop_newly_beyond: "Population pushed beyond",
    communes_newly_beyond: "Communes pushed beyond",
    minutes_added: "Minutes added per resident served",
    left_without: "Population left with no access",
    history: "Year by year",
    year: "Year",
    events: "Events",
    methods: "Method and sources",
    credits: "Data sources",
    command: "Command",
    kpi_mean: "population-weighted mean time",
    margin: "±2\u{A0}min margin",
    fragile: "fragile",
    margin_note: "Margin: “+a” residents counted whose new time is at most 2\u{A0}minutes beyond the threshold, “−b” residents not counted whose new time is less than 2\u{A0}minutes under it. A result is “fragile” when they make more than half of the figure: a 2-minute error in the times could change it by half or more.",
    closed_marker: "closed facility",
    new_marker: "new facility",
    produced: "produced on",
    made_by: "Report made by medaccess",
    page: "page",
    threshold: "threshold",
    colon: ":",
};

impl Text {
    pub fn of(lang: Lang) -> &'static Text {
        match lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// French of the method strings the engines write in English: profile
/// parameter names, units and calibration sentences. Kept here, beside the
/// report's other words, so that the engines need not know the report's
/// languages.
const FRENCH: &[(&str, &str)] = &[
    (
        "neighbour links: detour factor",
        "liens entre voisines\u{A0}: facteur de détour",
    ),
    ("neighbour links: speed", "liens entre voisines\u{A0}: vitesse"),
    (
        "neighbour links: per commune crossed",
        "liens entre voisines\u{A0}: par commune traversée",
    ),
    (
        "town links: from population",
        "liens entre villes\u{A0}: population minimale",
    ),
    (
        "town links: detour factor",
        "liens entre villes\u{A0}: facteur de détour",
    ),
    ("town links: speed", "liens entre villes\u{A0}: vitesse"),
    ("town links: per link", "liens entre villes\u{A0}: par lien"),
    (
        "fast links: from population",
        "liens rapides\u{A0}: population minimale",
    ),
    (
        "fast links: detour factor",
        "liens rapides\u{A0}: facteur de détour",
    ),
    ("fast links: speed", "liens rapides\u{A0}: vitesse"),
    ("expressway: speed", "voies express\u{A0}: vitesse"),
    (
        "expressway: detour factor",
        "voies express\u{A0}: facteur de détour",
    ),
    (
        "expressway: per commune crossed",
        "voies express\u{A0}: par commune traversée",
    ),
    ("national: speed", "routes nationales\u{A0}: vitesse"),
    (
        "national: detour factor",
        "routes nationales\u{A0}: facteur de détour",
    ),
    (
        "national: per commune crossed",
        "routes nationales\u{A0}: par commune traversée",
    ),
    (
        "main-departmental: speed",
        "grandes routes départementales\u{A0}: vitesse",
    ),
    (
        "main-departmental: detour factor",
        "grandes routes départementales\u{A0}: facteur de détour",
    ),
    (
        "main-departmental: per commune crossed",
        "grandes routes départementales\u{A0}: par commune traversée",
    ),
    ("departmental: speed", "routes départementales\u{A0}: vitesse"),
    (
        "departmental: detour factor",
        "routes départementales\u{A0}: facteur de détour",
    ),
    (
        "departmental: per commune crossed",
        "routes départementales\u{A0}: par commune traversée",
    ),
    ("local: speed", "routes locales\u{A0}: vitesse"),
    ("local: detour factor", "routes locales\u{A0}: facteur de détour"),
    (
        "local: per commune crossed",
        "routes locales\u{A0}: par commune traversée",
    ),
    (
        "town of 10,000 inhabitants: extra crossing",
        "traversée en plus d'une ville de 10\u{A0}000 habitants",
    ),
    ("terrain: reference measure", "relief\u{A0}: mesure de référence"),
    ("terrain: exponent", "relief\u{A0}: exposant"),
    (
        "terrain: weight of the communes' measure against a road's own accidents",
        "relief\u{A0}: poids de la mesure des communes face aux accidents relevés sur la route elle-même",
    ),
    ("motorway: speed", "autoroutes\u{A0}: vitesse"),
    ("motorway: detour factor", "autoroutes\u{A0}: facteur de détour"),
    (
        "motorway: getting on or off",
        "autoroutes\u{A0}: entrée ou sortie",
    ),
    (
        "local roads to a numbered road, as the crow flies",
        "routes locales jusqu'à une route numérotée, à vol d'oiseau",
    ),
    (
        "facility leg: speed",
        "trajet jusqu'à l'établissement\u{A0}: vitesse",
    ),
    (
        "facility leg: detour factor",
        "trajet jusqu'à l'établissement\u{A0}: facteur de détour",
    ),
    (
        "Profile v1, calibrated on Corsica's OpenStreetMap road network and on quoted drive times (docs/commune-engine.md).",
        "Profil v1. Calibré sur le réseau routier OpenStreetMap de la Corse et sur des temps de trajet cités dans des sources publiques (docs/commune-engine.md).",
    ),
    (
        "Profile v2, calibrated on Corsica's OpenStreetMap road network and on quoted drive times (docs/commune-engine.md).",
        "Profil v2. Calibré sur le réseau routier OpenStreetMap de la Corse et sur des temps de trajet cités dans des sources publiques (docs/commune-engine.md).",
    ),
    ("leg from the point to the road", "trajet du point à la route"),
    ("snap limit", "distance maximale à la route"),
    ("inhabitants", "habitants"),
    ("records", "accidents"),
    ("detour factor", "facteur de détour"),
    ("speed", "vitesse"),
    (
        "Calibrated on Corsica's OpenStreetMap road network (docs/commune-engine.md).",
        "Calibré sur le réseau routier OpenStreetMap de la Corse (docs/commune-engine.md).",
    ),
    (
        "Synthetic times for a rendering test.",
        "Temps synthétiques pour un test de rendu.",
    ),
];

/// Sentence starts the engines write with a variable end.
const FRENCH_PREFIXES: [(&str, &str); 1] = [("Car profile ", "Profil voiture ")];

/// `s` in `lang`: the engines' English method strings in French when the
/// report is French; anything else as written.
pub(crate) fn translate(lang: Lang, s: &str) -> Cow<'_, str> {
    if lang == Lang::En {
        return Cow::Borrowed(s);
    }
    if let Some((_, fr)) = FRENCH.iter().find(|(en, _)| *en == s) {
        return Cow::Borrowed(fr);
    }
    for (en, fr) in FRENCH_PREFIXES {
        if let Some(rest) = s.strip_prefix(en) {
            return Cow::Owned(format!("{fr}{rest}"));
        }
    }
    Cow::Borrowed(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_words_in_french() {
        assert_eq!(
            translate(Lang::Fr, "town links: speed"),
            "liens entre villes\u{A0}: vitesse"
        );
        assert_eq!(translate(Lang::En, "town links: speed"), "town links: speed");
        assert_eq!(
            translate(Lang::Fr, "Car profile fast (docs/roads.md)."),
            "Profil voiture fast (docs/roads.md)."
        );
        assert_eq!(translate(Lang::Fr, "CH de Pau"), "CH de Pau");
    }
}
