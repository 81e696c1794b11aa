//! The published DREES APL (accessibilité potentielle localisée) and how
//! our values compare with it.
//!
//! DREES publishes APL per commune in consultations per inhabitant per year
//! (age-standardised), reading under 2.5 as under-served. Our 2SFCA may be
//! in another unit (GPs per inhabitant when supply is a head count), so the
//! comparison leans on what is unit-free: Spearman's rank correlation, and
//! the largest disagreements in rank. The share of communes on the same
//! side of a threshold is given both for thresholds the caller states and
//! for our threshold matched to the published one by quantile.

use std::collections::BTreeMap;
use std::path::Path;

use super::supply::Table;
use crate::error::{Error, Result};

/// DREES's usual reading of GP APL: under 2.5 consultations per inhabitant
/// per year is under-served (Vergier & Chaput, "Déserts médicaux : comment
/// les définir ? Comment les mesurer ?", *Les Dossiers de la DREES* n°17,
/// May 2017: 8 % of the population lived in a commune under that threshold).
pub const DREES_UNDER_SERVED: f64 = 2.5;

/// One commune of the published APL.
#[derive(Debug, Clone, PartialEq)]
pub struct AplRow {
    pub insee: String,
    pub name: String,
    /// Consultations per (age-standardised) inhabitant per year.
    pub apl: f64,
}

/// Reads a DREES APL table: `codgeo,libgeo,apl_med_gen` (the header names
/// are matched case-insensitively; the value column may be given as
/// `value_column`). Delimiter `,` or `;`; a decimal comma is accepted with
/// `;`.
///
/// # Examples
/// ```
/// // Two rows in the layout of ../shared/data/apl-drees-2023 (values of 2023).
/// let p = std::env::temp_dir().join(format!("apl-doc-{}.csv", std::process::id()));
/// std::fs::write(&p, "codgeo;libgeo;apl_med_gen\n64445;Pau;4,6\n64422;Oloron-Sainte-Marie;4,6\n").unwrap();
/// let rows = medaccess::gp::read_apl(&p, None).unwrap();
/// assert_eq!(rows.len(), 2);
/// let pau = rows.iter().find(|r| r.insee == "64445").unwrap();
/// assert_eq!(pau.apl, 4.6);
/// # std::fs::remove_file(&p).unwrap();
/// ```
pub fn read_apl(path: &Path, value_column: Option<&str>) -> Result<Vec<AplRow>> {
    let t = Table::read(path)?;
    let code = t.find("codgeo").ok_or_else(|| {
        Error::format(
            path,
            format!("no `codgeo` column (columns: {})", t.header.join(", ")),
        )
    })?;
    let name = t.find("libgeo");
    let value_name = value_column.unwrap_or("apl_med_gen");
    let value = t.find(value_name).ok_or_else(|| {
        Error::format(
            path,
            format!("no `{value_name}` column (columns: {})", t.header.join(", ")),
        )
    })?;
    let mut out = Vec::with_capacity(t.rows.len());
    let mut seen = BTreeMap::new();
    for (line, rec) in &t.rows {
        let line = *line;
        let insee = t.insee(path, line, rec, code)?;
        let apl = t.number(path, line, rec, value)?;
        if apl < 0.0 {
            return Err(Error::field(
                path,
                line,
                &t.header[value],
                format!("{apl} is negative"),
            ));
        }
        if let Some(prev) = seen.insert(insee.clone(), line) {
            return Err(Error::field(
                path,
                line,
                &t.header[code],
                format!("commune {insee} is listed twice (first at line {prev})"),
            ));
        }
        let name = name.and_then(|c| rec.get(c)).unwrap_or("").to_string();
        out.push(AplRow { insee, name, apl });
    }
    Ok(out)
}

/// Ranks of `values` (1-based), ties given the average of their ranks.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        // positions i..=j (0-based) share rank mean(i+1..=j+1)
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = r;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation: Pearson's correlation of the average ranks.
/// `None` with fewer than 2 values or when one side is constant.
///
/// # Examples
/// ```
/// use medaccess::gp::spearman;
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), Some(1.0));
/// assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
/// ```
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let (ra, rb) = (average_ranks(a), average_ranks(b));
    let n = a.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// Share of pairs on the same side of their thresholds: `a < ta` agrees
/// with `b < tb`.
pub fn same_side_share(a: &[f64], ta: f64, b: &[f64], tb: f64) -> f64 {
    if a.is_empty() {
        return f64::NAN;
    }
    let same = a.iter().zip(b).filter(|(x, y)| (**x < ta) == (**y < tb)).count();
    same as f64 / a.len() as f64
}

/// The threshold on `ours` that puts under it the same share of communes as
/// `published_threshold` puts under it in `published`: our values are in
/// another unit, so this is the fair threshold to compare sides with.
pub fn matched_threshold(ours: &[f64], published: &[f64], published_threshold: f64) -> f64 {
    let below = published.iter().filter(|&&v| v < published_threshold).count();
    let mut sorted = ours.to_vec();
    sorted.sort_by(f64::total_cmp);
    match (below, sorted.len()) {
        (_, 0) => f64::NAN,
        (0, _) => sorted[0],
        (b, n) if b >= n => f64::INFINITY,
        // halfway between the last value under and the first at or above
        (b, _) => (sorted[b - 1] + sorted[b]) / 2.0,
    }
}

/// A commune where our value and the published one disagree most.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    pub insee: String,
    pub ours: f64,
    pub published: f64,
    /// Percentile ranks in [0, 1] (average rank / n).
    pub our_rank: f64,
    pub published_rank: f64,
}

/// The comparison of our per-commune values with published ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Communes in both.
    pub matched: usize,
    /// Communes only we have, only the publication has.
    pub only_ours: Vec<String>,
    pub only_published: Vec<String>,
    /// Spearman's rank correlation over the matched communes.
    pub spearman: Option<f64>,
    /// Thresholds used for the side comparison: ours as given, published.
    pub our_threshold: f64,
    pub published_threshold: f64,
    /// Share of matched communes on the same side of the thresholds.
    pub same_side: f64,
    /// Our threshold matched by quantile, and the share with it.
    pub matched_our_threshold: f64,
    pub same_side_matched: f64,
    /// The `top` largest disagreements by difference of percentile rank,
    /// largest first (ties by commune code).
    pub disagreements: Vec<Disagreement>,
}

/// Compares our values with published ones, commune by commune.
///
/// `our_threshold` must be in the unit of `ours` (e.g. 2.5 when ours are
/// consultations per inhabitant); the quantile-matched share is given
/// beside it for runs in other units.
///
/// # Examples
/// ```
/// use std::collections::BTreeMap;
/// use medaccess::gp::compare;
/// let ours: BTreeMap<String, f64> = [("64001", 10.0), ("64002", 30.0), ("64003", 20.0)]
///     .into_iter().map(|(k, v)| (k.to_string(), v)).collect();
/// let published: BTreeMap<String, f64> = [("64001", 1.0), ("64002", 4.0), ("64003", 3.0), ("64004", 2.0)]
///     .into_iter().map(|(k, v)| (k.to_string(), v)).collect();
/// let c = compare(&ours, &published, 25.0, 2.5, 3);
/// assert_eq!(c.matched, 3);
/// assert_eq!(c.only_published, vec!["64004".to_string()]);
/// assert_eq!(c.spearman, Some(1.0));
/// assert_eq!(c.same_side, 2.0 / 3.0); // 64003: 20 < 25 but 3 >= 2.5
/// assert_eq!(c.same_side_matched, 1.0);
/// ```
pub fn compare(
    ours: &BTreeMap<String, f64>,
    published: &BTreeMap<String, f64>,
    our_threshold: f64,
    published_threshold: f64,
    top: usize,
) -> Comparison {
    let mut codes = Vec::new();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (code, &v) in ours {
        if let Some(&p) = published.get(code) {
            codes.push(code.clone());
            a.push(v);
            b.push(p);
        }
    }
    let only_ours = ours
        .keys()
        .filter(|c| !published.contains_key(*c))
        .cloned()
        .collect();
    let only_published = published
        .keys()
        .filter(|c| !ours.contains_key(*c))
        .cloned()
        .collect();
    let n = codes.len() as f64;
    let (ra, rb) = (average_ranks(&a), average_ranks(&b));
    let mut disagreements: Vec<Disagreement> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| Disagreement {
            insee: code.clone(),
            ours: a[i],
            published: b[i],
            our_rank: ra[i] / n,
            published_rank: rb[i] / n,
        })
        .collect();
    disagreements.sort_by(|x, y| {
        let dx = (x.our_rank - x.published_rank).abs();
        let dy = (y.our_rank - y.published_rank).abs();
        dy.total_cmp(&dx).then_with(|| x.insee.cmp(&y.insee))
    });
    disagreements.truncate(top);
    let matched_our_threshold = matched_threshold(&a, &b, published_threshold);
    Comparison {
        matched: codes.len(),
        only_ours,
        only_published,
        spearman: spearman(&a, &b),
        our_threshold,
        published_threshold,
        same_side: same_side_share(&a, our_threshold, &b, published_threshold),
        matched_our_threshold,
        same_side_matched: same_side_share(&a, matched_our_threshold, &b, published_threshold),
        disagreements,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "full-suite")]
    const APL: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/data/apl-drees-2023/apl_medecins_generalistes_2023_dep64_dep65.csv"
    );

    #[cfg(feature = "full-suite")]
    #[test]
    fn reads_the_published_apl() {
        let rows = read_apl(Path::new(APL), None).unwrap();
        assert_eq!(rows.len(), 1014);
        assert_eq!(rows.iter().filter(|r| r.insee.starts_with("64")).count(), 545);
        assert_eq!(rows.iter().filter(|r| r.insee.starts_with("65")).count(), 469);
        let get = |c: &str| rows.iter().find(|r| r.insee == c).unwrap();
        assert_eq!(get("64422").apl, 4.6);
        assert_eq!(get("64104").apl, 3.7);
        assert_eq!(get("64542").apl, 1.2);
        assert_eq!(get("64336").apl, 0.0);
        assert_eq!(get("64445").name, "Pau");
        // the PROVENANCE's gaps are gaps
        assert!(!rows.iter().any(|r| r.insee == "64020"));
    }

    #[test]
    fn bad_apl_input() {
        let dir = std::env::temp_dir().join(format!("medaccess-apl-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("apl.csv");
        std::fs::write(&p, "codgeo,libgeo,apl_med_gen\n64001,Aast,1.7\n64002,Abère,NA\n").unwrap();
        let e = read_apl(&p, None).unwrap_err().to_string();
        assert!(e.contains("apl.csv:3: field `apl_med_gen`"), "{e}");
        std::fs::write(&p, "codgeo;libgeo;apl\n64001;Aast;1,7\n").unwrap();
        assert!(
            read_apl(&p, None)
                .unwrap_err()
                .to_string()
                .contains("apl_med_gen")
        );
        assert_eq!(read_apl(&p, Some("apl")).unwrap()[0].apl, 1.7);
    }

    #[test]
    fn ranks_with_ties() {
        assert_eq!(average_ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
        assert_eq!(average_ranks(&[5.0; 3]), vec![2.0; 3]);
        assert_eq!(average_ranks(&[]), Vec::<f64>::new());
    }

    #[test]
    fn spearman_by_hand() {
        // ranks a = 1,2,3,4,5 ; b = 2,1,4,3,5 ; d² = 1+1+1+1+0 = 4
        // no ties: rho = 1 - 6·4 / (5·24) = 0.8
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [20.0, 10.0, 40.0, 30.0, 50.0];
        assert!((spearman(&a, &b).unwrap() - 0.8).abs() < 1e-12);
        // ties: a ranks 1.5,1.5,3 ; b ranks 1,2,3 -> Pearson of those
        let r = spearman(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).unwrap();
        // centred: a = -0.5,-0.5,1 ; b = -1,0,1 ; sab = 1.5, saa = 1.5, sbb = 2
        assert!((r - 1.5 / (1.5f64 * 2.0).sqrt()).abs() < 1e-12);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
        assert_eq!(spearman(&[1.0], &[1.0]), None);
    }

    #[test]
    fn thresholds_and_disagreements() {
        let ours = [1.0, 2.0, 3.0, 4.0];
        let published = [0.5, 3.0, 2.0, 6.0];
        // published: 0.5 and 2.0 are under 2.5, so our matched threshold
        // falls between our 2nd and 3rd values
        assert_eq!(matched_threshold(&ours, &published, 2.5), 2.5);
        assert_eq!(same_side_share(&ours, 2.5, &published, 2.5), 0.5);
        let m = |v: &[(&str, f64)]| -> BTreeMap<String, f64> {
            v.iter().map(|(k, x)| (k.to_string(), *x)).collect()
        };
        let c = compare(
            &m(&[("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0)]),
            &m(&[("a", 0.5), ("b", 3.0), ("c", 2.0), ("d", 6.0)]),
            2.5,
            2.5,
            2,
        );
        // ranks ours 1,2,3,4 ; published 1,3,2,4 : b and c are off by 1/4
        assert_eq!(c.disagreements.len(), 2);
        assert_eq!(c.disagreements[0].insee, "b");
        assert_eq!(c.disagreements[1].insee, "c");
        assert_eq!(c.disagreements[0].our_rank, 0.5);
        assert_eq!(c.disagreements[0].published_rank, 0.75);
        assert_eq!(c.same_side, 0.5);
    }
}
