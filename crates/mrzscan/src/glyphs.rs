//! The 37 characters of a zone as templates, rendered once from the OCR-B font the crate
//! carries (`font/OCRB.otf`, public domain), each in its character cell: the width of one
//! character step and the height of a capital with a margin above and below.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use crate::gray::Ink;

/// The font the templates come from.
pub(crate) const OCR_B: &[u8] = include_bytes!("../font/OCRB.otf");

/// The characters of a zone, in template order.
pub const ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

/// Grid of a character cell: columns.
pub(crate) const GW: usize = 18;
/// Grid of a character cell: rows.
pub(crate) const GH: usize = 26;
/// The margin above the capitals and below the baseline, as a share of the capital height.
pub(crate) const MARGIN: f32 = 0.18;

/// The blurs the templates are made at, in grid steps: a photo is matched against the set
/// closest to its own sharpness.
pub(crate) const BLURS: [f32; 5] = [0.0, 0.6, 1.0, 1.5, 2.1];

/// The templates and the font's proportions.
pub(crate) struct Glyphs {
    /// Per blur of [`BLURS`], per character of [`ALPHABET`]: the cell's ink on the grid, zero
    /// mean, unit norm.
    pub(crate) templates: Vec<Vec<Vec<f32>>>,
    /// One character step over the capital height.
    pub(crate) pitch_per_cap: f32,
}

/// Sample the region `(x0, y0)–(x1, y1)` of `ink` on a `gw × gh` grid, 3 × 3 samples a cell.
pub(crate) fn grid(
    ink: &Ink,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    gw: usize,
    gh: usize,
) -> Vec<f32> {
    let (cw, ch) = ((x1 - x0) / gw as f32, (y1 - y0) / gh as f32);
    let mut out = Vec::with_capacity(gw * gh);
    for gy in 0..gh {
        for gx in 0..gw {
            let mut v = 0.0;
            for sy in 0..3 {
                for sx in 0..3 {
                    let x = x0 + (gx as f32 + (sx as f32 + 0.5) / 3.0) * cw - 0.5;
                    let y = y0 + (gy as f32 + (sy as f32 + 0.5) / 3.0) * ch - 0.5;
                    v += ink.sample(x, y);
                }
            }
            out.push(v / 9.0);
        }
    }
    out
}

/// `v` with zero mean and unit norm (all zero when flat).
pub(crate) fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    v.iter_mut().for_each(|x| *x -= mean);
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-6 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// One character drawn from `font` at `size` pixels in an image of its cell width and the
/// font's full height, with the cell's top and bottom rows (capital top minus margin,
/// baseline plus margin).
pub fn draw_char(font: &FontRef<'_>, c: char, size: f32) -> (Ink, f32, f32) {
    let scale = PxScale::from(size);
    let scaled = font.as_scaled(scale);
    let cap = cap_height(font, size);
    let ascent = scaled.ascent();
    let advance = scaled.h_advance(font.glyph_id(c));
    let height = (ascent - scaled.descent()).ceil() as usize + 2;
    let mut ink = Ink::blank(advance.ceil() as usize + 2, height);
    let glyph = font
        .glyph_id(c)
        .with_scale_and_position(scale, point(1.0, ascent + 1.0));
    if let Some(outline) = font.outline_glyph(glyph) {
        let b = outline.px_bounds();
        outline.draw(|x, y, v| {
            let (x, y) = (x as isize + b.min.x as isize, y as isize + b.min.y as isize);
            if x >= 0 && y >= 0 && (x as usize) < ink.width && (y as usize) < ink.height {
                let i = y as usize * ink.width + x as usize;
                ink.px[i] = (ink.px[i] + v).min(1.0);
            }
        });
    }
    let baseline = ascent + 1.0;
    (
        ink,
        baseline - cap * (1.0 + MARGIN),
        baseline + cap * MARGIN,
    )
}

/// The height of the capital `H` at `size` pixels.
pub fn cap_height(font: &FontRef<'_>, size: f32) -> f32 {
    let glyph = font
        .glyph_id('H')
        .with_scale_and_position(PxScale::from(size), point(0.0, 0.0));
    font.outline_glyph(glyph)
        .map(|o| o.px_bounds().height())
        .unwrap_or(size * 0.7)
}

/// The templates, rendered on first use.
pub(crate) fn glyphs() -> &'static Glyphs {
    static GLYPHS: OnceLock<Glyphs> = OnceLock::new();
    GLYPHS.get_or_init(|| {
        let font = FontRef::try_from_slice(OCR_B).expect("the OCR-B font the crate carries");
        let size = 120.0;
        let cap = cap_height(&font, size);
        let scaled = font.as_scaled(PxScale::from(size));
        let advance = scaled.h_advance(font.glyph_id('0'));
        let cells: Vec<Ink> = ALPHABET
            .iter()
            .map(|&c| {
                let (ink, top, bottom) = draw_char(&font, c as char, size);
                Ink {
                    width: GW,
                    height: GH,
                    px: grid(&ink, 1.0, top, 1.0 + advance, bottom, GW, GH),
                }
            })
            .collect();
        let templates = BLURS
            .iter()
            .map(|&b| cells.iter().map(|c| normalised(c.blurred(b).px)).collect())
            .collect();
        Glyphs {
            templates,
            pitch_per_cap: advance / cap,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_has_its_own_template() {
        let g = glyphs();
        assert_eq!(g.templates.len(), BLURS.len());
        assert_eq!(g.templates[0].len(), 37);
        assert!(
            g.pitch_per_cap > 0.6 && g.pitch_per_cap < 1.2,
            "{}",
            g.pitch_per_cap
        );
        for (i, a) in g.templates[0].iter().enumerate() {
            assert!(
                a.iter().any(|v| v.abs() > 0.01),
                "{} is blank",
                ALPHABET[i] as char
            );
            for (j, b) in g.templates[0].iter().enumerate().skip(i + 1) {
                let ncc: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
                assert!(
                    ncc < 0.97,
                    "{} and {} look alike ({ncc})",
                    ALPHABET[i] as char,
                    ALPHABET[j] as char
                );
            }
        }
    }
}
