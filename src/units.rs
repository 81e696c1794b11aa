//! Identifiers, the travel-time unit, and named sentinels.
//!
//! Travel times are integers in **tenths of a second** ([`Time`]): fine
//! enough that rounding each arc loses nothing a driver would notice (a
//! 100 m street at 50 km/h is 72 ds), coarse enough that a `u32` holds 13
//! years, so sums along any path in France never overflow.

/// A node of a [`crate::graph::Csr`]: dense, 0-based.
pub type NodeId = u32;

/// A travel time in tenths of a second (deciseconds).
pub type Time = u32;

/// Marks a node that a search did not reach.
pub const UNREACHABLE: Time = Time::MAX;

/// Marks "no node" / "no source".
pub const NO_NODE: NodeId = NodeId::MAX;

/// Tenths of a second per second.
pub const DS_PER_S: u32 = 10;

/// Tenths of a second per minute.
pub const DS_PER_MIN: u32 = 600;

/// Converts minutes to [`Time`], rounding to the nearest tenth of a second.
pub fn minutes(m: f64) -> Time {
    (m * DS_PER_MIN as f64)
        .round()
        .clamp(0.0, (UNREACHABLE - 1) as f64) as Time
}

/// Converts a [`Time`] to minutes; `None` when unreachable.
pub fn to_minutes(t: Time) -> Option<f64> {
    (t != UNREACHABLE).then(|| t as f64 / DS_PER_MIN as f64)
}

/// Time in tenths of a second to cover `metres` at `kmh`, rounded to nearest,
/// at least 0. A zero or negative speed gives [`UNREACHABLE`].
pub fn travel_time(metres: f64, kmh: f64) -> Time {
    if kmh <= 0.0 || !metres.is_finite() {
        return UNREACHABLE;
    }
    let ds = metres / (kmh / 3.6) * DS_PER_S as f64;
    ds.round().clamp(0.0, (UNREACHABLE - 1) as f64) as Time
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_round_trip() {
        assert_eq!(minutes(1.0), 600);
        assert_eq!(to_minutes(600), Some(1.0));
        assert_eq!(to_minutes(UNREACHABLE), None);
        // 100 m at 50 km/h = 7.2 s
        assert_eq!(travel_time(100.0, 50.0), 72);
        assert_eq!(travel_time(100.0, 0.0), UNREACHABLE);
    }
}
