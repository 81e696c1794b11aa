//! File names made from values: checked against a strict pattern, and a
//! scenario's changes put into the names of its files so that no run
//! silently replaces another's.

/// Whether `name` may be a file name of a run: letters, digits, `.`, `_`
/// and `-`, starting with a letter or digit, no `..`, at most 200 bytes.
/// Every value that becomes a file name (a département read from a
/// commune graph, a scenario's ids) passes through it.
///
/// # Examples
/// ```
/// use medaccess::output::is_safe_file_name;
/// assert!(is_safe_file_name("maternity-access-2A-2023.geojson"));
/// assert!(!is_safe_file_name("maternity-access-../../ESCAPED.csv"));
/// assert!(!is_safe_file_name(".hidden"));
/// ```
pub fn is_safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A scenario's changes (`close-640000410`, `open-64422`, `add-64104x2`…)
/// as a part of file names: joined with `-` when there are at most three,
/// each short and safe; else `s` and 8 hexadecimal digits of their hash
/// (FNV-1a), and `true`: the caller then writes the list beside the files.
///
/// # Examples
/// ```
/// use medaccess::output::scenario_tag;
/// assert_eq!(scenario_tag(&["close-640000410".into()]), ("close-640000410".into(), false));
/// let (tag, hashed) = scenario_tag(&["open-Test@-0.6:43.2".into()]);
/// assert!(hashed && tag.starts_with('s') && tag.len() == 9);
/// ```
pub fn scenario_tag(parts: &[String]) -> (String, bool) {
    let short = parts.len() <= 3 && parts.iter().all(|p| p.len() <= 24 && is_safe_file_name(p));
    if short {
        return (parts.join("-"), false);
    }
    let h = crate::io::fnv1a(parts.join("\n").as_bytes());
    (format!("s{:08x}", h >> 32), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_or_odd_scenarios_are_hashed_stably() {
        let parts: Vec<String> = ["close-1", "close-2", "close-3", "close-4"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (a, hashed) = scenario_tag(&parts);
        assert!(hashed);
        assert_eq!(scenario_tag(&parts).0, a, "same scenario, same name");
        assert_ne!(scenario_tag(&parts[..3]).0, a);
        assert_eq!(scenario_tag(&parts[..2]), ("close-1-close-2".into(), false));
        assert!(scenario_tag(&["close-../x".into()]).1);
    }
}
