use crate::access::{PlaceAccess, is_beyond};

/// How one place's access changed between two runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub place: usize,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// After minus before, `None` when either side is unreachable.
    pub delta: Option<f64>,
    pub facility_changed: bool,
    pub newly_beyond: bool,
    pub no_longer_beyond: bool,
}

/// Places whose nearest facility or time changed, in place order. Site
/// identity is compared through `before_ids` / `after_ids` (the ids of the
/// sites of each run), since indices differ between runs.
pub fn diff(
    before: &[PlaceAccess],
    after: &[PlaceAccess],
    before_ids: &[&str],
    after_ids: &[&str],
    threshold: f64,
) -> Vec<Change> {
    let id = |ids: &[&str], a: &PlaceAccess| {
        (!a.first.is_none()).then(|| ids[a.first.source as usize].to_string())
    };
    before
        .iter()
        .zip(after)
        .enumerate()
        .filter_map(|(i, (b, a))| {
            let (mb, ma) = (b.minutes(), a.minutes());
            let facility_changed = id(before_ids, b) != id(after_ids, a);
            if !facility_changed && b.first.time == a.first.time {
                return None;
            }
            let (wb, wa) = (is_beyond(mb, threshold), is_beyond(ma, threshold));
            Some(Change {
                place: i,
                before: mb,
                after: ma,
                delta: mb.zip(ma).map(|(x, y)| y - x),
                facility_changed,
                newly_beyond: !wb && wa,
                no_longer_beyond: wb && !wa,
            })
        })
        .collect()
}
