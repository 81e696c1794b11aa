//! Planner tools on top of the access computation: what a closure does
//! (ranking every facility), where new sites help most, before/after diffs.

pub mod contours;
mod margin;
pub mod polygons;
mod rank;
mod scenario;
mod site;

pub use margin::{MARGIN_MINUTES, Margin, changes_margin};
pub use rank::{ClosureImpact, rank_closures};
pub use scenario::{Change, diff};
pub use site::{SiteChoice, choose_sites};
