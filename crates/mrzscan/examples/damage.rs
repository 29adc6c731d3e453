//! The share of specimen photos read exactly at each level of damage, by Tabara's reader and,
//! side by side on the same pictures, by Tesseract (Debian's `tesseract-ocr`, English model,
//! limited to the zone's characters), the general-purpose engine the issue named.
//!
//! `cargo run --release -p tabara-mrzscan --features specimen --example damage -- [--per-format N]`
//! (`bench/mrz-photo.sh` installs what it needs and runs it). A photo is read exactly when
//! every character of every line is the one printed.

use std::process::Command;
use std::time::Instant;

use tabara_mrz::{Date, Format, Options};
use tabara_mrzscan::specimen::{LEVELS, debian_font, photo, zone};

fn tesseract(bytes: &[u8], lines: usize, dir: &std::path::Path, n: usize) -> Option<Vec<String>> {
    let path = dir.join(format!("p{n}.img"));
    std::fs::write(&path, bytes).ok()?;
    let out = Command::new("tesseract")
        .arg(&path)
        .arg("stdout")
        .args(["--psm", "6", "-c"])
        .arg("tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let long: Vec<String> = text
        .lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .filter(|l| l.len() >= 20)
        .collect();
    (long.len() >= lines).then(|| long[long.len() - lines..].to_vec())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let per_format: u64 = args
        .iter()
        .position(|a| a == "--per-format")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let fonts = [
        ("regular", debian_font("OCRB.otf").expect("fonts-ocr-b")),
        ("sharp", debian_font("OCRBS.otf").expect("fonts-ocr-b")),
    ];
    let with_tesseract = Command::new("tesseract").arg("--version").output().is_ok();
    let dir = std::env::temp_dir().join(format!("tabara-mrz-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let options = Options {
        today: Date::new(2026, 12, 1).expect("a day"),
        ..Options::default()
    };
    println!(
        "photos per level: {} ({} formats × {per_format} zones × 2 cuts of OCR-B)",
        Format::ALL.len() as u64 * per_format * 2,
        Format::ALL.len()
    );
    println!(
        "{:<9} {:>7} {:>13} {:>13} {:>11} {:>12} {:>12}",
        "damage", "photos", "Tabara exact", "Tesseract", "ratio", "Tabara ms", "Tesseract ms"
    );
    let mut n = 0;
    for level in &LEVELS {
        let (mut ours, mut theirs, mut total) = (0u32, 0u32, 0u32);
        let (mut our_time, mut their_time) = (0.0f64, 0.0f64);
        for format in Format::ALL {
            for seed in 0..per_format {
                for (_, font) in &fonts {
                    n += 1;
                    let z = zone(format, seed * 7919 + n as u64);
                    let bytes = photo(&z, font, level, seed + 1000 * n as u64);
                    total += 1;
                    let t = Instant::now();
                    let read = tabara_mrzscan::read_photo(&bytes, &options);
                    our_time += t.elapsed().as_secs_f64();
                    if read.as_ref().is_ok_and(|s| s.lines == z) {
                        ours += 1;
                    }
                    if with_tesseract {
                        let t = Instant::now();
                        let got = tesseract(&bytes, z.len(), &dir, n);
                        their_time += t.elapsed().as_secs_f64();
                        if got.as_ref() == Some(&z) {
                            theirs += 1;
                        }
                    }
                }
            }
        }
        let share = |k: u32| 100.0 * k as f64 / total as f64;
        let ratio = if theirs == 0 {
            if ours == 0 {
                "—".to_string()
            } else {
                "∞ (0 read)".to_string()
            }
        } else {
            format!("{:.1}×", ours as f64 / theirs as f64)
        };
        println!(
            "{:<9} {:>7} {:>12.1}% {:>12} {:>11} {:>12.0} {:>12}",
            level.name,
            total,
            share(ours),
            if with_tesseract {
                format!("{:.1}%", share(theirs))
            } else {
                "not run".into()
            },
            if with_tesseract { ratio } else { "—".into() },
            1000.0 * our_time / total as f64,
            if with_tesseract {
                format!("{:.0}", 1000.0 * their_time / total as f64)
            } else {
                "—".into()
            },
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
