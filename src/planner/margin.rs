//! How far a count of people crossing a threshold rests on the last
//! minutes: the people whose new time sits within [`MARGIN_MINUTES`] of the
//! threshold, on either side. A closure that "pushes 1,022 people beyond 40
//! minutes" because one commune goes from 39.9 to 40.1 minutes is a result
//! a 2-minute error in the times undoes: such a result is flagged fragile.

use super::Change;
use crate::access::is_beyond;
use crate::places::Place;

/// Minutes either side of the threshold a result is checked against: the
/// size of the error a commune-level drive time can easily carry.
pub const MARGIN_MINUTES: f64 = 2.0;

/// People whose new time sits within [`MARGIN_MINUTES`] of the threshold:
/// a change of the times by at most that much moves them across it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Margin {
    /// Beyond the threshold by at most [`MARGIN_MINUTES`]: time in
    /// `(T, T + 2]`.
    pub just_beyond: u64,
    /// Within the threshold by less than [`MARGIN_MINUTES`]: time in
    /// `(T - 2, T]`.
    pub just_within: u64,
}

impl Margin {
    /// Counts `population` on the side of `threshold` its time `minutes`
    /// falls on, when within the margin (unreachable: never).
    pub fn add(&mut self, minutes: Option<f64>, threshold: f64, population: u64) {
        let Some(m) = minutes else { return };
        if is_beyond(Some(m), threshold) {
            if !is_beyond(Some(m), threshold + MARGIN_MINUTES) {
                self.just_beyond += population;
            }
        } else if is_beyond(Some(m), threshold - MARGIN_MINUTES) {
            self.just_within += population;
        }
    }

    /// People within the margin, both sides.
    pub fn total(&self) -> u64 {
        self.just_beyond + self.just_within
    }

    /// Whether a result counting `count` people rests on the margin: the
    /// people within [`MARGIN_MINUTES`] of the threshold are more than half
    /// of it, so a 2-minute error in the times could change it by half or
    /// more (a count of 0 with people just within is fragile too).
    pub fn fragile(&self, count: u64) -> bool {
        2 * self.total() > count
    }
}

/// The margin of a scenario's changes: over the places whose time changed,
/// their new time; with the population that crossed the threshold (newly
/// beyond or no longer beyond), the figure the margin qualifies.
pub fn changes_margin(changes: &[Change], places: &[Place], threshold: f64) -> (Margin, u64) {
    let mut m = Margin::default();
    let mut crossed = 0;
    for c in changes {
        let pop = places.get(c.place).and_then(|p| p.population).unwrap_or(0);
        m.add(c.after, threshold, pop);
        if c.newly_beyond || c.no_longer_beyond {
            crossed += pop;
        }
    }
    (m, crossed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_and_bounds() {
        let mut m = Margin::default();
        for (t, p) in [
            (Some(37.9), 1),   // 2.1 under: outside
            (Some(38.01), 2),  // just within
            (Some(40.0), 4),   // at the threshold: within
            (Some(40.01), 8),  // just beyond
            (Some(42.0), 16),  // 2 over: just beyond
            (Some(42.01), 32), // outside
            (None, 64),        // unreachable: no margin
        ] {
            m.add(t, 40.0, p);
        }
        assert_eq!(
            m,
            Margin {
                just_beyond: 24,
                just_within: 6
            }
        );
        assert!(m.fragile(59));
        assert!(!m.fragile(60));
        assert!(
            Margin {
                just_beyond: 0,
                just_within: 1
            }
            .fragile(0)
        );
        assert!(!Margin::default().fragile(0));
    }
}
