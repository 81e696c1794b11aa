//! Distance-decay functions of the 2SFCA family: how much a site `t` minutes
//! away counts.
//!
//! # Sources
//! * Plain 2SFCA (binary catchment): Luo & Wang (2003), "Measures of spatial
//!   accessibility to health care in a GIS environment", *Environment and
//!   Planning B* 30(6).
//! * Enhanced 2SFCA (step weights by time band, the same weights in both
//!   steps): Luo & Qi (2009), "An enhanced two-step floating catchment area
//!   (E2SFCA) method", *Health & Place* 15(4).
//! * Gaussian 2SFCA: Dai (2010), *Health & Place* 16(5); weight
//!   `(e^{-½(t/t₀)²} − e^{-½}) / (1 − e^{-½})` inside the catchment `t₀`, 0
//!   beyond.
//! * DREES APL (accessibilité potentielle localisée): Barlet, Coldefy,
//!   Collin & Lucas-Gabrielli (2012), DREES *Études et Résultats* n°795 and
//!   *Document de travail, série Études et Recherche* n°124 (IRDES DT n°51):
//!   the first version, catchment 15 minutes, decay estimated from observed
//!   GP attendance. DREES's page "L'indicateur d'accessibilité potentielle
//!   localisée (APL)" says the method was recast in 2015 for the
//!   under-served zoning, with the distance thresholds estimated from GP
//!   attendance rates in the health-insurance data (its table 1). The
//!   post-2015 GP bands [`Decay::drees`] uses — weight 1 below 10 minutes,
//!   2/3 from 10 to 15, 1/3 from 15 to 20, 0 beyond — are the ones commonly
//!   cited for that method (regional health agencies describe the GP APL as
//!   "GPs within 20 minutes by road"); the table itself could not be read
//!   here, so they are a parameter (`steps:` in [`Decay::parse`]).
//!
//! Band bounds are inclusive: a time exactly on a bound takes the weight of
//! the band it closes. Times are in tenths of a second ([`Time`]).

use crate::error::{Error, Result};
use crate::units::{DS_PER_MIN, Time, minutes};

/// The longest catchment a decay may have, minutes: two hours, far beyond
/// the literature (the DREES APL stops at 20 minutes, E2SFCA studies at
/// 30 to 60). Every site's catchment is searched to this time, so the
/// bound also bounds the run time (a 120-minute Gaussian over France takes
/// tens of seconds; `gaussian:1e308` would search forever).
pub const MAX_CATCHMENT_MIN: f64 = 120.0;

/// One band of a step decay: weight `weight` for times up to `upper`
/// (inclusive) and above the previous band's bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub upper: Time,
    pub weight: f64,
}

/// A distance-decay function; every variant is 0 beyond [`Decay::limit`].
#[derive(Debug, Clone, PartialEq)]
pub enum Decay {
    /// Plain 2SFCA: 1 within the catchment, 0 beyond.
    Binary { catchment: Time },
    /// E2SFCA step weights, bands in increasing order of `upper`.
    Steps(Vec<Step>),
    /// Gaussian decay over the catchment `catchment`.
    Gaussian { catchment: Time },
}

impl Decay {
    /// The post-2015 DREES GP bands as commonly cited: 1 up to 10 minutes,
    /// 2/3 up to 15, 1/3 up to 20, 0 beyond (see the module docs for the
    /// sources and their limits).
    pub fn drees() -> Decay {
        Decay::Steps(vec![
            Step {
                upper: minutes(10.0),
                weight: 1.0,
            },
            Step {
                upper: minutes(15.0),
                weight: 2.0 / 3.0,
            },
            Step {
                upper: minutes(20.0),
                weight: 1.0 / 3.0,
            },
        ])
    }

    /// Step decay from bands; checks they are increasing with weights in
    /// [0, 1].
    pub fn steps(bands: Vec<Step>) -> Result<Decay> {
        if bands.is_empty() {
            return Err(Error::Invalid("a step decay needs at least one band".into()));
        }
        for (i, b) in bands.iter().enumerate() {
            if !(0.0..=1.0).contains(&b.weight) {
                return Err(Error::Invalid(format!(
                    "band {} has weight {}: weights must be in [0, 1]",
                    i + 1,
                    b.weight
                )));
            }
            if i > 0 && b.upper <= bands[i - 1].upper {
                return Err(Error::Invalid(format!(
                    "band {} ends at {} min, not after the previous band",
                    i + 1,
                    b.upper as f64 / DS_PER_MIN as f64
                )));
            }
        }
        Ok(Decay::Steps(bands))
    }

    /// Parses a decay from text, for command-line flags:
    /// `drees`, `binary:MIN`, `gaussian:MIN`, or
    /// `steps:MIN=W,MIN=W,…` (e.g. `steps:10=1,15=0.667,20=0.333`).
    ///
    /// # Examples
    /// ```
    /// use medaccess::gp::Decay;
    /// use medaccess::units::minutes;
    /// assert_eq!(Decay::parse("drees").unwrap(), Decay::drees());
    /// assert_eq!(Decay::parse("binary:15").unwrap(), Decay::Binary { catchment: minutes(15.0) });
    /// let d = Decay::parse("steps:5=1,10=0.5").unwrap();
    /// assert_eq!(d.weight(minutes(7.0)), 0.5);
    /// assert!(Decay::parse("steps:10=1,5=0.5").is_err());
    /// // An infinite catchment: the example given is of the same kind.
    /// assert!(Decay::parse("gaussian:inf").unwrap_err().to_string().contains("e.g. gaussian:30"));
    /// assert!(Decay::parse("steps:inf=1").unwrap_err().to_string().contains("e.g. steps:10=1,20=0.5"));
    /// ```
    pub fn parse(text: &str) -> Result<Decay> {
        let bad = |m: &str| Error::Invalid(format!("decay `{text}`: {m}"));
        let mins = |s: &str| -> Result<Time> {
            let m: f64 = s
                .trim()
                .parse()
                .map_err(|_| bad(&format!("`{s}` is not a number of minutes")))?;
            if !m.is_finite() {
                return Err(bad(&format!(
                    "`{}` is not a finite number of minutes: give minutes in (0, {MAX_CATCHMENT_MIN}], e.g. {}",
                    s.trim(),
                    match text.split_once(':').map(|(k, _)| k.trim()) {
                        Some("steps") => "steps:10=1,20=0.5".to_string(),
                        Some(kind) => format!("{kind}:30"),
                        None => "binary:30".to_string(),
                    }
                )));
            }
            if m <= 0.0 {
                return Err(bad("minutes must be positive"));
            }
            if m > MAX_CATCHMENT_MIN {
                return Err(bad(&format!(
                    "{m:?} minutes is beyond the longest catchment, {MAX_CATCHMENT_MIN} minutes \
                     (the DREES APL stops at 20)"
                )));
            }
            Ok(minutes(m))
        };
        let (kind, arg) = text.split_once(':').unwrap_or((text, ""));
        match kind.trim() {
            "drees" if arg.is_empty() => Ok(Decay::drees()),
            "binary" => Ok(Decay::Binary {
                catchment: mins(arg)?,
            }),
            "gaussian" => Ok(Decay::Gaussian {
                catchment: mins(arg)?,
            }),
            "steps" => {
                let mut bands = Vec::new();
                for part in arg.split(',') {
                    let (m, w) = part
                        .split_once('=')
                        .ok_or_else(|| bad(&format!("`{part}` is not MIN=WEIGHT")))?;
                    let weight: f64 = w
                        .trim()
                        .parse()
                        .map_err(|_| bad(&format!("`{w}` is not a weight")))?;
                    bands.push(Step {
                        upper: mins(m)?,
                        weight,
                    });
                }
                Decay::steps(bands).map_err(|e| bad(&e.to_string()))
            }
            _ => Err(bad("expected drees, binary:MIN, gaussian:MIN or steps:MIN=W,…")),
        }
    }

    /// The time beyond which the weight is 0, tenths of a second.
    pub fn limit(&self) -> Time {
        match self {
            Decay::Binary { catchment } | Decay::Gaussian { catchment } => *catchment,
            Decay::Steps(bands) => bands.last().map_or(0, |b| b.upper),
        }
    }

    /// The weight of a site `t` tenths of a second away, in [0, 1].
    pub fn weight(&self, t: Time) -> f64 {
        match self {
            Decay::Binary { catchment } => {
                if t <= *catchment {
                    1.0
                } else {
                    0.0
                }
            }
            Decay::Steps(bands) => bands.iter().find(|b| t <= b.upper).map_or(0.0, |b| b.weight),
            Decay::Gaussian { catchment } => {
                if t > *catchment || *catchment == 0 {
                    return if t == 0 { 1.0 } else { 0.0 };
                }
                let r = t as f64 / *catchment as f64;
                let floor = (-0.5f64).exp();
                ((-0.5 * r * r).exp() - floor) / (1.0 - floor)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drees_bands() {
        let d = Decay::drees();
        assert_eq!(d.limit(), minutes(20.0));
        assert_eq!(d.weight(0), 1.0);
        assert_eq!(d.weight(minutes(10.0)), 1.0);
        assert_eq!(d.weight(minutes(10.0) + 1), 2.0 / 3.0);
        assert_eq!(d.weight(minutes(17.5)), 1.0 / 3.0);
        assert_eq!(d.weight(minutes(20.0) + 1), 0.0);
    }

    #[test]
    fn gaussian_shape() {
        let d = Decay::Gaussian {
            catchment: minutes(20.0),
        };
        assert_eq!(d.weight(0), 1.0);
        assert!(d.weight(minutes(20.0)).abs() < 1e-12);
        assert_eq!(d.weight(minutes(21.0)), 0.0);
        // decreasing
        let ws: Vec<f64> = (0..=20).map(|m| d.weight(minutes(m as f64))).collect();
        assert!(ws.windows(2).all(|w| w[1] < w[0]));
        // half-way: (e^-1/8 - e^-1/2) / (1 - e^-1/2)
        let half = ((-0.125f64).exp() - (-0.5f64).exp()) / (1.0 - (-0.5f64).exp());
        assert!((d.weight(minutes(10.0)) - half).abs() < 1e-12);
    }

    #[test]
    fn parse_errors_are_clear() {
        for bad in [
            "",
            "steps:",
            "steps:10",
            "binary:-3",
            "binary:x",
            "gaussian:1e308",
            "gaussian:121",
            "steps:10=1,200=0.5",
            "steps:10=2",
            "nope:3",
        ] {
            let e = Decay::parse(bad).unwrap_err().to_string();
            assert!(e.contains("decay"), "{bad}: {e}");
        }
    }
}
