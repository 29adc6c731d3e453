//! Specimen photos in both of Debian's cuts of OCR-B (`fonts-ocr-b`), read back.

use tabara_mrz::{Date, Format, Options};
use tabara_mrzscan::specimen::{LEVELS, debian_font, encode, page, photo, zone};
use tabara_mrzscan::{ScanError, read_photo};

fn options() -> Options {
    Options {
        today: Date::new(2026, 12, 1).unwrap(),
        ..Options::default()
    }
}

fn fonts() -> [Vec<u8>; 2] {
    [
        debian_font("OCRB.otf").expect("Debian's fonts-ocr-b"),
        debian_font("OCRBS.otf").expect("Debian's fonts-ocr-b"),
    ]
}

#[test]
fn every_format_reads_back_from_a_clean_and_a_lightly_damaged_photo() {
    for font in &fonts() {
        for format in Format::ALL {
            for (level, seed) in [(&LEVELS[0], 1u64), (&LEVELS[1], 2)] {
                let z = zone(format, seed);
                let scan = read_photo(&photo(&z, font, level, seed), &options())
                    .unwrap_or_else(|e| panic!("{format} {}: {e}", level.name));
                assert_eq!(scan.lines, z, "{format} {}", level.name);
                let m = tabara_mrz::parse_with(&scan.text(), &options()).unwrap();
                assert!(m.is_valid(), "{format}: {:?}", m.problems);
            }
        }
    }
}

#[test]
fn blur_skew_noise_and_compression_are_read_through() {
    let font = &fonts()[0];
    for (level, format, seed) in [
        (&LEVELS[2], Format::Td3, 11u64),
        (&LEVELS[3], Format::Td1, 12),
        (&LEVELS[3], Format::MrvB, 13),
    ] {
        let z = zone(format, seed);
        let scan = read_photo(&photo(&z, font, level, seed), &options()).unwrap();
        assert_eq!(scan.lines, z, "{format} {}", level.name);
        assert!(
            scan.skew_degrees.abs() >= level.skew_degrees - 0.3,
            "{}",
            scan.skew_degrees
        );
    }
}

#[test]
fn a_forged_check_digit_is_read_as_printed_never_mended() {
    let font = &fonts()[0];
    let mut z = zone(Format::Td3, 21);
    // The number's check digit, one more than it should be.
    let mut line: Vec<u8> = z[1].clone().into_bytes();
    line[9] = b'0' + (line[9] - b'0' + 1) % 10;
    z[1] = String::from_utf8(line).unwrap();
    let scan = read_photo(&photo(&z, font, &LEVELS[1], 21), &options()).unwrap();
    assert_eq!(scan.lines, z);
    assert!(scan.corrections.is_empty());
    let m = tabara_mrz::parse_with(&scan.text(), &options()).unwrap();
    assert!(!m.is_valid());
}

#[test]
fn a_page_without_a_zone_and_a_file_that_is_no_picture_are_refused() {
    let font = &fonts()[0];
    let blank = page(&[], font, 24.0);
    assert_eq!(
        read_photo(&encode(&blank, None), &options()),
        Err(ScanError::NoZone)
    );
    let e = read_photo(b"%PDF-1.7 not a photo", &options()).unwrap_err();
    assert_eq!(e.name(), "not-a-picture");
    assert!(e.to_string().contains("JPEG or PNG"));
}
