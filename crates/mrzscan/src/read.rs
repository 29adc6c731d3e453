//! Reading the characters of the zone's cells against the templates, within what each
//! position of the format may hold, and the corrections the check digits prove.

use tabara_mrz::{CheckKind, Options};

use crate::glyphs::{ALPHABET, GH, GW, MARGIN, glyphs, grid, normalised};

use crate::gray::Ink;
use crate::locate::Line;

/// The cell's margin searched around where it should be, in grid steps.
const PAD: usize = 3;

/// What a position of a format may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Letters and the filler (codes, states, names).
    Letter,
    /// Digits and the filler (dates, check digits).
    Digit,
    /// `M`, `F`, `X` or the filler.
    Sex,
    /// Any character (document numbers, optional data).
    Any,
}

impl Class {
    fn allows(self, c: u8) -> bool {
        match self {
            Class::Letter => c.is_ascii_uppercase() || c == b'<',
            Class::Digit => c.is_ascii_digit() || c == b'<',
            Class::Sex => matches!(c, b'M' | b'F' | b'X' | b'<'),
            Class::Any => true,
        }
    }
}

/// The classes of each position of the zone of `lines × width`, a visa when its first
/// character is `V`.
pub(crate) fn classes(lines: usize, width: usize, visa: bool) -> Vec<Vec<Class>> {
    use Class::*;
    let mut out = vec![vec![Any; width]; lines];
    let mut set = |l: usize, range: std::ops::Range<usize>, c: Class| {
        for p in range {
            out[l][p] = c;
        }
    };
    match (lines, width) {
        (3, _) => {
            set(0, 0..5, Letter);
            set(0, 14..15, Digit);
            set(1, 0..7, Digit);
            set(1, 7..8, Sex);
            set(1, 8..15, Digit);
            set(1, 15..18, Letter);
            set(1, 29..30, Digit);
            set(2, 0..30, Letter);
        }
        (_, w) => {
            set(0, 0..w, Letter);
            set(1, 9..10, Digit);
            set(1, 10..13, Letter);
            set(1, 13..20, Digit);
            set(1, 20..21, Sex);
            set(1, 21..28, Digit);
            if !visa {
                if w == 44 {
                    set(1, 42..44, Digit);
                } else {
                    set(1, 35..36, Digit);
                }
            }
        }
    }
    out
}

/// A cell's scores: how well each character of [`ALPHABET`] matches (normalised
/// cross-correlation, 1 the same picture).
pub(crate) type Scores = [f32; 37];

/// The scores of every cell of `line` (`n` cells), against the templates of the blur that
/// fits the line best (tried on its first cells).
pub(crate) fn score_line(ink: &Ink, line: &Line, n: usize) -> Vec<Scores> {
    let g = glyphs();
    let trial = n.min(10);
    let mean_best = |scores: &[Scores]| -> f32 {
        scores
            .iter()
            .map(|s| s.iter().copied().fold(f32::MIN, f32::max))
            .sum::<f32>()
            / scores.len().max(1) as f32
    };
    // The band's rows include the round letters' overshoot and the blur: the capitals' own
    // height is found with the blur.
    let scaled = |scale: f32| {
        let mid = (line.top + line.bottom) / 2.0;
        let half = (line.bottom - line.top) / 2.0 * scale;
        Line {
            top: mid - half,
            bottom: mid + half,
            ..*line
        }
    };
    let mut best = (f32::MIN, 2, *line);
    for scale in [0.84f32, 0.92, 1.0, 1.08] {
        let l = scaled(scale);
        let s = mean_best(&score_cells(ink, &l, 0..trial, &g.templates[2]));
        if s > best.0 {
            best = (s, 2, l);
        }
    }
    for b in [0, 1, 3, 4] {
        let s = mean_best(&score_cells(ink, &best.2, 0..trial, &g.templates[b]));
        if s > best.0 {
            best = (s, b, best.2);
        }
    }
    score_cells(ink, &best.2, 0..n, &g.templates[best.1])
}

/// The scores of cells `cells` of `line` against `templates`.
fn score_cells(
    ink: &Ink,
    line: &Line,
    cells: std::ops::Range<usize>,
    templates: &[Vec<f32>],
) -> Vec<Scores> {
    let h = line.bottom - line.top;
    let (top, bottom) = (line.top - MARGIN * h, line.bottom + MARGIN * h);
    let (sx, sy) = (line.pitch / GW as f32, (bottom - top) / GH as f32);
    let (ew, eh) = (GW + 2 * PAD, GH + 2 * PAD);
    cells
        .map(|i| {
            let x0 = line.x0 + i as f32 * line.pitch;
            let big = grid(
                ink,
                x0 - PAD as f32 * sx,
                top - PAD as f32 * sy,
                x0 + line.pitch + PAD as f32 * sx,
                bottom + PAD as f32 * sy,
                ew,
                eh,
            );
            let mut best = [f32::MIN; 37];
            for dy in 0..=2 * PAD {
                for dx in 0..=2 * PAD {
                    let mut window = Vec::with_capacity(GW * GH);
                    for y in 0..GH {
                        let row = (y + dy) * ew + dx;
                        window.extend_from_slice(&big[row..row + GW]);
                    }
                    let window = normalised(window);
                    for (k, t) in templates.iter().enumerate() {
                        let s: f32 = t.iter().zip(&window).map(|(a, b)| a * b).sum();
                        if s > best[k] {
                            best[k] = s;
                        }
                    }
                }
            }
            best
        })
        .collect()
}

/// The best character of `scores` that `class` allows, with its score.
pub(crate) fn best(scores: &Scores, class: Class) -> (u8, f32) {
    let mut out = (b'<', f32::MIN);
    for (k, &s) in scores.iter().enumerate() {
        if class.allows(ALPHABET[k]) && s > out.1 {
            out = (ALPHABET[k], s);
        }
    }
    out
}

/// A character changed because the check digits prove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Line (from 1).
    pub line: usize,
    /// Position (from 1).
    pub position: usize,
    /// What the picture looked most like.
    pub read: char,
    /// What it is.
    pub corrected: char,
    /// The check digits that failed with the character as read and agree with it corrected.
    pub proven_by: Vec<CheckKind>,
}

/// How many of the closest other readings are tried for a correction.
const TRIED: usize = 60;

/// How much closer to the picture one change consistent with the check digits must be than
/// the next to be taken.
const AHEAD: f32 = 0.04;

/// How much less like the picture another character may look and still be tried.
const CLOSE: f32 = 0.12;

/// The characters read and the corrections the check digits prove: another reading of a
/// cell is taken only when it makes a failing check digit agree and breaks no other rule,
/// and, of the changes that make as many agree, the picture clearly prefers it (check digits
/// weigh characters modulo 10, so they cannot tell `0` from `U` alone).
pub(crate) fn correct(
    read: &[Vec<u8>],
    scores: &[Vec<Scores>],
    classes: &[Vec<Class>],
    options: &Options,
) -> (Vec<Vec<u8>>, Vec<Correction>) {
    let text = |lines: &[Vec<u8>]| -> String {
        lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut lines = read.to_vec();
    let mut corrections = Vec::new();
    for _round in 0..4 {
        let Ok(now) = tabara_mrz::parse_with(&text(&lines), options) else {
            break;
        };
        if now.is_valid() {
            break;
        }
        let failing: Vec<CheckKind> = now
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.kind)
            .collect();
        if failing.is_empty() {
            break;
        }
        // The other characters each cell looked almost as much like.
        let mut doubtful: Vec<(f32, usize, usize, u8)> = Vec::new();
        for (l, line) in lines.iter().enumerate() {
            for (p, &c) in line.iter().enumerate() {
                let own = scores[l][p][ALPHABET.iter().position(|&a| a == c).unwrap_or(36)];
                for (k, &s) in scores[l][p].iter().enumerate() {
                    let alt = ALPHABET[k];
                    if alt != c && classes[l][p].allows(alt) && own - s < CLOSE {
                        doubtful.push((own - s, l, p, alt));
                    }
                }
            }
        }
        doubtful.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut fixes: Vec<(CheckKind, usize, usize, u8)> = Vec::new();
        let mut loss = std::collections::BTreeMap::new();
        for &(lost, l, p, alt) in doubtful.iter().take(TRIED) {
            let mut changed = lines.clone();
            changed[l][p] = alt;
            let Ok(after) = tabara_mrz::parse_with(&text(&changed), options) else {
                continue;
            };
            let broke = after
                .checks
                .iter()
                .any(|c| !c.ok && now.checks.iter().any(|b| b.kind == c.kind && b.ok));
            if broke || after.problems.len() >= now.problems.len() {
                continue;
            }
            for c in after.checks.iter().filter(|c| c.ok) {
                if failing.contains(&c.kind) {
                    fixes.push((c.kind, l, p, alt));
                    loss.insert((l, p, alt), lost);
                }
            }
        }
        // How many failing check digits each change brings to agree.
        let agrees =
            |place: (usize, usize, u8)| fixes.iter().filter(|f| (f.1, f.2, f.3) == place).count();
        let mut applied = false;
        for kind in &failing {
            let places: std::collections::BTreeSet<(usize, usize, u8)> = fixes
                .iter()
                .filter(|f| f.0 == *kind)
                .map(|f| (f.1, f.2, f.3))
                .collect();
            let most = places.iter().map(|&p| agrees(p)).max().unwrap_or(0);
            // Check digits weigh characters modulo 10 (`0`, `A`, `K`, `U` alike): of the
            // changes they agree with, the picture must clearly prefer one.
            let mut best: Vec<(f32, (usize, usize, u8))> = places
                .iter()
                .filter(|&&p| agrees(p) == most)
                .map(|&p| (loss[&p], p))
                .collect();
            best.sort_by(|a, b| a.0.total_cmp(&b.0));
            if best.len() > 1 && best[1].0 - best[0].0 < AHEAD {
                continue;
            }
            let Some(&(_, (l, p, alt))) = best.first() else {
                continue;
            };
            if lines[l][p] == alt {
                continue;
            }
            let proven_by: Vec<CheckKind> = fixes
                .iter()
                .filter(|f| (f.1, f.2, f.3) == (l, p, alt))
                .map(|f| f.0)
                .collect();
            corrections.push(Correction {
                line: l + 1,
                position: p + 1,
                read: lines[l][p] as char,
                corrected: alt as char,
                proven_by,
            });
            lines[l][p] = alt;
            applied = true;
        }
        if !applied {
            break;
        }
    }
    (lines, corrections)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: [&str; 2] = [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ];

    fn options() -> Options {
        Options {
            today: tabara_mrz::Date::new(2010, 1, 1).unwrap(),
            allow_specimen: true,
            ..Options::default()
        }
    }

    /// Scores that are certain of each character of `lines`, except where `doubt` says the
    /// picture looked like something else (with the true character `gap` behind).
    fn scores(
        lines: &[&str],
        doubt: &[(usize, usize, u8, f32)],
    ) -> (Vec<Vec<u8>>, Vec<Vec<Scores>>) {
        let mut read: Vec<Vec<u8>> = lines.iter().map(|l| l.as_bytes().to_vec()).collect();
        let mut all = Vec::new();
        for (l, line) in lines.iter().enumerate() {
            let mut row = Vec::new();
            for (p, c) in line.bytes().enumerate() {
                let mut s = [0.2f32; 37];
                let k = ALPHABET.iter().position(|&a| a == c).unwrap();
                s[k] = 0.95;
                if let Some(&(_, _, seen, gap)) = doubt.iter().find(|d| d.0 == l && d.1 == p) {
                    let j = ALPHABET.iter().position(|&a| a == seen).unwrap();
                    s[j] = 0.95;
                    s[k] = 0.95 - gap;
                    read[l][p] = seen;
                }
                row.push(s);
            }
            all.push(row);
        }
        (read, all)
    }

    #[test]
    fn a_misread_the_check_digits_prove_is_corrected_and_said() {
        let (read, s) = scores(&ZONE, &[(1, 5, b'O', 0.03)]);
        let classes = classes(2, 44, false);
        let (lines, corrections) = correct(&read, &s, &classes, &options());
        assert_eq!(String::from_utf8(lines[1].clone()).unwrap(), ZONE[1]);
        assert_eq!(
            corrections,
            [Correction {
                line: 2,
                position: 6,
                read: 'O',
                corrected: '0',
                proven_by: vec![CheckKind::DocumentNumber, CheckKind::Composite],
            }]
        );
    }

    #[test]
    fn a_name_or_a_clear_picture_is_never_changed() {
        // A name has no check digit: the misread stays for the officer.
        let (read, s) = scores(&ZONE, &[(0, 6, b'F', 0.02)]);
        let (lines, corrections) = correct(&read, &s, &classes(2, 44, false), &options());
        assert_eq!(lines, read);
        assert!(corrections.is_empty());
        // A check digit clearly printed wrong is not mended into agreement.
        let mut forged = ZONE.map(str::to_string);
        forged[1].replace_range(9..10, "7");
        let forged: Vec<&str> = forged.iter().map(String::as_str).collect();
        let (read, s) = scores(&forged, &[]);
        let (lines, corrections) = correct(&read, &s, &classes(2, 44, false), &options());
        assert_eq!(lines, read);
        assert!(corrections.is_empty());
    }

    #[test]
    fn positions_hold_only_what_their_field_may() {
        let c = classes(2, 44, false);
        assert_eq!(c[1][13], Class::Digit);
        assert_eq!(c[1][20], Class::Sex);
        assert_eq!(c[1][0], Class::Any);
        assert_eq!(c[0][7], Class::Letter);
        let visa = classes(2, 44, true);
        assert_eq!(visa[1][43], Class::Any);
        let td1 = classes(3, 30, false);
        assert_eq!(td1[1][7], Class::Sex);
        assert_eq!(td1[2][0], Class::Letter);
        assert!(!Class::Digit.allows(b'O') && Class::Any.allows(b'O'));
    }
}
