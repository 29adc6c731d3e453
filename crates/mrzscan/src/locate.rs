//! Finding the zone in a photo: the page's skew, its lines of text, the two or three that are
//! the zone, and the character cells of each.

use crate::gray::Ink;

/// A line of the zone as found: its rows and the left edge and width of its character cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Line {
    pub(crate) top: f32,
    pub(crate) bottom: f32,
    /// The left edge of the first cell.
    pub(crate) x0: f32,
    /// One character step.
    pub(crate) pitch: f32,
}

/// A band of rows holding text, with the span of its ink.
#[derive(Debug, Clone, Copy)]
struct Band {
    top: usize,
    bottom: usize,
    left: usize,
    right: usize,
    /// Separate runs of ink across the span (about one per character).
    runs: usize,
}

impl Band {
    fn height(&self) -> f32 {
        (self.bottom - self.top + 1) as f32
    }
    fn span(&self) -> f32 {
        (self.right - self.left + 1) as f32
    }
}

/// The skew of the text in degrees: the turn that makes its rows most distinct (the
/// projection of the ink on the vertical axis with the most contrast), searched within ±8°.
pub(crate) fn skew(ink: &Ink, threshold: f32) -> f32 {
    let mut points = Vec::new();
    for y in 0..ink.height {
        for x in 0..ink.width {
            if ink.px[y * ink.width + x] > threshold {
                points.push((x as f32, y as f32));
            }
        }
    }
    if points.len() < 50 {
        return 0.0;
    }
    let step = (points.len() / 150_000).max(1);
    let points: Vec<(f32, f32)> = points.into_iter().step_by(step).collect();
    let cx = ink.width as f32 / 2.0;
    let score = |deg: f32| -> f64 {
        let t = deg.to_radians().tan();
        let extra = (ink.width as f32 * 0.15) as isize + 2;
        let mut bins = vec![0u32; ink.height + 2 * extra as usize];
        for &(x, y) in &points {
            let yy = (y - (x - cx) * t).round() as isize + extra;
            if yy >= 0 && (yy as usize) < bins.len() {
                bins[yy as usize] += 1;
            }
        }
        bins.iter().map(|&b| (b as f64) * (b as f64)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let mut deg = -8.0f32;
    while deg <= 8.0 {
        let s = score(deg);
        if s > best.1 {
            best = (deg, s);
        }
        deg += 0.25;
    }
    let centre = best.0;
    let mut deg = centre - 0.25;
    while deg <= centre + 0.25 {
        let s = score(deg);
        if s > best.1 {
            best = (deg, s);
        }
        deg += 0.05;
    }
    best.0
}

/// The bands of text rows, top to bottom.
fn bands(ink: &Ink, threshold: f32) -> Vec<Band> {
    let w = ink.width;
    let rows: Vec<usize> = (0..ink.height)
        .map(|y| {
            ink.px[y * w..(y + 1) * w]
                .iter()
                .filter(|&&v| v > threshold)
                .count()
        })
        .collect();
    let most = rows.iter().copied().max().unwrap_or(0);
    let floor = (most / 14).max(3);
    let mut out = Vec::new();
    let mut y = 0;
    while y < rows.len() {
        if rows[y] <= floor {
            y += 1;
            continue;
        }
        let top = y;
        while y < rows.len() && rows[y] > floor {
            y += 1;
        }
        let bottom = y - 1;
        if bottom - top + 1 >= 6
            && let Some(b) = span(ink, threshold, top, bottom)
        {
            out.push(b);
        }
    }
    out
}

/// The widest run of ink across the rows `top..=bottom`, gaps shorter than the band's
/// height bridged, with the number of separate runs in it.
fn span(ink: &Ink, threshold: f32, top: usize, bottom: usize) -> Option<Band> {
    let w = ink.width;
    // A column holds ink when a fifth of the band's rows do there: noise does not.
    let needed = ((bottom - top + 1) / 5).max(2);
    let cols: Vec<bool> = (0..w)
        .map(|x| {
            (top..=bottom)
                .filter(|&y| ink.px[y * w + x] > threshold)
                .count()
                >= needed
        })
        .collect();
    let bridge = ((bottom - top + 1) as f32 * 0.9) as usize;
    let mut best: Option<Band> = None;
    let mut x = 0;
    while x < w {
        if !cols[x] {
            x += 1;
            continue;
        }
        let left = x;
        let mut right = x;
        let mut runs = 1;
        let mut gap = 0;
        while x < w {
            if cols[x] {
                if gap > 0 {
                    runs += 1;
                }
                right = x;
                gap = 0;
            } else {
                gap += 1;
                if gap > bridge {
                    break;
                }
            }
            x += 1;
        }
        let b = Band {
            top,
            bottom,
            left,
            right,
            runs,
        };
        if best.is_none_or(|o| b.span() > o.span()) {
            best = Some(b);
        }
    }
    best
}

/// A band that looks like a line of a zone: long for its height, with many characters.
fn zone_like(b: &Band) -> bool {
    b.span() / b.height() >= 14.0 && b.runs >= 10
}

/// The candidate zones (two or three lines of the bottom-most group of zone-like bands of one
/// height and one left edge), each with the number of characters per line it would hold, the
/// likeliest by the lines' proportions first.
pub(crate) fn zones(ink: &Ink, threshold: f32, pitch_per_cap: f32) -> Vec<(Vec<Line>, usize)> {
    let all: Vec<Band> = bands(ink, threshold)
        .into_iter()
        .filter(zone_like)
        .collect();
    let mut groups: Vec<Vec<Band>> = Vec::new();
    for b in all {
        if let Some(g) = groups.last_mut() {
            let last = g[g.len() - 1];
            let alike = (b.height() / last.height() - 1.0).abs() < 0.4
                && (b.top as f32 - last.bottom as f32) < 2.5 * last.height()
                && (b.left as f32 - last.left as f32).abs() < 2.0 * last.height();
            if alike {
                g.push(b);
                continue;
            }
        }
        groups.push(vec![b]);
    }
    let Some(group) = groups.into_iter().rev().find(|g| g.len() >= 2) else {
        return Vec::new();
    };
    let height = group.iter().map(Band::height).sum::<f32>() / group.len() as f32;
    let span = group.iter().map(Band::span).fold(0.0f32, f32::max);
    let estimate = span / (height * pitch_per_cap);
    let mut shapes: Vec<(usize, usize)> = vec![(2, 36), (2, 44)];
    if group.len() >= 3 {
        shapes.push((3, 30));
    }
    shapes.sort_by(|a, b| {
        (estimate - a.1 as f32)
            .abs()
            .total_cmp(&(estimate - b.1 as f32).abs())
    });
    shapes
        .into_iter()
        .map(|(count, width)| {
            let chosen = &group[group.len() - count..];
            (chosen.iter().map(|b| cells(ink, b, width)).collect(), width)
        })
        .collect()
}

/// The character cells of a line of `n` characters: the step and left edge whose cell
/// boundaries cross the least ink, the first cell holding the line's first ink and the last
/// its last.
fn cells(ink: &Ink, b: &Band, n: usize) -> Line {
    let w = ink.width;
    let profile: Vec<f32> = (0..w)
        .map(|x| (b.top..=b.bottom).map(|y| ink.px[y * w + x]).sum())
        .collect();
    let at = |x: f32| -> f32 {
        if x < 0.0 || x >= (w - 1) as f32 {
            return 0.0;
        }
        let i = x.floor() as usize;
        let f = x - i as f32;
        profile[i] * (1.0 - f) + profile[i + 1] * f
    };
    let (left, right) = (b.left as f32, b.right as f32 + 1.0);
    let p0 = (right - left) / (n as f32 - 0.25);
    let mut best = (f32::MAX, left - p0 * 0.125, p0);
    for k in 0..=40 {
        let p = p0 * (0.95 + 0.1 * k as f32 / 40.0);
        let mut x0 = right - n as f32 * p;
        while x0 <= left {
            let cost: f32 = (0..=n).map(|i| at(x0 + i as f32 * p)).sum();
            if cost < best.0 {
                best = (cost, x0, p);
            }
            x0 += 0.5;
        }
    }
    Line {
        top: b.top as f32,
        bottom: b.bottom as f32 + 1.0,
        x0: best.1,
        pitch: best.2,
    }
}
