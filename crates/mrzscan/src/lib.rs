//! Reads the machine-readable zone of a travel document from a photo of its page.
//!
//! A zone is printed in one typeface (OCR-B) at a fixed character step, with 37 characters,
//! and every position of each format may hold only some of them (digits in a date, letters in
//! a state). So the reader does not guess at text in general; it:
//!
//! 1. finds the page's skew (the turn that makes its rows of ink most distinct) and levels it;
//! 2. finds the bands of text, and the bottom-most group of two or three long ones of one
//!    height and one left edge: the zone, 30, 36 or 44 characters a line by its proportions;
//! 3. lays the character cells over each line (the step and left edge whose cell boundaries
//!    cross the least ink);
//! 4. compares each cell with the 37 characters rendered from the OCR-B font the crate
//!    carries (normalised cross-correlation, the cell searched a little around where it
//!    should be), keeping for each position the best character its format allows;
//! 5. corrects a character only where the check digits prove it: the cell's runner-up is
//!    taken when it makes a failing check digit agree, breaks no other rule, and is the only
//!    such change for that check digit. Names have no check digit: what is read there is
//!    what the officer sees, with the cells the reader was least sure of marked.
//!
//! What it returns is for an officer to confirm or correct: [`Scan::text`] goes to
//! [`tabara_mrz::parse_with`] like a typed zone.
//!
//! ```no_run
//! let photo = std::fs::read("passport.jpg").unwrap();
//! match tabara_mrzscan::read_photo(&photo, &tabara_mrz::Options::default()) {
//!     Ok(scan) => {
//!         println!("{}", scan.text());
//!         for c in &scan.corrections {
//!             println!("line {} position {}: {} read as {}", c.line, c.position, c.corrected, c.read);
//!         }
//!     }
//!     Err(e) => eprintln!("{e}"),
//! }
//! ```

mod glyphs;
mod gray;
mod locate;
mod read;
#[cfg(feature = "specimen")]
pub mod specimen;

use std::fmt;

pub use glyphs::ALPHABET;
pub use gray::Ink;
pub use read::Correction;
use tabara_mrz::Options;

/// The widest picture read as it is; a wider one is scaled down to this first.
pub const MAX_WIDTH: usize = 1800;

/// The most pixels a photo may have (a 40-megapixel phone photo is the largest expected).
pub const MAX_PIXELS: u64 = 50_000_000;

/// A zone read from a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// The lines as the pictures of their characters read, before any correction.
    pub read: Vec<String>,
    /// The lines after the corrections the check digits prove.
    pub lines: Vec<String>,
    /// Those corrections.
    pub corrections: Vec<Correction>,
    /// The cells the reader was least sure of (line and position from 1), for the officer
    /// to look at: the picture looked almost as much like another character.
    pub uncertain: Vec<(usize, usize)>,
    /// The skew of the page that was levelled, in degrees.
    pub skew_degrees: f32,
}

impl Scan {
    /// The corrected lines joined by line breaks.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// Why nothing was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// The file is no JPEG or PNG picture, or is damaged.
    NotAPicture(String),
    /// The picture has more than [`MAX_PIXELS`] pixels.
    TooLarge {
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
    },
    /// No zone found: no group of two or three long lines of characters.
    NoZone,
}

impl ScanError {
    /// A stable name: `not-a-picture`, `too-large`, `no-zone`.
    pub fn name(&self) -> &'static str {
        match self {
            ScanError::NotAPicture(_) => "not-a-picture",
            ScanError::TooLarge { .. } => "too-large",
            ScanError::NoZone => "no-zone",
        }
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::NotAPicture(e) => write!(f, "not a JPEG or PNG picture: {e}"),
            ScanError::TooLarge { width, height } => {
                write!(f, "the picture is too large ({width} × {height} pixels)")
            }
            ScanError::NoZone => f.write_str(
                "no machine-readable zone found: no two or three long lines of characters",
            ),
        }
    }
}

impl std::error::Error for ScanError {}

/// Decode a JPEG or PNG picture to ink.
pub fn decode(bytes: &[u8]) -> Result<Ink, ScanError> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScanError::NotAPicture(e.to_string()))?;
    match reader.format() {
        Some(image::ImageFormat::Png | image::ImageFormat::Jpeg) => {}
        _ => {
            return Err(ScanError::NotAPicture("neither JPEG nor PNG".to_string()));
        }
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| ScanError::NotAPicture(e.to_string()))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ScanError::TooLarge {
            width: w,
            height: h,
        });
    }
    let picture = image::load_from_memory(bytes)
        .map_err(|e| ScanError::NotAPicture(e.to_string()))?
        .to_luma8();
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    Ok(Ink::from_luma(w, h, picture.as_raw()))
}

/// Read the zone from the bytes of a JPEG or PNG photo.
pub fn read_photo(bytes: &[u8], options: &Options) -> Result<Scan, ScanError> {
    read_ink(&decode(bytes)?, options)
}

/// Read the zone from a picture as ink.
pub fn read_ink(ink: &Ink, options: &Options) -> Result<Scan, ScanError> {
    let ink = if ink.width > MAX_WIDTH {
        ink.scaled(MAX_WIDTH as f32 / ink.width as f32)
    } else {
        ink.clone()
    };
    let smooth = ink.blurred(1.2);
    let threshold = smooth.otsu();
    let skew = locate::skew(&smooth, threshold);
    let (ink, smooth) = if skew.abs() >= 0.1 {
        (ink.rotated(skew), smooth.rotated(skew))
    } else {
        (ink, smooth)
    };
    let g = glyphs::glyphs();
    // Of the shapes the lines may have, the one whose cells look most like characters.
    let mut found: Option<(f32, Vec<Vec<read::Scores>>)> = None;
    for (lines, width) in locate::zones(&smooth, threshold, g.pitch_per_cap) {
        let scores: Vec<Vec<read::Scores>> = lines
            .iter()
            .map(|l| read::score_line(&ink, l, width))
            .collect();
        let cells = (lines.len() * width) as f32;
        let likeness = scores
            .iter()
            .flatten()
            .map(|s| s.iter().copied().fold(f32::MIN, f32::max))
            .sum::<f32>()
            / cells;
        if found.as_ref().is_none_or(|f| likeness > f.0) {
            found = Some((likeness, scores));
        }
    }
    let (_, scores) = found.ok_or(ScanError::NoZone)?;
    let width = scores[0].len();
    let first = read::best(&scores[0][0], read::Class::Letter).0;
    let classes = read::classes(scores.len(), width, first == b'V');
    let mut uncertain = Vec::new();
    let read: Vec<Vec<u8>> = scores
        .iter()
        .enumerate()
        .map(|(l, line)| {
            line.iter()
                .enumerate()
                .map(|(p, s)| {
                    let (c, score) = read::best(s, classes[l][p]);
                    let mut rest = *s;
                    if let Some(k) = ALPHABET.iter().position(|&a| a == c) {
                        rest[k] = f32::MIN;
                    }
                    let runner = read::best(&rest, classes[l][p]).1;
                    if score - runner < 0.05 || score < 0.5 {
                        uncertain.push((l + 1, p + 1));
                    }
                    c
                })
                .collect()
        })
        .collect();
    let (corrected, corrections) = read::correct(&read, &scores, &classes, options);
    let text = |v: &[Vec<u8>]| -> Vec<String> {
        v.iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect()
    };
    Ok(Scan {
        read: text(&read),
        lines: text(&corrected),
        corrections,
        uncertain,
        skew_degrees: skew,
    })
}
