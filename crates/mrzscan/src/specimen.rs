//! Specimen photos for the tests and the benchmark: a document's data page with a photo, a
//! few printed lines and the zone at the bottom in OCR-B, then damaged as a phone camera at a
//! border post damages it (blur, skew, noise, uneven light, JPEG compression).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

use crate::glyphs::cap_height;
use crate::gray::Ink;

/// Where Debian's `fonts-ocr-b` puts its fonts.
pub const DEBIAN_FONTS: &str = "/usr/share/fonts/opentype/ocr-b";

/// A font of Debian's `fonts-ocr-b` by file name (`OCRB.otf` regular, `OCRBS.otf` sharp).
pub fn debian_font(file: &str) -> Result<Vec<u8>, String> {
    let path = format!("{DEBIAN_FONTS}/{file}");
    std::fs::read(&path).map_err(|e| {
        format!("{path}: {e} (install Debian's fonts-ocr-b: apt-get install fonts-ocr-b)")
    })
}

/// How much a photo is damaged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Damage {
    /// Its name in the benchmark's table.
    pub name: &'static str,
    /// Gaussian blur, standard deviation in pixels.
    pub blur: f32,
    /// The page turned by up to this many degrees (either way).
    pub skew_degrees: f32,
    /// Gaussian noise, standard deviation in ink (0 to 1).
    pub noise: f32,
    /// Light falling off across the page: the far side this much darker.
    pub shade: f32,
    /// Saved as JPEG at this quality, or PNG when `None`.
    pub jpeg_quality: Option<u8>,
}

/// The levels of damage of the tests and the benchmark, from none to more than a photo an
/// officer should accept.
pub const LEVELS: [Damage; 5] = [
    Damage {
        name: "clean",
        blur: 0.0,
        skew_degrees: 0.0,
        noise: 0.0,
        shade: 0.0,
        jpeg_quality: None,
    },
    Damage {
        name: "light",
        blur: 0.7,
        skew_degrees: 1.0,
        noise: 0.04,
        shade: 0.05,
        jpeg_quality: Some(90),
    },
    Damage {
        name: "moderate",
        blur: 1.2,
        skew_degrees: 2.5,
        noise: 0.08,
        shade: 0.10,
        jpeg_quality: Some(75),
    },
    Damage {
        name: "heavy",
        blur: 1.8,
        skew_degrees: 4.0,
        noise: 0.13,
        shade: 0.15,
        jpeg_quality: Some(60),
    },
    Damage {
        name: "severe",
        blur: 2.6,
        skew_degrees: 6.0,
        noise: 0.20,
        shade: 0.20,
        jpeg_quality: Some(45),
    },
];

/// A small deterministic generator (xorshift64*), so that a seed gives one photo.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// From a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// The next value in `0..1`.
    pub fn unit(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (v >> 40) as f32 / (1u64 << 24) as f32
    }
    /// A standard normal value.
    pub fn normal(&mut self) -> f32 {
        let (u, v) = (self.unit().max(1e-7), self.unit());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

/// Draw `text` with its first character's left edge at `x` and baseline at `y`.
fn text(ink: &mut Ink, font: &FontRef<'_>, size: f32, x: f32, y: f32, text: &str, strength: f32) {
    let scale = PxScale::from(size);
    let advance = font.as_scaled(scale).h_advance(font.glyph_id('0'));
    for (i, c) in text.chars().enumerate() {
        let glyph = font
            .glyph_id(c)
            .with_scale_and_position(scale, point(x + i as f32 * advance, y));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|gx, gy, v| {
                let (px, py) = (
                    gx as isize + b.min.x as isize,
                    gy as isize + b.min.y as isize,
                );
                if px >= 0 && py >= 0 && (px as usize) < ink.width && (py as usize) < ink.height {
                    let i = py as usize * ink.width + px as usize;
                    ink.px[i] = ink.px[i].max(v * strength);
                }
            });
        }
    }
}

/// A data page with `zone` at its bottom, its capitals `cap` pixels high, in `font`.
pub fn page(zone: &[String], font: &[u8], cap: f32) -> Ink {
    let font = FontRef::try_from_slice(font).expect("an OpenType font");
    let size = cap / (cap_height(&font, 100.0) / 100.0);
    let advance = font
        .as_scaled(PxScale::from(size))
        .h_advance(font.glyph_id('0'));
    let chars = zone.iter().map(|l| l.len()).max().unwrap_or(44);
    let margin = (cap * 2.0) as usize;
    let width = (chars as f32 * advance) as usize + 2 * margin;
    let line_step = cap * 1.9;
    let zone_height = (zone.len() as f32 * line_step) as usize;
    let height = (width as f32 * 0.68) as usize;
    let height = height.max(zone_height + 4 * margin);
    let mut ink = Ink::blank(width, height);
    // Paper with a faint security print.
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            let wave = ((fx * 0.05 + (fy * 0.03).sin() * 3.0).sin() * 0.5 + 0.5) * 0.06;
            ink.px[y * width + x] = 0.05 + wave;
        }
    }
    // The holder's photo.
    let photo_w = width / 4;
    let photo_h = (photo_w as f32 * 1.3) as usize;
    let photo_top = margin;
    for y in photo_top..(photo_top + photo_h).min(height) {
        for x in margin..(margin + photo_w).min(width) {
            let (dx, dy) = (
                (x - margin) as f32 / photo_w as f32 - 0.5,
                (y - photo_top) as f32 / photo_h as f32 - 0.4,
            );
            let face = if dx * dx + dy * dy < 0.08 { 0.35 } else { 0.6 };
            ink.px[y * width + x] = face + 0.1 * (dy * 6.0).sin();
        }
    }
    // The visual zone: labels and values, smaller than the zone.
    let left = (margin + photo_w + margin) as f32;
    let small = size * 0.6;
    let labels = [
        ("SURNAME / NOM", "ERIKSSON"),
        ("GIVEN NAMES / PRENOMS", "ANNA MARIA"),
        ("NATIONALITY", "UTOPIAN"),
        ("DATE OF BIRTH", "12 AUG 1974"),
    ];
    let mut y = margin as f32 + small;
    for (label, value) in labels {
        text(&mut ink, &font, small * 0.8, left, y, label, 0.7);
        y += small * 1.1;
        text(&mut ink, &font, small, left, y, value, 0.95);
        y += small * 1.5;
    }
    // The zone.
    let zone_top = height as f32 - margin as f32 - zone.len() as f32 * line_step;
    for (i, line) in zone.iter().enumerate() {
        let baseline = zone_top + cap + i as f32 * line_step;
        text(&mut ink, &font, size, margin as f32, baseline, line, 0.92);
    }
    ink
}

/// `page` damaged by `damage`, the skew's direction and the noise from `seed`.
pub fn damaged(page: &Ink, damage: &Damage, seed: u64) -> Ink {
    let mut rng = Rng::new(seed);
    let turn = damage.skew_degrees * if rng.unit() < 0.5 { -1.0 } else { 1.0 };
    let mut ink = if turn != 0.0 {
        page.rotated(turn)
    } else {
        page.clone()
    };
    ink = ink.blurred(damage.blur);
    let w = ink.width as f32;
    for y in 0..ink.height {
        for x in 0..ink.width {
            let i = y * ink.width + x;
            let shade = damage.shade * x as f32 / w;
            let noise = damage.noise * rng.normal();
            ink.px[i] = (ink.px[i] + shade + noise).clamp(0.0, 1.0);
        }
    }
    ink
}

/// The picture's file: PNG, or JPEG at `quality`.
pub fn encode(ink: &Ink, quality: Option<u8>) -> Vec<u8> {
    let luma = ink.to_luma();
    let picture =
        image::GrayImage::from_raw(ink.width as u32, ink.height as u32, luma).expect("sizes agree");
    let mut out = Vec::new();
    match quality {
        None => picture
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("PNG in memory"),
        Some(q) => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q);
            picture.write_with_encoder(encoder).expect("JPEG in memory");
        }
    }
    out
}

/// A photo of the page of `zone` at `damage`: the file's bytes.
pub fn photo(zone: &[String], font: &[u8], damage: &Damage, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed ^ 0x5eed);
    let cap = 18.0 + rng.unit() * 12.0;
    let page = page(zone, font, cap);
    encode(&damaged(&page, damage, seed), damage.jpeg_quality)
}

/// A valid zone of `format` made up from `seed`: names from a list of the region's, a
/// number with letters and digits, dates in range, an ICAO state.
pub fn zone(format: tabara_mrz::Format, seed: u64) -> Vec<String> {
    use tabara_mrz::{Document, Format, Sex, compose};
    const SURNAMES: &[&str] = &[
        "NDAYISHIMIYE",
        "HAKIZIMANA",
        "NIYONZIMA",
        "MUGISHA",
        "IRAKOZE",
        "NSHIMIRIMANA",
        "BIZIMANA",
        "NIYONKURU",
        "NDIKUMANA",
        "UWIMANA",
        "KWIZERA",
        "NKURUNZIZA",
    ];
    const GIVEN: &[&str] = &[
        "JEAN CLAUDE",
        "ALINE",
        "DIEUDONNE",
        "ESPERANCE",
        "ERIC",
        "CLAUDINE",
        "PACIFIQUE",
        "GRACE",
        "INNOCENT",
        "ANGE MARIE",
        "FABRICE",
        "JOSEPHINE",
    ];
    const STATES: &[&str] = &["BDI", "RWA", "TZA", "COD", "UGA", "KEN", "BEL", "FRA"];
    let mut rng = Rng::new(seed);
    let mut pick = |n: usize| (rng.unit() * n as f32) as usize % n;
    let surname = SURNAMES[pick(SURNAMES.len())];
    let given = GIVEN[pick(GIVEN.len())];
    let state = STATES[pick(STATES.len())];
    let nationality = STATES[pick(STATES.len())];
    let alnum = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let number: String = (0..9)
        .map(|i| {
            if i < 2 {
                alnum[pick(26)] as char
            } else {
                alnum[26 + pick(10)] as char
            }
        })
        .collect();
    let birth = format!("{:02}{:02}{:02}", 60 + pick(40), 1 + pick(12), 1 + pick(28));
    let expiry = format!("{:02}{:02}{:02}", 27 + pick(8), 1 + pick(12), 1 + pick(28));
    let sex = [Sex::Male, Sex::Female][pick(2)];
    let code = match format {
        Format::Td3 => "P",
        Format::MrvA | Format::MrvB => "V",
        Format::Td1 | Format::Td2 => "I",
    };
    let optional: String = (0..[7, 5, 6][pick(3)])
        .map(|_| alnum[26 + pick(10)] as char)
        .collect();
    compose(&Document {
        format,
        document_code: code.to_string(),
        issuing_state: state.to_string(),
        primary_identifier: surname.to_string(),
        secondary_identifier: given.to_string(),
        document_number: number,
        nationality: nationality.to_string(),
        birth_date: birth,
        sex,
        expiry_date: expiry,
        optional_data_1: optional,
        optional_data_2: String::new(),
    })
    .expect("a specimen zone composes")
}
