//! Facility names as a map label shows them. The DREES and FINESS lists
//! write names in capitals with long generic words (`CENTRE HOSPITALIER DE
//! SAINT-PALAIS`); on a map, point features are labelled in mixed case and
//! as briefly as the reader still recognises them (`CH de Saint-Palais`).
//! Tables keep the official name.

/// Generic words shortened the way French health planners write them.
const ABBREVIATIONS: [(&str, &str); 11] = [
    ("CENTRE HOSPITALIER REGIONAL UNIVERSITAIRE", "CHRU"),
    ("CENTRE HOSPITALIER UNIVERSITAIRE", "CHU"),
    ("CENTRE HOSPITALIER REGIONAL", "CHR"),
    ("CENTRE HOSPITALIER INTERCOMMUNAL", "CHI"),
    ("CENTRE HOSPITALIER INTERCOM", "CHI"),
    ("CENTRE HOSPITALIER", "CH"),
    ("CTRE HOSPITALIER", "CH"),
    ("CTRE HOSP", "CH"),
    ("GROUPE HOSPITALIER", "GH"),
    ("C.H.U.", "CHU"),
    ("C.H.", "CH"),
];

/// Acronyms that contain a vowel (words without one are acronyms anyway).
const ACRONYMS: [&str; 23] = [
    "SA", "CHU", "CHI", "CHIC", "CHRU", "HU", "APHP", "AP-HP", "APHM", "AP-HM", "HCL", "GCS", "GHICL",
    "GHEF", "GHER", "GHU", "GHT", "HIA", "HPL", "ESPIC", "CMC", "SAS", "UGECAM",
];

/// Generic words whose accents the capitals dropped (place names keep the
/// spelling of the source: restoring theirs would need a gazetteer).
const ACCENTS: [(&str, &str); 17] = [
    ("HOPITAL", "Hôpital"),
    ("HOPITAUX", "Hôpitaux"),
    ("PRIVE", "Privé"),
    ("PRIVEE", "Privée"),
    ("MATERNITE", "Maternité"),
    ("MERE", "Mère"),
    ("COTE", "Côte"),
    ("VALLEE", "Vallée"),
    ("SANTE", "Santé"),
    ("GENERAL", "Général"),
    ("GENERALE", "Générale"),
    ("POLE", "Pôle"),
    ("REGIONAL", "Régional"),
    ("ALLEES", "Allées"),
    ("CHATEAU", "Château"),
    ("ETOILE", "Étoile"),
    ("MEDICAL", "Médical"),
];

/// Expanded abbreviations of the lists.
const EXPANSIONS: [(&str, &str); 3] = [("CL", "Clinique"), ("POLYCL", "Polyclinique"), ("ST", "St")];

/// Words written in lower case inside a name.
const PARTICLES: [&str; 14] = [
    "de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "aux", "au", "à", "a",
];

/// Longest label, in characters, before it is cut with `…`.
pub(crate) const MAX_LABEL: usize = 32;

/// The map label of a facility name.
///
/// `CENTRE HOSPITALIER DE SAINT-PALAIS` → `CH de Saint-Palais`; names
/// already in mixed case are kept, only shortened.
pub(crate) fn short_name(name: &str) -> String {
    let squeezed = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let shouting = !squeezed.chars().any(char::is_lowercase);
    let mut s = squeezed;
    if shouting {
        for (long, short) in ABBREVIATIONS {
            s = replace_words(&s, long, short);
        }
        s = title_case(&s);
    }
    // a dangling separator left by the list (`… SAINT VINCENT -`)
    let s = s.trim_end_matches([' ', '-', '–', '/']).to_string();
    cut(&s, MAX_LABEL)
}

/// The label of several facilities sharing one marker.
pub(crate) fn group_label(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [first, rest @ ..] => {
            let joined = names.join(" · ");
            if joined.chars().count() <= MAX_LABEL + 6 {
                joined
            } else {
                format!("{first} +{}", rest.len())
            }
        }
    }
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

/// Replaces `long` by `short` where it stands as whole words.
fn replace_words(s: &str, long: &str, short: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(long) {
        let before_ok = i == 0 || rest[..i].ends_with(' ');
        let after = &rest[i + long.len()..];
        let after_ok = after.is_empty() || after.starts_with(' ');
        out.push_str(&rest[..i]);
        out.push_str(if before_ok && after_ok { short } else { long });
        rest = after;
    }
    out.push_str(rest);
    out
}

fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let vowels = word
        .chars()
        .filter(|c| "AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ".contains(*c))
        .count();
    ACRONYMS.contains(&word) || (letters >= 2 && vowels == 0) || word.chars().any(|c| c.is_ascii_digit())
}

/// One capitalised word (`SAINT-PALAIS` → `Saint-Palais`), its hyphenated
/// parts each capitalised but French particles (`POINTE-A-PITRE` →
/// `Pointe-à-Pitre`).
fn word_case(word: &str, first: bool) -> String {
    if let Some((_, w)) = ACCENTS.iter().find(|(k, _)| *k == word) {
        return w.to_string();
    }
    if let Some((_, w)) = EXPANSIONS.iter().find(|(k, _)| *k == word) {
        return w.to_string();
    }
    if is_acronym(word) {
        return word.to_string();
    }
    let lower = word.to_lowercase();
    if !first && PARTICLES.contains(&lower.as_str()) {
        return if lower == "a" { "à".into() } else { lower };
    }
    // parts between `-` and `/`, each capitalised but particles
    let mut out = String::with_capacity(lower.len());
    for (k, part) in lower.split_inclusive(['-', '/']).enumerate() {
        let (core, sep) = match part.strip_suffix(['-', '/']) {
            Some(c) => (c, &part[c.len()..]),
            None => (part, ""),
        };
        if k > 0 && PARTICLES.contains(&core) {
            out.push_str(if core == "a" { "à" } else { core });
        } else {
            out.push_str(&capitalise(core, first && k == 0));
        }
        out.push_str(sep);
    }
    out
}

/// `angouleme` → `Angouleme`; `d'angouleme` → `d'Angouleme`, or
/// `D'Angouleme` when it starts the name.
fn capitalise(part: &str, first: bool) -> String {
    let (prefix, rest) = match part.find('\'') {
        Some(i) if i <= 1 => part.split_at(i + 1),
        _ => ("", part),
    };
    let upper = |s: &str| {
        let mut c = s.chars();
        c.next().map_or(String::new(), |f| {
            f.to_uppercase().collect::<String>() + c.as_str()
        })
    };
    let prefix = if first { upper(prefix) } else { prefix.to_string() };
    prefix + &upper(rest)
}

fn title_case(s: &str) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut k = 0;
    while k < words.len() {
        let w = words[k];
        // `D ANTONY` (an apostrophe the list lost) → `d'Antony`
        if (w == "D" || w == "L") && k > 0 && k + 1 < words.len() {
            out.push(format!("{}'{}", w.to_lowercase(), word_case(words[k + 1], true)));
            k += 2;
            continue;
        }
        out.push(word_case(w, k == 0));
        k += 1;
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names from the DREES maternity list.
    #[test]
    fn drees_names() {
        let cases = [
            ("CENTRE HOSPITALIER DE SAINT-PALAIS", "CH de Saint-Palais"),
            ("CENTRE HOSPITALIER OLORON", "CH Oloron"),
            ("CH DE LA COTE BASQUE - BAYONNE", "CH de la Côte Basque - Bayonne"),
            ("CAPIO CLINIQUE BELHARRA", "Capio Clinique Belharra"),
            (
                "POLYCL L'ORMEAU SITE CENTRE TARBES",
                "Polyclinique l'Ormeau Site Cent…",
            ),
            ("C.H.U. DE POINTE-A-PITRE/ABYMES", "CHU de Pointe-à-Pitre/Abymes"),
            ("HOPITAL PRIVE D ANTONY", "Hôpital Privé d'Antony"),
            ("CENTRE HOSPITALIER D'ANGOULEME", "CH d'Angouleme"),
            ("CENTRE HOSPITALIER  FRANCK-JOLY", "CH Franck-Joly"),
            (
                "HU PARIS SUD SITE KREMLIN BICETRE APHP",
                "HU Paris Sud Site Kremlin Bicet…",
            ),
            ("CENTRE HOSPITALIER INTERCOM DE KOUROU", "CHI de Kourou"),
            (
                "GCS GHICL HOPITAL SAINT VINCENT -",
                "GCS GHICL Hôpital Saint Vincent",
            ),
            ("CL DE L'UNION SAINT JEAN", "Clinique de l'Union Saint Jean"),
            ("CHM", "CHM"),
            ("CH de Pau", "CH de Pau"),
        ];
        for (name, want) in cases {
            let got = short_name(name);
            assert_eq!(got, want, "{name}");
            assert!(got.chars().count() <= MAX_LABEL);
        }
    }

    #[test]
    fn groups() {
        let two = ["CH de Pau".to_string(), "Clinique Navarre".to_string()];
        assert_eq!(group_label(&two), "CH de Pau · Clinique Navarre");
        let long = [
            "CH de la Côte Basque - Bayonne".to_string(),
            "Clinique Belharra".to_string(),
            "Polyclinique Aguilera".to_string(),
        ];
        assert_eq!(group_label(&long), "CH de la Côte Basque - Bayonne +2");
    }
}
