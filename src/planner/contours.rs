//! Isochrone bands on a real road network: a grid of travel times turned
//! into contour polygons.
//!
//! On the commune graph, bands are commune polygons dissolved
//! ([`super::polygons`]). On a road network the reached roads themselves
//! draw the bands, the way OpenTripPlanner and Valhalla draw isochrones:
//!
//! 1. **Road points.** Every graph node and points sampled along every
//!    snappable edge (not motorways or ferries: one cannot walk onto them)
//!    every half cell at most, each with its time to the nearest facility:
//!    at a node, `node_time`; inside an edge, the faster of driving on to
//!    either end (where the direction is allowed) plus that end's time, the
//!    part-edge times read from [`RoadNetwork::geometry_s`], as
//!    [`Snap::outbound`](crate::roads::Snap::outbound) does.
//! 2. **Grid.** A regular grid of square cells over the network's bounding
//!    box plus a margin, in an equirectangular projection centred on the
//!    box (`x = (lon − lon₀)·cos φ₀·k`, `y = (lat − lat₀)·k`, `k` metres per
//!    degree on the sphere of [`EARTH_RADIUS_M`]): cells are square at the
//!    centre latitude φ₀ and a few percent narrower or wider east-west at
//!    the box's north and south edges (about ±1 % over Corsica, ±9 % over France). Each cell centre
//!    takes the minimum over the road points within
//!    [`GridOptions::max_off_road_m`] of (point time + straight-line
//!    distance at [`GridOptions::off_road_kmh`]); the distance is measured
//!    with the east-west scale of the cell's own latitude, so it is exact to
//!    0.1 % whatever the projection's distortion. Cells with no such point
//!    are unreached. Only a window of the grid around the reached road
//!    points is computed, stored and contoured (the cells outside are
//!    unreached): a 30-minute isochrone costs what it reaches, not the
//!    grid over the whole network.
//! 3. **Contours.** Marching squares (the `contour` crate, a port of
//!    d3-contour, with linear interpolation along cell sides) trace, for
//!    each break `b`, the rings around the cells reached within `b`
//!    minutes, and the rings around the reached cells. The rings never
//!    cross, so the even-odd rule rebuilds each region from them whatever
//!    their nesting; a band `[lower, upper)` is the region of `upper`
//!    (clipped to the reached area) minus that of `lower`, with geo's
//!    boolean operations (i_overlay): holes where a pocket is farther,
//!    several polygons where needed, and a last open band for what is
//!    reached beyond the last break. See [`TimeGrid::isobands`] for the
//!    edge of the reached area.
//! 4. **Output precision.** Coordinates are rounded to 1e-6° (about 0.1 m),
//!    as [`write_geojson`](crate::output::write_geojson) writes them, and
//!    whatever the rounding breaks is repaired, so the polygons returned
//!    are the ones written and pass geo's and GEOS's validity checks.
//!
//! Times are in minutes; distances in metres; coordinates in output are
//! `[lon, lat]` degrees WGS84.

use contour::ContourBuilder;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, LineString, MapCoords, MultiPolygon, Polygon};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::roads::{EARTH_RADIUS_M, RoadNetwork};
use crate::units::{DS_PER_MIN, DS_PER_S, NodeId, Time, UNREACHABLE};

/// Metres per degree of latitude on the sphere of [`EARTH_RADIUS_M`].
const M_PER_DEG: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

/// Least distance of a contour vertex from the ends of its cell side, in
/// cells (5 %: 25 m for 500 m cells).
const SIDE_GAP: f64 = 0.05;

/// Largest grid accepted, in cells. Contouring holds three `f64` per cell:
/// 32 million cells (France at 250 m needs about 20) take 768 MB.
const MAX_CELLS: usize = 32_000_000;

/// Settings of the travel-time grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridOptions {
    /// Side of a grid cell, metres (default 250).
    pub cell_m: f64,
    /// Speed from a road to a cell centre along the straight line, km/h
    /// (default 15, the snapping leg speed of
    /// [`SnapOptions`](crate::roads::SnapOptions)).
    pub off_road_kmh: f64,
    /// Cells farther than this from every road point are unreached, metres
    /// (default 2000: 8 minutes at 15 km/h).
    pub max_off_road_m: f64,
}

impl Default for GridOptions {
    fn default() -> Self {
        GridOptions {
            cell_m: 250.0,
            off_road_kmh: 15.0,
            max_off_road_m: 2000.0,
        }
    }
}

/// One isochrone band: the area from which the nearest facility is between
/// `lower_min` (included) and `upper_min` (excluded) minutes away;
/// `upper_min` is `f64::INFINITY` for the last, open band.
#[derive(Debug, Clone, PartialEq)]
pub struct Isoband {
    /// Lower bound, minutes.
    pub lower_min: f64,
    /// Upper bound, minutes.
    pub upper_min: f64,
    /// Valid polygons in `[lon, lat]` degrees, exteriors counter-clockwise
    /// and holes clockwise; empty when no cell falls in the band.
    pub area: MultiPolygon<f64>,
}

/// Travel times to the nearest facility on a regular grid (see the module
/// documentation for the projection and the method).
#[derive(Debug, Clone, PartialEq)]
pub struct TimeGrid {
    /// Columns (west → east) and rows (south → north).
    pub nx: usize,
    pub ny: usize,
    /// Side of a cell in projected metres.
    pub cell_m: f64,
    /// Projection centre `[lon₀, lat₀]`, degrees.
    centre: [f64; 2],
    /// East-west metres per degree of longitude at the centre latitude.
    kx: f64,
    /// Projected position of the centre of cell (0, 0), metres.
    origin: [f64; 2],
    /// The cells that may be reached, with a margin: every cell outside is
    /// unreached.
    window: Window,
    /// Minutes of the window's cells, row by row from the south-west;
    /// `f64::INFINITY` when unreached.
    minutes: Vec<f64>,
}

/// Unreached cells kept all round the cells that may be reached: the time
/// contours pass through the unreached cells next to reached ones, and
/// marching squares must see one more unreached cell beyond those to trace
/// the rings the whole grid would give.
const WINDOW_MARGIN: usize = 2;

/// A rectangle of cells (or tiles) of the whole grid, `[i0, i0 + nx)` ×
/// `[j0, j0 + ny)`, stored row by row from the south-west. A small
/// isochrone computes, stores and contours only the window around what it
/// reaches, not the grid over the whole network.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Window {
    i0: usize,
    j0: usize,
    nx: usize,
    ny: usize,
}

impl Window {
    fn len(&self) -> usize {
        self.nx * self.ny
    }

    /// Storage index of the cell `(i, j)` of the whole grid; `None` outside
    /// the window.
    fn index(&self, i: usize, j: usize) -> Option<usize> {
        let (di, dj) = (i.checked_sub(self.i0)?, j.checked_sub(self.j0)?);
        (di < self.nx && dj < self.ny).then_some(dj * self.nx + di)
    }

    /// The column nearest to `i` (a whole number, maybe negative or past
    /// the grid) inside the window; the same for rows.
    fn clamp_i(&self, i: f64) -> usize {
        (i.max(0.0) as usize).clamp(self.i0, self.i0 + self.nx - 1)
    }

    fn clamp_j(&self, j: f64) -> usize {
        (j.max(0.0) as usize).clamp(self.j0, self.j0 + self.ny - 1)
    }

    /// Cell `(i, j)` of the whole grid at storage index `k`.
    fn cell(&self, k: usize) -> (usize, usize) {
        (self.i0 + k % self.nx, self.j0 + k / self.nx)
    }

    /// The window of tiles of `side` × `side` cells that covers this one.
    fn tiles(&self, side: usize) -> Window {
        let (i0, j0) = (self.i0 / side, self.j0 / side);
        Window {
            i0,
            j0,
            nx: (self.i0 + self.nx).div_ceil(side) - i0,
            ny: (self.j0 + self.ny).div_ceil(side) - j0,
        }
    }
}

impl TimeGrid {
    /// `[lon, lat]` degrees of a projected point.
    fn to_lonlat(&self, x: f64, y: f64) -> [f64; 2] {
        [self.centre[0] + x / self.kx, self.centre[1] + y / M_PER_DEG]
    }

    /// Minutes to the nearest facility from the cell containing `lonlat`;
    /// `None` outside the grid or when the cell is unreached.
    pub fn minutes_at(&self, lonlat: [f64; 2]) -> Option<f64> {
        let x = (lonlat[0] - self.centre[0]) * self.kx;
        let y = (lonlat[1] - self.centre[1]) * M_PER_DEG;
        let i = ((x - self.origin[0]) / self.cell_m + 0.5).floor();
        let j = ((y - self.origin[1]) / self.cell_m + 0.5).floor();
        if !(i >= 0.0 && j >= 0.0 && (i as usize) < self.nx && (j as usize) < self.ny) {
            return None;
        }
        let t = self.cell_minutes(i as usize, j as usize);
        t.is_finite().then_some(t)
    }

    /// Minutes of cell `(i, j)`; `f64::INFINITY` when unreached.
    fn cell_minutes(&self, i: usize, j: usize) -> f64 {
        self.window.index(i, j).map_or(f64::INFINITY, |k| self.minutes[k])
    }

    /// The bands `[0, b₁)`, `[b₁, b₂)`, … `[bₙ₋₁, bₙ)` for breaks
    /// `b₁ < b₂ < … < bₙ` in minutes, then the open band `[bₙ, ∞)`
    /// (`upper_min` infinite) of the cells reached beyond the last break:
    /// `n + 1` bands that tile the reached area without overlap.
    ///
    /// The reached area is traced half-way between reached and unreached
    /// cell centres. The time contours are traced on the grid with each
    /// unreached cell next to reached ones given the mean of its reached
    /// neighbours, then clipped to the reached area: otherwise every band
    /// would show as a sliver wherever times climb towards a made-up
    /// "unreached" value at the edge of the reached area (the coast, the
    /// walk limit).
    ///
    /// # Errors
    /// [`Error::Invalid`] when the breaks are empty, not finite, not
    /// positive or not increasing.
    pub fn isobands(&self, breaks_min: &[f64]) -> Result<Vec<Isoband>> {
        check_breaks(breaks_min)?;
        // Contouring the window alone traces the rings of the whole grid,
        // in the same order: the cells outside are unreached and not next
        // to reached ones (`WINDOW_MARGIN`), so marching squares finds no
        // segment there. The rings are moved to the whole grid's units
        // before anything else reads them.
        let w = self.window;
        let (nx, ny) = (w.nx, w.ny);
        let reached: Vec<f64> = self.minutes.iter().map(|t| t.is_finite() as u8 as f64).collect();
        let max_t = self
            .minutes
            .iter()
            .copied()
            .filter(|t| t.is_finite())
            .fold(0.0, f64::max);
        // Beyond the ring of filled cells, a value past every time and break.
        let far = 2.0 * max_t.max(breaks_min[breaks_min.len() - 1]) + 1.0;
        // Marching squares keeps values >= threshold: negated times keep
        // the cells reached within a break.
        let values: Vec<f64> = (0..nx * ny)
            .into_par_iter()
            .map(|c| {
                let t = self.minutes[c];
                if t.is_finite() {
                    return -t;
                }
                let (i, j) = ((c % nx) as isize, (c / nx) as isize);
                let (mut sum, mut n) = (0.0, 0);
                for (di, dj) in [
                    (-1, -1),
                    (0, -1),
                    (1, -1),
                    (-1, 0),
                    (1, 0),
                    (-1, 1),
                    (0, 1),
                    (1, 1),
                ] {
                    let (a, b) = (i + di, j + dj);
                    if a >= 0 && b >= 0 && (a as usize) < nx && (b as usize) < ny {
                        let u = self.minutes[b as usize * nx + a as usize];
                        if u.is_finite() {
                            sum += u;
                            n += 1;
                        }
                    }
                }
                if n > 0 { -sum / n as f64 } else { -far }
            })
            .collect();
        // Unsmoothed rings pass through the middle of cell sides; the time
        // rings are then moved along the sides by `place_on_sides`.
        let builder = ContourBuilder::new(nx, ny, false);
        let contour_err =
            |e: contour::Error| Error::Invalid(format!("contouring the travel-time grid: {e:?}"));
        let thresholds: Vec<f64> = breaks_min.iter().map(|b| -b).collect();
        let mut lines = builder.lines(&values, &thresholds).map_err(contour_err)?;
        lines.extend(builder.lines(&reached, &[0.5]).map_err(contour_err)?);
        let n_time = thresholds.len();
        // Regions in grid units (well-conditioned for the boolean
        // operations), rebuilt by the even-odd rule; the last is the
        // reached area.
        let mut regions: Vec<MultiPolygon<f64>> = lines
            .into_par_iter()
            .enumerate()
            .map(|(k, line)| {
                let rings: Vec<Polygon<f64>> = line
                    .geometry()
                    .0
                    .iter()
                    .filter(|r| r.0.len() >= 4)
                    .map(|r| {
                        let mut r = r.clone();
                        for c in r.0.iter_mut() {
                            c.x += w.i0 as f64;
                            c.y += w.j0 as f64;
                        }
                        if k < n_time {
                            self.place_on_sides(&mut r, &values, thresholds[k]);
                        }
                        Polygon::new(r, vec![])
                    })
                    .collect();
                MultiPolygon(rings).union(&MultiPolygon::<f64>(vec![]))
            })
            .collect();
        let reached_area = regions.pop().unwrap_or_else(|| MultiPolygon(vec![]));
        let mut within: Vec<MultiPolygon<f64>> = regions
            .par_iter()
            .map(|r| r.intersection(&reached_area))
            .collect();
        within.push(reached_area);
        let bands: Vec<MultiPolygon<f64>> = (0..within.len())
            .into_par_iter()
            .map(|k| {
                if k == 0 {
                    within[0].clone()
                } else {
                    within[k].difference(&within[k - 1])
                }
            })
            .collect();
        Ok(bands
            .into_iter()
            .enumerate()
            .map(|(k, mp)| Isoband {
                lower_min: if k == 0 { 0.0 } else { breaks_min[k - 1] },
                upper_min: breaks_min.get(k).copied().unwrap_or(f64::INFINITY),
                area: snap_to_output(self.grid_to_lonlat(&mp)),
            })
            .collect())
    }

    /// Moves each vertex of a ring traced at `threshold` (in the whole
    /// grid's units; `values` those of the window's cells) along its cell
    /// side to where the values cross it (linear interpolation, as
    /// d3-contour's smoothing), then away from the side's ends by at least
    /// [`SIDE_GAP`] of a cell, so that rings of one level never touch.
    /// On a side from a reached to an unreached cell the ring stays
    /// [`SIDE_GAP`] short of the side's middle, where the edge of the
    /// reached area runs: a vertex exactly on that edge makes polygons that
    /// touch there, which the conversion to degrees and the rounding of the
    /// output can turn into overlaps.
    fn place_on_sides(&self, ring: &mut LineString<f64>, values: &[f64], threshold: f64) {
        let (nx, ny) = (self.nx, self.ny);
        for c in ring.0.iter_mut() {
            // Value `i` sits at `i + 0.5`: a vertex with an integer x lies
            // between values (x - 1, y - 0.5) and (x, y - 0.5).
            let (a, b, horizontal) = if c.x.fract() == 0.0 {
                let (i, j) = (c.x as usize, c.y.floor() as usize);
                if i == 0 || i >= nx || j >= ny {
                    continue;
                }
                ((i - 1, j), (i, j), true)
            } else {
                let (i, j) = (c.x.floor() as usize, c.y as usize);
                if j == 0 || j >= ny || i >= nx {
                    continue;
                }
                ((i, j - 1), (i, j), false)
            };
            // Both cells are in the window: its margin keeps two unreached
            // cells between a ring and the window's edge.
            let (Some(ia), Some(ib)) = (self.window.index(a.0, a.1), self.window.index(b.0, b.1)) else {
                continue;
            };
            let (va, vb) = (values[ia], values[ib]);
            let mut f = ((threshold - va) / (vb - va)).clamp(SIDE_GAP, 1.0 - SIDE_GAP);
            let (ra, rb) = (self.minutes[ia].is_finite(), self.minutes[ib].is_finite());
            if ra != rb {
                // Fraction from the reached cell, kept inside the reached
                // area.
                let g = (if ra { f } else { 1.0 - f }).min(0.5 - SIDE_GAP);
                f = if ra { g } else { 1.0 - g };
            }
            if horizontal {
                c.x = a.0 as f64 + 0.5 + f;
            } else {
                c.y = a.1 as f64 + 0.5 + f;
            }
        }
    }

    /// Grid units of the contour crate (value `i` sits at `i + 0.5`) to
    /// `[lon, lat]` degrees.
    fn grid_to_lonlat(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        mp.map_coords(|c| {
            let x = self.origin[0] + (c.x - 0.5) * self.cell_m;
            let y = self.origin[1] + (c.y - 0.5) * self.cell_m;
            let [lon, lat] = self.to_lonlat(x, y);
            geo::Coord { x: lon, y: lat }
        })
    }
}

/// Decimal places of degrees written by
/// [`write_geojson`](crate::output::write_geojson): 1e-6° is about 0.1 m.
const DEGREE_DECIMALS: i32 = 6;

/// Puts the polygons on the lattice of the output precision
/// ([`DEGREE_DECIMALS`]) and makes them valid there: every vertex is
/// rounded to an integer number of 1e-6°, then the rings are united by
/// i_overlay on those integers in its OGC mode, whose result is valid by
/// construction (every crossing it creates falls on the lattice, so writing
/// the coordinates changes nothing). Exteriors counter-clockwise, holes
/// clockwise.
///
/// Before, the rounded polygons were tested with geo's `is_valid` and
/// repaired by floating-point unions until it passed: geo's test relates
/// every pair of a ring's segments, of holes and of polygons, which took
/// hours on France's bands (rings of 10⁵ vertices, thousands of holes).
fn snap_to_output(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::overlay::{ContourDirection, IntOverlayOptions, Overlay};
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::core::solver::Solver;
    use i_overlay::i_float::int::point::IntPoint;
    let k = 10f64.powi(DEGREE_DECIMALS);
    let mut contours: Vec<Vec<IntPoint>> = Vec::new();
    for p in &mp.0 {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            let mut c: Vec<IntPoint> = Vec::with_capacity(ring.0.len());
            for q in &ring.0 {
                let v = IntPoint::new((q.x * k).round() as i32, (q.y * k).round() as i32);
                if c.last() != Some(&v) {
                    c.push(v);
                }
            }
            if c.len() > 1 && c.first() == c.last() {
                c.pop(); // i_overlay's contours are implicitly closed
            }
            if c.len() >= 3 {
                contours.push(c);
            }
        }
    }
    if contours.is_empty() {
        return MultiPolygon(vec![]);
    }
    let options = IntOverlayOptions {
        preserve_input_collinear: false,
        output_direction: ContourDirection::CounterClockwise,
        preserve_output_collinear: false,
        min_output_area: 0,
        ogc: true,
    };
    // Rings of valid polygons never cross: the even-odd rule rebuilds the
    // area whatever their orientation.
    let shapes = Overlay::with_contours_custom(&contours, &[], options, Solver::default())
        .overlay(OverlayRule::Subject, FillRule::EvenOdd);
    let ring = |c: Vec<IntPoint>| {
        let mut pts: Vec<geo::Coord<f64>> = c
            .iter()
            .map(|v| geo::Coord {
                x: v.x as f64 / k,
                y: v.y as f64 / k,
            })
            .collect();
        pts.push(pts[0]);
        LineString(pts)
    };
    let polygons = shapes
        .into_iter()
        .filter(|shape| !shape.is_empty())
        .map(|shape| {
            let mut rings = shape.into_iter().map(ring);
            let exterior = rings.next().expect("non-empty");
            Polygon::new(exterior, rings.collect())
        })
        .collect();
    MultiPolygon(polygons).orient(Direction::Default)
}

fn check_breaks(breaks_min: &[f64]) -> Result<()> {
    if breaks_min.is_empty() {
        return Err(Error::Invalid("isochrone breaks: none given".into()));
    }
    let mut prev = 0.0;
    for &b in breaks_min {
        if !(b.is_finite() && b > prev) {
            return Err(Error::Invalid(format!(
                "isochrone breaks: {b} minutes is not a finite time greater than the previous break ({prev})"
            )));
        }
        prev = b;
    }
    Ok(())
}

/// A road point in projected metres with its time to the nearest facility
/// in tenths of a second.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RoadPoint {
    xy: [f64; 2],
    data: Time,
    /// Its tile in [`Tiles`], once sorted.
    tile: u32,
}

impl RoadPoint {
    fn new(xy: [f64; 2], data: Time) -> Self {
        RoadPoint { xy, data, tile: 0 }
    }

    fn geom(&self) -> &[f64; 2] {
        &self.xy
    }
}

/// Builds the travel-time grid of `net` given `node_time`, the time from
/// each graph node to the nearest facility ([`UNREACHABLE`] when none), as
/// [`route::nearest`](crate::route::nearest) on the backward graph from the
/// facilities' [`destination_seeds`](crate::roads::Snap::destination_seeds)
/// gives it (`labels[v].time`).
///
/// Rows are computed in parallel; the result is the same whatever the
/// thread count (each cell is a minimum, which does not depend on order).
///
/// # Errors
/// [`Error::Invalid`] when `node_time` does not have one time per node, the
/// options are not positive and finite, the network has no node, or the
/// grid would exceed 32 million cells.
pub fn time_grid(net: &RoadNetwork, node_time: &[Time], opts: &GridOptions) -> Result<TimeGrid> {
    if node_time.len() != net.node_lonlat.len() {
        return Err(Error::Invalid(format!(
            "isochrones: {} node times for a network of {} nodes",
            node_time.len(),
            net.node_lonlat.len()
        )));
    }
    for (name, v) in [
        ("cell size (m)", opts.cell_m),
        ("off-road speed (km/h)", opts.off_road_kmh),
        ("off-road distance (m)", opts.max_off_road_m),
    ] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::Invalid(format!(
                "isochrones: {name} must be positive, got {v}"
            )));
        }
    }
    let Some((lo, hi)) = net.bounds() else {
        return Err(Error::Invalid("isochrones: the network has no node".into()));
    };
    let centre = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
    let kx = M_PER_DEG * centre[1].to_radians().cos();
    let project = |p: [f64; 2]| [(p[0] - centre[0]) * kx, (p[1] - centre[1]) * M_PER_DEG];
    // East-west scale at the box edge farthest from the equator (plus the
    // margin): the smallest, so a projected radius `reach` finds every
    // point within `max_off_road_m` on the ground.
    let far_lat = lo[1].abs().max(hi[1].abs()) + opts.max_off_road_m / M_PER_DEG;
    let k_min = M_PER_DEG * far_lat.min(89.0).to_radians().cos();
    let reach = opts.max_off_road_m * (kx / k_min).max(1.0);

    let mut points = road_points(net, node_time, opts.cell_m / 2.0, project);
    if points.len() >= u32::MAX as usize {
        return Err(Error::Invalid(format!(
            "isochrones: {} road points are too many; use larger cells",
            points.len()
        )));
    }

    // The margin keeps unreached cells all round, so every ring closes
    // inside the grid.
    let margin = reach + 2.0 * opts.cell_m;
    let (p_lo, p_hi) = (project(lo), project(hi));
    let origin = [p_lo[0] - margin, p_lo[1] - margin];
    let nx = ((p_hi[0] + margin - origin[0]) / opts.cell_m).ceil() as usize + 1;
    let ny = ((p_hi[1] + margin - origin[1]) / opts.cell_m).ceil() as usize + 1;
    if nx.saturating_mul(ny) > MAX_CELLS {
        return Err(Error::Invalid(format!(
            "isochrones: a grid of {nx} x {ny} cells of {} m is too large; use larger cells",
            opts.cell_m
        )));
    }
    let ds_per_m = 3.6 / opts.off_road_kmh * DS_PER_S as f64;
    let r2 = opts.max_off_road_m * opts.max_off_road_m;
    // Tiles of one cell each hold the road points inside them,
    // sorted by time, so that a cell stops reading a tile at the first point
    // whose time alone (plus the distance to the tile) is already worse than
    // the best found, and skips whole tiles the same way. A cell's minimum
    // does not depend on the order points are read in: the grid is the
    // same as reading every point within reach (tested against that).
    let window = reach_window(&points, origin, opts.cell_m, reach, nx, ny);
    let tiles = Tiles::new(&mut points, origin, opts.cell_m, &window);
    // Ground metres per projected east-west metre at row `j`.
    let sx_of = |j: usize| {
        let lat = centre[1] + (origin[1] + j as f64 * opts.cell_m) / M_PER_DEG;
        lat.to_radians().cos() * M_PER_DEG / kx
    };
    // The window is made of whole blocks of the grid (but at its north and
    // east edges), so each cell is computed as on the whole grid.
    let mut minutes = vec![f64::INFINITY; window.len()];
    minutes
        .par_chunks_mut(window.nx * BLOCK)
        .enumerate()
        .for_each_init(Vec::new, |near, (tj, rows)| {
            let j0 = window.j0 + tj * BLOCK;
            let j_end = (j0 + BLOCK).min(window.j0 + window.ny);
            // The smallest east-west scale of these rows keeps the tiles'
            // bounds below every true distance.
            let sx_min = (j0..j_end).map(sx_of).fold(f64::INFINITY, f64::min);
            let reach_x = opts.max_off_road_m / sx_min;
            for ti in window.i0 / BLOCK..(window.i0 + window.nx).div_ceil(BLOCK) {
                // Cell centres of this block, projected.
                let bx = [
                    origin[0] + (ti * BLOCK) as f64 * opts.cell_m,
                    origin[0] + ((ti * BLOCK + BLOCK).min(nx) - 1) as f64 * opts.cell_m,
                ];
                let by = [
                    origin[1] + j0 as f64 * opts.cell_m,
                    origin[1] + (j_end - 1) as f64 * opts.cell_m,
                ];
                tiles.near(
                    bx,
                    by,
                    reach_x,
                    opts.max_off_road_m,
                    sx_min,
                    ds_per_m,
                    &points,
                    near,
                );
                if near.is_empty() {
                    continue;
                }
                for j in j0..j_end {
                    let y = origin[1] + j as f64 * opts.cell_m;
                    let sx = sx_of(j);
                    let row = &mut rows[(j - j0) * window.nx..(j - j0 + 1) * window.nx];
                    let cells = (window.i0..).zip(row.iter_mut());
                    for (i, cell) in cells.skip(ti * BLOCK - window.i0).take(BLOCK) {
                        let x = origin[0] + i as f64 * opts.cell_m;
                        let mut best = f64::INFINITY;
                        for &(bound, t) in near.iter() {
                            if bound > best + PRUNE_SLACK {
                                break;
                            }
                            let k = t as usize;
                            let d_box = tiles.distance_to(k, x, y, sx);
                            if d_box * d_box > r2 {
                                continue;
                            }
                            let floor = d_box * ds_per_m;
                            for p in tiles.points(&points, k) {
                                if p.data as f64 + floor > best + PRUNE_SLACK {
                                    break;
                                }
                                let [px, py] = *p.geom();
                                let d2 = ((px - x) * sx).powi(2) + (py - y).powi(2);
                                if d2 <= r2 {
                                    best = best.min(p.data as f64 + d2.sqrt() * ds_per_m);
                                }
                            }
                        }
                        *cell = best / DS_PER_MIN as f64;
                    }
                }
            }
        });
    Ok(TimeGrid {
        nx,
        ny,
        cell_m: opts.cell_m,
        centre,
        kx,
        origin,
        window,
        minutes,
    })
}

/// The window of an `nx` × `ny` grid of cells of `cell_m` whose cell (0,
/// 0) is centred at `origin` that holds every cell centred within `reach`
/// projected metres of a road point (the others are unreached), plus
/// [`WINDOW_MARGIN`] cells, widened to whole [`BLOCK`]s; one cell when
/// there is no road point.
fn reach_window(
    points: &[RoadPoint],
    origin: [f64; 2],
    cell_m: f64,
    reach: f64,
    nx: usize,
    ny: usize,
) -> Window {
    if points.is_empty() {
        return Window {
            i0: 0,
            j0: 0,
            nx: 1,
            ny: 1,
        };
    }
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in points {
        for k in 0..2 {
            lo[k] = lo[k].min(p.xy[k]);
            hi[k] = hi[k].max(p.xy[k]);
        }
    }
    // First and past-the-last cell along one axis; one more cell each side
    // absorbs the rounding of the division.
    let span = |k: usize, n: usize| {
        let slack = (WINDOW_MARGIN + 1) as f64;
        let first = ((lo[k] - reach - origin[k]) / cell_m).floor() - slack;
        let last = ((hi[k] + reach - origin[k]) / cell_m).ceil() + slack;
        let first = (first.max(0.0) as usize / BLOCK * BLOCK).min(n - 1);
        let end = (last.max(0.0) as usize + 1).next_multiple_of(BLOCK).min(n);
        (first, end.max(first + 1) - first)
    };
    let ((i0, nx), (j0, ny)) = (span(0, nx), span(1, ny));
    Window { i0, j0, nx, ny }
}

/// Side of a tile of [`time_grid`]'s road points, in cells: small tiles
/// give tight bounds (a cell then reads a few tiles of a dozen points).
const TILE: usize = 1;

/// Side of the blocks of cells that share one list of nearby tiles sorted
/// by their bound, in cells: the sort is paid once per block.
const BLOCK: usize = 4;

/// Pruning compares lower bounds with the best time found with this
/// margin (tenths of a second), far above their rounding, so that no point
/// that could tie or win is skipped.
const PRUNE_SLACK: f64 = 1e-6;

/// Road points grouped by tile of [`TILE`] × [`TILE`] cells, sorted by
/// time within each tile.
struct Tiles {
    /// The tiles of the grid's window, in tiles of the whole grid: every
    /// road point is in one of them.
    window: Window,
    /// Points of tile `k` (the window's storage index): `start[k]..start[k + 1]`.
    start: Vec<u32>,
    /// South-west corner of tile (0, 0), projected metres, and a tile's side.
    corner: [f64; 2],
    side: f64,
}

impl Tiles {
    /// Sorts `points` by tile then time and indexes the tiles of the
    /// grid's window `cells`.
    fn new(points: &mut [RoadPoint], origin: [f64; 2], cell_m: f64, cells: &Window) -> Self {
        let side = TILE as f64 * cell_m;
        let corner = [origin[0] - cell_m / 2.0, origin[1] - cell_m / 2.0];
        let window = cells.tiles(TILE);
        points.par_iter_mut().for_each(|p| {
            let i = window.clamp_i(((p.xy[0] - corner[0]) / side).floor());
            let j = window.clamp_j(((p.xy[1] - corner[1]) / side).floor());
            p.tile = window.index(i, j).expect("clamped into the window") as u32;
        });
        points.par_sort_unstable_by_key(|p| ((p.tile as u64) << 32) | p.data as u64);
        let mut start = vec![0u32; window.len() + 1];
        for p in points.iter() {
            start[p.tile as usize + 1] += 1;
        }
        for k in 0..window.len() {
            start[k + 1] += start[k];
        }
        Tiles {
            window,
            start,
            corner,
            side,
        }
    }

    fn points<'p>(&self, points: &'p [RoadPoint], k: usize) -> &'p [RoadPoint] {
        &points[self.start[k] as usize..self.start[k + 1] as usize]
    }

    /// Ground distance from `(x, y)` (projected) to tile `k`, with `sx`
    /// ground metres per projected east-west metre.
    fn distance_to(&self, k: usize, x: f64, y: f64, sx: f64) -> f64 {
        let (i, j) = self.window.cell(k);
        let (i, j) = (i as f64, j as f64);
        let x0 = self.corner[0] + i * self.side;
        let y0 = self.corner[1] + j * self.side;
        let dx = (x0 - x).max(x - (x0 + self.side)).max(0.0) * sx;
        let dy = (y0 - y).max(y - (y0 + self.side)).max(0.0);
        (dx * dx + dy * dy).sqrt()
    }

    /// The non-empty tiles within reach of the cell centres spanning `bx` ×
    /// `by` (projected), each with a lower bound of the time any of its
    /// points gives any of those cells, ascending; `(bound, tile)`.
    #[allow(clippy::too_many_arguments)]
    fn near(
        &self,
        bx: [f64; 2],
        by: [f64; 2],
        reach_x: f64,
        reach_y: f64,
        sx_min: f64,
        ds_per_m: f64,
        points: &[RoadPoint],
        out: &mut Vec<(f64, u32)>,
    ) {
        out.clear();
        // Tiles outside the window hold no point.
        let w = &self.window;
        let (i0, i1) = (
            w.clamp_i(((bx[0] - reach_x - self.corner[0]) / self.side).floor()),
            w.clamp_i(((bx[1] + reach_x - self.corner[0]) / self.side).floor()),
        );
        let (j0, j1) = (
            w.clamp_j(((by[0] - reach_y - self.corner[1]) / self.side).floor()),
            w.clamp_j(((by[1] + reach_y - self.corner[1]) / self.side).floor()),
        );
        for j in j0..=j1 {
            let y0 = self.corner[1] + j as f64 * self.side;
            let dy = (y0 - by[1]).max(by[0] - (y0 + self.side)).max(0.0);
            for i in i0..=i1 {
                let k = w.index(i, j).expect("in the window");
                if self.start[k] == self.start[k + 1] {
                    continue;
                }
                let x0 = self.corner[0] + i as f64 * self.side;
                let dx = (x0 - bx[1]).max(bx[0] - (x0 + self.side)).max(0.0) * sx_min;
                let d2 = dx * dx + dy * dy;
                if d2 > reach_y * reach_y {
                    continue;
                }
                // The tile's fastest point comes first.
                let fastest = points[self.start[k] as usize].data as f64;
                out.push((fastest + d2.sqrt() * ds_per_m, k as u32));
            }
        }
        out.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    }
}

/// Road points (module documentation, step 1), projected by `project`,
/// sampled along edges at most `step_m` apart on the ground.
fn road_points(
    net: &RoadNetwork,
    node_time: &[Time],
    step_m: f64,
    project: impl Fn([f64; 2]) -> [f64; 2] + Sync,
) -> Vec<RoadPoint> {
    let any_snappable = net.edges.iter().any(|e| e.snappable);
    let usable = |e: &crate::roads::RoadEdge| !any_snappable || e.snappable;
    let reached = |v: NodeId| node_time[v as usize] != UNREACHABLE;
    // Only the edges with a reached end hold reached points or make a
    // reached node a road point: a small isochrone reads every edge once,
    // in parallel, and works on its own.
    let edges: Vec<&crate::roads::RoadEdge> = net
        .edges
        .par_iter()
        .filter(|e| usable(e) && (reached(e.from) || reached(e.to)))
        .collect();
    let mut on_usable = vec![false; net.node_lonlat.len()];
    for e in &edges {
        on_usable[e.from as usize] = true;
        on_usable[e.to as usize] = true;
    }
    let mut points: Vec<RoadPoint> = (0..net.node_lonlat.len())
        .filter(|&v| on_usable[v] && reached(v as NodeId))
        .map(|v| RoadPoint::new(project(net.node_lonlat[v]), node_time[v]))
        .collect();
    let per_edge: Vec<Vec<RoadPoint>> = edges
        .par_iter()
        .map(|e| {
            let shape = net.shape(e);
            let start = e.geom_start as usize;
            let s = &net.geometry_s[start..start + e.geom_len as usize];
            let tf = s[s.len() - 1][0];
            let (t_from, t_to) = (node_time[e.from as usize], node_time[e.to as usize]);
            // Time from a point `sf` seconds after `from` (and `sb` seconds
            // back to it) to the nearest facility.
            let time_at = |sf: f64, sb: f64| -> Time {
                let mut best = UNREACHABLE;
                if e.time_fwd != UNREACHABLE && t_to != UNREACHABLE {
                    best = best.min(t_to.saturating_add(ds((tf as f64 - sf).max(0.0))));
                }
                if e.time_bwd != UNREACHABLE && t_from != UNREACHABLE {
                    best = best.min(t_from.saturating_add(ds(sb)));
                }
                best
            };
            let mut out = Vec::new();
            for j in 0..shape.len() - 1 {
                let len = crate::roads::haversine_m(shape[j], shape[j + 1]);
                let n = (len / step_m).ceil().max(1.0) as usize;
                // Shape point j (k = 0) and the points inside the segment;
                // the last shape point is the `to` node.
                for k in 0..n {
                    if j == 0 && k == 0 {
                        continue; // the `from` node
                    }
                    let f = k as f64 / n as f64;
                    let lerp = |a: f64, b: f64| a + f * (b - a);
                    let t = time_at(
                        lerp(s[j][0] as f64, s[j + 1][0] as f64),
                        lerp(s[j][1] as f64, s[j + 1][1] as f64),
                    );
                    if t != UNREACHABLE {
                        let p = [
                            lerp(shape[j][0], shape[j + 1][0]),
                            lerp(shape[j][1], shape[j + 1][1]),
                        ];
                        out.push(RoadPoint::new(project(p), t));
                    }
                }
            }
            out
        })
        .collect();
    points.extend(per_edge.into_iter().flatten());
    points
}

/// Seconds to [`Time`].
fn ds(secs: f64) -> Time {
    (secs.max(0.0) * DS_PER_S as f64).round() as Time
}

/// Isochrone bands of a road network: [`time_grid`] then
/// [`TimeGrid::isobands`]. `node_time[v]` is the time from node `v` to the
/// nearest facility ([`UNREACHABLE`] when none); `breaks_min` the increasing
/// upper bounds of the bands in minutes: 10, 20, 30, 40, 60 gives
/// `[0, 10)`, `[10, 20)`, … `[40, 60)` and the open band `[60, ∞)` of what
/// is reached beyond.
///
/// # Examples
/// ```no_run
/// # use medaccess::roads::{RoadNetwork, SnapOptions, Snapper};
/// # use medaccess::route::{nearest, Seed};
/// # use medaccess::planner::contours::{GridOptions, road_isochrones};
/// # fn f(net: &RoadNetwork, facilities: &[[f64; 2]]) -> medaccess::Result<()> {
/// let fac = Snapper::new(net).snap_all(facilities, &SnapOptions::default())?;
/// let seeds: Vec<Seed> =
///     fac.snaps.iter().enumerate().flat_map(|(i, s)| s.destination_seeds(i as u32)).collect();
/// let labels = nearest(net.graph.backward(), &seeds, None);
/// let node_time: Vec<u32> = labels.iter().map(|l| l.time).collect();
/// let bands = road_isochrones(net, &node_time, &[10.0, 20.0, 30.0, 40.0, 60.0], &GridOptions::default())?;
/// # Ok(()) }
/// ```
///
/// # Errors
/// As [`time_grid`] and [`TimeGrid::isobands`].
pub fn road_isochrones(
    net: &RoadNetwork,
    node_time: &[Time],
    breaks_min: &[f64],
    opts: &GridOptions,
) -> Result<Vec<Isoband>> {
    check_breaks(breaks_min)?;
    time_grid(net, node_time, opts)?.isobands(breaks_min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roads::CarProfile;

    /// A synthetic network of 1,200 junctions; `name` keeps the files of
    /// tests running at once apart.
    fn synthetic(name: &str) -> RoadNetwork {
        let path = std::env::temp_dir().join(format!("contours-{name}-{}.osm.pbf", std::process::id()));
        let o = crate::roads::synthetic::SyntheticExtract {
            width: 40,
            height: 30,
            shape_nodes: 3,
            buildings: 0,
            seed: 5,
        };
        crate::roads::synthetic::write_synthetic_pbf(&path, &o).unwrap();
        let net = crate::roads::read_pbf(&path, &CarProfile::france(), &|_, _| {}).unwrap();
        std::fs::remove_file(&path).unwrap();
        net
    }

    /// The same grid with every cell stored: what `time_grid` built before
    /// it kept only a window.
    fn stored_whole(grid: &TimeGrid) -> TimeGrid {
        let window = Window {
            i0: 0,
            j0: 0,
            nx: grid.nx,
            ny: grid.ny,
        };
        let minutes = (0..window.len())
            .map(|k| {
                let (i, j) = window.cell(k);
                grid.cell_minutes(i, j)
            })
            .collect();
        TimeGrid {
            window,
            minutes,
            ..grid.clone()
        }
    }

    /// Contouring the window gives, bit for bit, the bands of the whole
    /// grid: short searches from a corner (the window then meets the
    /// grid's edges) and from the middle of a synthetic network, at several
    /// cell sizes and breaks.
    #[test]
    fn window_gives_the_bands_of_the_whole_grid() {
        let net = synthetic("window");
        let g = &net.graph;
        let mut search = crate::route::BoundedSearch::new(g.num_nodes());
        for (source, limit_min) in [(0, 1.0), (g.num_nodes() as NodeId / 2 + 20, 0.7)] {
            search.run(g.forward(), &[(source, 0)], crate::units::minutes(limit_min));
            let node_time: Vec<Time> = (0..g.num_nodes() as NodeId).map(|v| search.time(v)).collect();
            for (cell_m, max_off_road_m) in [(60.0, 300.0), (37.0, 130.0)] {
                let opts = GridOptions {
                    cell_m,
                    off_road_kmh: 15.0,
                    max_off_road_m,
                };
                let grid = time_grid(&net, &node_time, &opts).unwrap();
                let whole = stored_whole(&grid);
                assert!(
                    grid.window.len() * 2 < whole.window.len(),
                    "window {:?} of {} x {}",
                    grid.window,
                    grid.nx,
                    grid.ny
                );
                for breaks in [&[limit_min / 3.0, limit_min / 2.0][..], &[limit_min][..]] {
                    let bands = grid.isobands(breaks).unwrap();
                    assert!(bands.iter().filter(|b| !b.area.0.is_empty()).count() >= breaks.len());
                    assert_eq!(bands, whole.isobands(breaks).unwrap(), "{cell_m} m, {breaks:?}");
                }
            }
        }
    }

    fn tiny() -> RoadNetwork {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/osm/tiny.osm");
        RoadNetwork::read(std::path::Path::new(path), &CarProfile::france(), &|_, _| {}).unwrap()
    }

    /// The R-tree query against the obvious scan of every road point with
    /// haversine distances, every node a facility at a different time.
    #[test]
    fn grid_matches_brute_force() {
        let net = tiny();
        let node_time: Vec<Time> = (0..net.node_lonlat.len() as u32)
            .map(|v| if v == 2 { UNREACHABLE } else { 600 * v + 37 })
            .collect();
        let opts = GridOptions {
            cell_m: 120.0,
            off_road_kmh: 12.0,
            max_off_road_m: 900.0,
        };
        let grid = time_grid(&net, &node_time, &opts).unwrap();
        let project = |p: [f64; 2]| {
            [
                (p[0] - grid.centre[0]) * grid.kx,
                (p[1] - grid.centre[1]) * M_PER_DEG,
            ]
        };
        let points = road_points(&net, &node_time, opts.cell_m / 2.0, project);
        assert!(points.len() > net.node_lonlat.len());
        let mut reached = 0;
        for j in 0..grid.ny {
            for i in 0..grid.nx {
                let (x, y) = (
                    grid.origin[0] + i as f64 * opts.cell_m,
                    grid.origin[1] + j as f64 * opts.cell_m,
                );
                let c = grid.to_lonlat(x, y);
                let mut best = f64::INFINITY;
                for p in &points {
                    let q = grid.to_lonlat(p.geom()[0], p.geom()[1]);
                    let d = crate::roads::haversine_m(c, q);
                    if d <= opts.max_off_road_m {
                        best = best.min(p.data as f64 / 600.0 + d / (opts.off_road_kmh / 3.6) / 60.0);
                    }
                }
                let got = grid.cell_minutes(i, j);
                if best.is_finite() {
                    reached += 1;
                    // The local equirectangular distance is within 0.1 % of
                    // the haversine one.
                    assert!((got - best).abs() < 0.01, "cell ({i}, {j}): {got} vs {best}");
                } else {
                    assert!(got.is_infinite(), "cell ({i}, {j}): {got}");
                }
            }
        }
        assert!(reached > 100, "{reached} cells reached");
    }

    /// The tiled search gives, bit for bit, the minimum over every road
    /// point within reach, on a synthetic network of 1,200 nodes with
    /// random times (some unreachable) and several cell sizes.
    #[test]
    fn tiles_give_the_minimum_over_every_point() {
        use rand::{Rng, SeedableRng};
        let net = synthetic("tiles");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(19);
        for (cell_m, max_off_road_m) in [(60.0, 500.0), (250.0, 2000.0), (37.0, 130.0)] {
            let node_time: Vec<Time> = (0..net.node_lonlat.len())
                .map(|_| {
                    if rng.random_range(0..10) == 0 {
                        UNREACHABLE
                    } else {
                        rng.random_range(0..20_000)
                    }
                })
                .collect();
            let opts = GridOptions {
                cell_m,
                off_road_kmh: 15.0,
                max_off_road_m,
            };
            let grid = time_grid(&net, &node_time, &opts).unwrap();
            let project = |p: [f64; 2]| {
                [
                    (p[0] - grid.centre[0]) * grid.kx,
                    (p[1] - grid.centre[1]) * M_PER_DEG,
                ]
            };
            let points = road_points(&net, &node_time, opts.cell_m / 2.0, project);
            let ds_per_m = 3.6 / opts.off_road_kmh * DS_PER_S as f64;
            let r2 = max_off_road_m * max_off_road_m;
            let mut reached = 0;
            for j in 0..grid.ny {
                let y = grid.origin[1] + j as f64 * cell_m;
                let lat = grid.centre[1] + y / M_PER_DEG;
                let sx = lat.to_radians().cos() * M_PER_DEG / grid.kx;
                for i in 0..grid.nx {
                    let x = grid.origin[0] + i as f64 * cell_m;
                    let mut best = f64::INFINITY;
                    for p in &points {
                        let [px, py] = *p.geom();
                        let d2 = ((px - x) * sx).powi(2) + (py - y).powi(2);
                        if d2 <= r2 {
                            best = best.min(p.data as f64 + d2.sqrt() * ds_per_m);
                        }
                    }
                    let want = best / DS_PER_MIN as f64;
                    reached += want.is_finite() as usize;
                    assert_eq!(grid.cell_minutes(i, j), want, "cell ({i}, {j}) at {cell_m} m");
                }
            }
            assert!(reached > grid.nx * grid.ny / 3, "{reached} cells reached");
        }
    }

    /// What rounding to the output precision breaks is repaired: the
    /// result is valid (geo's check), on the lattice, and covers the same
    /// area to within the rounding; polygons that rounding would make cross
    /// or touch along a line come out valid.
    #[test]
    fn output_is_valid_on_the_lattice() {
        use geo::{Area, Validation, wkt};
        let net = tiny();
        let node_time: Vec<Time> = (0..net.node_lonlat.len() as u32).map(|v| 700 * v).collect();
        let opts = GridOptions {
            cell_m: 40.0,
            ..Default::default()
        };
        let bands = road_isochrones(&net, &node_time, &[1.0, 2.0, 4.0, 8.0], &opts).unwrap();
        assert!(
            bands
                .iter()
                .any(|b| b.area.0.len() > 1 || b.area.0.iter().any(|p| !p.interiors().is_empty()))
        );
        let e = 1e-7;
        let cases: Vec<MultiPolygon<f64>> = vec![
            // two squares 0.4e-6° apart, which rounding makes share a side
            wkt!(MULTIPOLYGON(((0. 0.,0.00001 0.,0.00001 0.00001,0. 0.00001,0. 0.)),((0.0000104 0.,0.00002 0.,0.00002 0.00001,0.0000104 0.00001,0.0000104 0.)))),
            // a wedge thinner than the rounding
            wkt!(MULTIPOLYGON(((0. 0.,0.00003 0.,0.00003 0.0000002,0.00001 0.0000001,0. 0.0000002,0. 0.)))),
            // a hole 0.3e-6° from its exterior
            wkt!(MULTIPOLYGON(((0. 0.,0.00001 0.,0.00001 0.00001,0. 0.00001,0. 0.),(0.0000003 0.000002,0.000005 0.000002,0.000005 0.000005,0.0000003 0.000005,0.0000003 0.000002)))),
        ];
        for (k, mp) in bands
            .into_iter()
            .map(|b| b.area)
            .chain(cases.into_iter().map(snap_to_output))
            .enumerate()
        {
            assert!(mp.is_valid(), "case {k}: {:?}", mp.validation_errors());
            for c in
                mp.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .flat_map(|r| &r.0)
            {
                for v in [c.x, c.y] {
                    assert!(
                        ((v * 1e6).round() / 1e6 - v).abs() < e * 1e-3,
                        "case {k}: {v} off the lattice"
                    );
                }
            }
            assert!(mp.unsigned_area() >= 0.0);
        }
    }

    /// Inside an edge, a road point's time is that of driving on to the end
    /// that leads to the facility: forward to `to`, or back to `from`.
    #[test]
    fn edge_points_interpolate_between_ends() {
        let net = tiny();
        let e = net
            .edges
            .iter()
            .filter(|e| e.time_fwd != UNREACHABLE && e.time_bwd != UNREACHABLE && e.snappable)
            .max_by(|a, b| a.length_m.total_cmp(&b.length_m))
            .unwrap();
        // Halfway along the edge's middle segment.
        let k = (e.geom_len as usize - 1) / 2;
        let (a, b) = (e.geom_start as usize + k, e.geom_start as usize + k + 1);
        let (pa, pb) = (net.point(a), net.point(b));
        let mid = [(pa[0] + pb[0]) / 2.0, (pa[1] + pb[1]) / 2.0];
        let s = |i: usize, d: usize| net.geometry_s[i][d] as f64;
        let (sf, sb) = ((s(a, 0) + s(b, 0)) / 2.0, (s(a, 1) + s(b, 1)) / 2.0);
        let tf = net.geometry_s[(e.geom_start + e.geom_len - 1) as usize][0] as f64;
        let opts = GridOptions {
            cell_m: 10.0,
            off_road_kmh: 15.0,
            max_off_road_m: 30.0,
        };
        for (node, expected_s) in [(e.to, tf - sf), (e.from, sb)] {
            let mut node_time = vec![UNREACHABLE; net.node_lonlat.len()];
            node_time[node as usize] = 0;
            let grid = time_grid(&net, &node_time, &opts).unwrap();
            let got_s = grid.minutes_at(mid).unwrap() * 60.0;
            // The cell centre is within 7.1 m of the road (1.7 s at
            // 15 km/h), the nearest road point within 2.5 m more along it.
            assert!(
                got_s >= expected_s - 0.1 && got_s <= expected_s + 4.0,
                "to node {node}: {got_s} s, expected {expected_s} s"
            );
        }
    }

    #[test]
    fn breaks_are_checked() {
        assert!(check_breaks(&[10.0, 20.0, 30.0]).is_ok());
        for bad in [&[][..], &[0.0][..], &[10.0, 10.0][..], &[f64::INFINITY][..]] {
            assert!(check_breaks(bad).is_err(), "{bad:?}");
        }
    }
}
