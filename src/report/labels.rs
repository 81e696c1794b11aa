//! Label placement: each marker's label goes in the first of eight places
//! around it (right first, as cartographers prefer) that stays inside its
//! frame and touches no other label and no marker; markers are labelled in
//! order of priority (population served), and a label that finds no free
//! place is dropped, never drawn over something else. Markers are never
//! covered: every marker is an obstacle from the start.
//!
//! The sizes are estimates of the rendered text (see [`text_width`]); the
//! map pins each label's drawn width to the estimate (SVG `textLength`), so
//! the boxes placed here are the boxes drawn, whatever the reader's font.

use super::atlas::Rect;

/// Label font size, pixels.
pub(crate) const FONT_PX: f64 = 12.0;
/// Height of a label box: the line plus the halo around the glyphs.
pub(crate) const LABEL_H: f64 = 16.0;
/// Halo (white outline of the glyphs) each side, pixels; inside the box.
pub(crate) const HALO: f64 = 2.0;
/// Gap between a marker's edge and its label.
const GAP: f64 = 2.0;

/// Advance widths of DejaVu Sans (the widest of the usual sans-serif
/// faces, metric twin of Verdana) for U+0020..U+007E, in font units of
/// 1/2048 em, read from the font's `hmtx` table.
const ADVANCE: [u16; 95] = [
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577,
    1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401,
    2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298,
    569, 569, 1186, 569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075,
    1303, 690, 1303, 1716,
];
/// Font units per em of DejaVu Sans.
const UNITS_PER_EM: f64 = 2048.0;

/// Width of `s` in pixels at `px` pixels per em, in DejaVu Sans. Accented
/// letters take their base letter's width; other characters a wide 0.7 em.
pub(crate) fn text_width(s: &str, px: f64) -> f64 {
    s.chars()
        .map(|c| {
            let base = match c {
                'à' | 'â' | 'ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'î' | 'ï' => 'i',
                'ô' | 'ö' => 'o',
                'ù' | 'û' | 'ü' => 'u',
                'ç' => 'c',
                'À' | 'Â' => 'A',
                'É' | 'È' | 'Ê' => 'E',
                'Î' => 'I',
                'Ô' => 'O',
                'Ç' => 'C',
                '·' | '’' => '.',
                '…' => 'M',
                '–' => 'n',
                c => c,
            };
            match base as u32 {
                0x20..=0x7E => ADVANCE[(base as u32 - 0x20) as usize] as f64 / UNITS_PER_EM,
                _ => 0.7,
            }
        })
        .sum::<f64>()
        * px
}

/// A marker to label.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Marker centre, pixels.
    pub center: (f64, f64),
    /// Marker radius, pixels.
    pub r: f64,
    /// Width of the label text, pixels (without halo).
    pub text_w: f64,
    /// Higher is labelled first.
    pub priority: u64,
    /// The frame the label must stay in.
    pub bounds: Rect,
}

impl Item {
    /// The square around the marker that nothing may cover.
    pub fn marker_box(&self) -> Rect {
        let r = self.r + 1.0;
        Rect {
            x: self.center.0 - r,
            y: self.center.1 - r,
            w: 2.0 * r,
            h: 2.0 * r,
        }
    }
}

/// The label box of each item (halo included; the text's left edge is
/// `x + HALO`), or `None` when the label is dropped. At most `max_labels`
/// labels are placed; items of priority 0 (a site serving no one in the
/// territory, drawn for context) are not labelled.
pub(crate) fn place(items: &[Item], max_labels: usize) -> Vec<Option<Rect>> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[b].priority.cmp(&items[a].priority).then(a.cmp(&b)));
    let mut obstacles: Vec<Rect> = items.iter().map(Item::marker_box).collect();
    let mut out = vec![None; items.len()];
    let mut placed = 0;
    for i in order {
        let it = &items[i];
        if placed == max_labels || it.priority == 0 {
            break;
        }
        let w = it.text_w + 2.0 * HALO;
        let h = LABEL_H;
        let (cx, cy) = it.center;
        let d = it.r + GAP;
        // diagonal places touch the corner of the marker's square
        let k = it.r + 1.0 + GAP / 2.0;
        // right, upper right, lower right, left, upper left, lower left,
        // above, below
        let candidates = [
            (cx + d, cy - h / 2.0),
            (cx + k, cy - k - h),
            (cx + k, cy + k),
            (cx - d - w, cy - h / 2.0),
            (cx - k - w, cy - k - h),
            (cx - k - w, cy + k),
            (cx - w / 2.0, cy - d - h),
            (cx - w / 2.0, cy + d),
        ];
        let spot = candidates
            .iter()
            .map(|&(x, y)| Rect { x, y, w, h })
            .find(|b| it.bounds.contains(b) && !obstacles.iter().any(|o| o.overlaps(b)));
        if let Some(b) = spot {
            obstacles.push(b);
            out[i] = Some(b);
            placed += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Rect {
        Rect {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        }
    }

    fn item(x: f64, y: f64, text: &str, priority: u64) -> Item {
        Item {
            center: (x, y),
            r: 6.0,
            text_w: text_width(text, FONT_PX),
            priority,
            bounds: frame(),
        }
    }

    /// Checks what the module promises, on any input.
    fn check(items: &[Item], boxes: &[Option<Rect>]) {
        let placed: Vec<&Rect> = boxes.iter().flatten().collect();
        for (a, ba) in placed.iter().enumerate() {
            for bb in &placed[a + 1..] {
                assert!(!ba.overlaps(bb), "labels overlap: {ba:?} {bb:?}");
            }
            for it in items {
                assert!(
                    !ba.overlaps(&it.marker_box()),
                    "label {ba:?} covers marker {:?}",
                    it.center
                );
            }
        }
        for (it, b) in items.iter().zip(boxes) {
            if let Some(b) = b {
                assert!(it.bounds.contains(b), "label outside its frame");
            }
        }
    }

    /// Pau and Saint-Palais-like: two markers close together; the first
    /// label must not cover the second marker.
    #[test]
    fn never_covers_a_marker() {
        let items = vec![
            item(200.0, 150.0, "CH de Pau", 300_000),
            item(260.0, 150.0, "CH de Saint-Palais", 20_000),
        ];
        let boxes = place(&items, 50);
        check(&items, &boxes);
        assert!(boxes.iter().all(Option::is_some), "room for both: {boxes:?}");
    }

    /// A crowd in a small frame: labels dropped by priority, the most
    /// important kept.
    #[test]
    fn crowd_drops_the_least_important() {
        let mut items = Vec::new();
        for k in 0..40u64 {
            let x = 20.0 + (k % 8) as f64 * 45.0;
            let y = 20.0 + (k / 8) as f64 * 55.0;
            items.push(item(x, y, "Polyclinique du Parc", k * 1000));
        }
        let boxes = place(&items, 100);
        check(&items, &boxes);
        let kept = boxes.iter().flatten().count();
        assert!(kept > 5 && kept < 40, "{kept} kept");
        assert!(boxes[39].is_some(), "the highest priority is labelled");
    }

    /// Seeded random crowds: the promises hold whatever the input.
    #[test]
    fn random_crowds() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        for _ in 0..50 {
            let n = rng.random_range(1..80);
            let items: Vec<Item> = (0..n)
                .map(|_| Item {
                    center: (rng.random_range(0.0..400.0), rng.random_range(0.0..300.0)),
                    r: rng.random_range(2.0..7.0),
                    text_w: rng.random_range(20.0..160.0),
                    priority: rng.random_range(0..1000),
                    bounds: frame(),
                })
                .collect();
            let boxes = place(&items, rng.random_range(0..60));
            check(&items, &boxes);
        }
    }

    #[test]
    fn widths_like_dejavu() {
        // C H space d e space P a u: 10 620 font units; the browser test
        // checks the estimates against Chromium's own measure of the labels
        let w = text_width("CH de Pau", 12.0);
        assert!((w - 10_620.0 / 2048.0 * 12.0).abs() < 1e-9, "{w}");
        assert!(text_width("é", 12.0) == text_width("e", 12.0));
    }
}
