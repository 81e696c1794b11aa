//! Drive times between French towns quoted in public sources, to check the
//! commune-estimate engine on the mainland, where no road graph is at hand
//! (see `docs/commune-engine.md`). Each entry was typed by hand from the
//! page named in it; a range holds two sources (or one source's two dates).
//! These are traffic-free ("habituellement", "en temps normal") times from
//! press articles and motorway operators, rounded to 5–10 minutes, between
//! unspecified points of the two towns.

/// One quoted drive time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CitedTime {
    /// INSEE code of one end.
    pub from: &'static str,
    /// INSEE code of the other end.
    pub to: &'static str,
    /// Shortest quoted time, minutes.
    pub min_minutes: f64,
    /// Longest quoted time, minutes.
    pub max_minutes: f64,
    /// Used to fit [`crate::communes::CommuneProfile::fast_detour`] (the
    /// others are held out).
    pub fit: bool,
    /// Where the time is quoted.
    pub source: &'static str,
}

const fn c(
    from: &'static str,
    to: &'static str,
    min_minutes: f64,
    max_minutes: f64,
    fit: bool,
    source: &'static str,
) -> CitedTime {
    CitedTime {
        from,
        to,
        min_minutes,
        max_minutes,
        fit,
        source,
    }
}

/// The quoted times (both directions are taken as equal).
pub const CITED_TIMES: &[CitedTime] = &[
    c(
        "64430",
        "64445",
        40.0,
        40.0,
        false,
        "Orthez–Pau: \"délocalisée à Pau, soit 40 minutes de trajet\", maminou-lemag.com/article/print/1310 (2014)",
    ),
    c(
        "64422",
        "64445",
        45.0,
        45.0,
        false,
        "Oloron-Sainte-Marie–Pau: \"à trois quart d'heure de Pau\", France Bleu Béarn 2017-09 (l-avenir-de-la-maternite-d-oloron-sainte-marie); \"45 min de route\", France Bleu 2017-09-30",
    ),
    c(
        "64430",
        "64102",
        60.0,
        60.0,
        false,
        "Orthez–Bayonne: \"Bayonne qui se trouve à 60 km, soit à une heure de route\", maminou-lemag.com/news/fin-accouchement-maternite-orthez-1360 (2014)",
    ),
    c(
        "64316",
        "64493",
        60.0,
        60.0,
        false,
        "Larrau–Saint-Palais: \"une heure de route\" (the mayor of Larrau), mediabask.naiz.eus 2017-10-16",
    ),
    c(
        "64316",
        "64445",
        120.0,
        120.0,
        false,
        "Larrau–Pau: \"deux heures\" (the mayor of Larrau), mediabask.naiz.eus 2017-10-16",
    ),
    c(
        "69123",
        "73011",
        75.0,
        80.0,
        false,
        "Lyon–Albertville: \"1h15 habituellement\", lyoncapitale.fr 2019-03; \"1h20 en temps normal\", lyoncapitale.fr 2020-02",
    ),
    c(
        "31555",
        "11262",
        80.0,
        80.0,
        false,
        "Toulouse–Narbonne (A61): \"01h40 au lieu d'01h20\", rtbf.be 2020-07 quoting Vinci Autoroutes",
    ),
    c(
        "69123",
        "84087",
        95.0,
        110.0,
        false,
        "Lyon–Orange (A7): \"cinq heures au lieu de 01h35\", rtbf.be 2020-07 (Vinci Autoroutes); \"habituellement d'1h50\", lyonmag.com article 42139",
    ),
    c(
        "86194",
        "33063",
        130.0,
        130.0,
        true,
        "Poitiers–Bordeaux (A10): \"trois heures de Poitiers à Bordeaux au lieu de 02h10\", rtbf.be 2020-07 quoting Vinci Autoroutes",
    ),
    c(
        "75056",
        "06088",
        576.0,
        576.0,
        true,
        "Paris–Nice by motorway: 9h36, data.roole.fr (comparaison des temps de trajet entre autoroutes et itinéraires alternatifs)",
    ),
];
