//! Properties over generated zones of every format: a valid zone reads back to its fields;
//! changing any one character is detected or changes what is read; no input panics.

use proptest::prelude::*;
use tabara_mrz::{CheckKind, Date, Document, Format, Options, Sex, compose, parse_with};

fn options() -> Options {
    Options {
        today: Date::new(2026, 12, 1).unwrap(),
        allow_specimen: true,
        ..Options::default()
    }
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Z]{1,6}", 1..=2).prop_map(|w| w.join(" "))
}

fn yymmdd() -> impl Strategy<Value = String> {
    (0u8..100, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| format!("{y:02}{m:02}{d:02}"))
}

fn state() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "BDI", "RWA", "TZA", "COD", "UGA", "KEN", "D", "XXA", "UTO",
    ])
    .prop_map(String::from)
}

fn document() -> impl Strategy<Value = Document> {
    let format = prop::sample::select(Format::ALL.to_vec());
    (format, any::<bool>()).prop_flat_map(|(format, long)| {
        let long = long && matches!(format, Format::Td1 | Format::Td2);
        let code = match format {
            Format::Td3 => prop::sample::select(vec!["P", "PP", "PD"]),
            Format::MrvA | Format::MrvB => prop::sample::select(vec!["V", "VB"]),
            Format::Td1 | Format::Td2 => prop::sample::select(vec!["I", "ID", "AC", "C"]),
        };
        let number = if long {
            "[A-Z0-9]{10,12}".boxed()
        } else {
            "[A-Z0-9]{1,9}".boxed()
        };
        let room = match format {
            Format::Td3 => 14,
            Format::Td1 => 15,
            Format::Td2 => 7,
            Format::MrvA => 16,
            Format::MrvB => 8,
        };
        // A long number's continuation, its digit and a filler take their room first.
        let opt1_room = if long { room - 5 } else { room };
        let opt2 = if format == Format::Td1 {
            "[A-Z0-9]{0,11}".boxed()
        } else {
            Just(String::new()).boxed()
        };
        let sex = prop::sample::select(vec![Sex::Male, Sex::Female, Sex::Unspecified]);
        (
            code,
            state(),
            words(),
            words(),
            number,
            state(),
            yymmdd(),
            sex,
            yymmdd(),
            prop::string::string_regex(&format!("[A-Z0-9]{{0,{opt1_room}}}")).unwrap(),
            opt2,
        )
            .prop_map(
                move |(
                    code,
                    issuing,
                    primary,
                    secondary,
                    number,
                    nat,
                    birth,
                    sex,
                    expiry,
                    o1,
                    o2,
                )| {
                    Document {
                        format,
                        document_code: code.to_string(),
                        issuing_state: issuing,
                        primary_identifier: primary,
                        secondary_identifier: secondary,
                        document_number: number,
                        nationality: nat,
                        birth_date: birth,
                        sex,
                        expiry_date: expiry,
                        optional_data_1: o1,
                        optional_data_2: o2,
                    }
                },
            )
    })
}

/// The personal number's check digit of an empty TD3 personal number: `<` and `0` alike.
fn is_empty_personal_digit(format: Format, line: usize, pos: usize, lines: &[String]) -> bool {
    format == Format::Td3 && line == 1 && pos == 42 && lines[1][28..42].chars().all(|c| c == '<')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_composed_zone_reads_back_to_its_fields(d in document()) {
        let lines = compose(&d).unwrap();
        prop_assert_eq!(lines.len(), d.format.lines());
        prop_assert!(lines.iter().all(|l| l.len() == d.format.width()));
        let m = parse_with(&lines.join("\n"), &options()).unwrap();
        prop_assert!(m.is_valid(), "{:?}\n{}", m.problems, lines.join("\n"));
        prop_assert_eq!(m.format, d.format);
        let f = &m.fields;
        prop_assert_eq!(&f.document_code, &d.document_code);
        prop_assert_eq!(&f.issuing_state, &d.issuing_state);
        prop_assert_eq!(&f.primary_identifier, &d.primary_identifier);
        prop_assert_eq!(&f.secondary_identifier, &d.secondary_identifier);
        prop_assert_eq!(&f.document_number, &d.document_number);
        prop_assert_eq!(&f.nationality, &d.nationality);
        prop_assert_eq!(&f.birth_date.raw, &d.birth_date);
        prop_assert!(f.birth_date.date.is_some());
        prop_assert_eq!(f.sex, d.sex);
        prop_assert_eq!(&f.expiry_date.raw, &d.expiry_date);
        prop_assert!(f.expiry_date.date.is_some());
        prop_assert_eq!(&f.optional_data_1, &d.optional_data_1);
        prop_assert_eq!(&f.optional_data_2, &d.optional_data_2);
        prop_assert!(m.checks.iter().all(|c| c.ok));
    }

    #[test]
    fn any_one_character_changed_is_detected_or_changes_what_is_read(
        d in document(),
        at in any::<prop::sample::Index>(),
        to in prop::sample::select(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<".chars().collect::<Vec<_>>()
        ),
    ) {
        let lines = compose(&d).unwrap();
        let before = parse_with(&lines.join("\n"), &options()).unwrap();
        let width = d.format.width();
        let i = at.index(lines.len() * width);
        let (line, pos) = (i / width, i % width);
        let mut changed: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
        prop_assume!(changed[line][pos] != to);
        changed[line][pos] = to;
        let text: Vec<String> = changed.iter().map(|l| l.iter().collect()).collect();
        let after = match parse_with(&text.join("\n"), &options()) {
            Ok(m) => m,
            // The document code's first letter can turn a TD3 into a visa's shape and back:
            // still a zone, never an error of shape.
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let detected = !after.is_valid();
        let read_differently = after.fields != before.fields
            || after.format != before.format
            || after.warnings != before.warnings;
        prop_assert!(
            detected || read_differently || is_empty_personal_digit(d.format, line, pos, &lines),
            "{} -> {}", lines.join("\n"), text.join("\n")
        );
        if detected {
            // Every problem points into the zone.
            for p in &after.problems {
                prop_assert!(p.line >= 1 && p.line <= lines.len());
                prop_assert!(p.position >= 1 && p.position <= width);
            }
        }
    }

    /// The weights 7, 3, 1 are prime to 10: one digit replaced by another in a number or a
    /// date always changes its check digit.
    #[test]
    fn a_digit_changed_in_a_checked_field_is_always_detected(
        d in document(),
        at in any::<prop::sample::Index>(),
        by in 1u32..10,
    ) {
        let lines = compose(&d).unwrap();
        let checked: Vec<(usize, usize)> = match d.format {
            Format::Td1 => (5..14).map(|p| (0, p)).chain((0..6).chain(8..14).map(|p| (1, p))).collect(),
            _ => (0..9).chain(13..19).chain(21..27).map(|p| (1, p)).collect(),
        };
        let (line, pos) = checked[at.index(checked.len())];
        let mut changed: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
        let Some(v) = changed[line][pos].to_digit(10) else {
            return Ok(());
        };
        changed[line][pos] = char::from_digit((v + by) % 10, 10).unwrap();
        let text: Vec<String> = changed.iter().map(|l| l.iter().collect()).collect();
        let after = parse_with(&text.join("\n"), &options()).unwrap();
        let kinds: Vec<CheckKind> = after.checks.iter().filter(|c| !c.ok).map(|c| c.kind).collect();
        prop_assert!(!kinds.is_empty(), "{}", text.join("\n"));
    }

    #[test]
    fn no_input_panics(s in ".{0,200}") {
        let _ = parse_with(&s, &options());
    }

    #[test]
    fn no_zone_shaped_input_panics(
        lines in prop::sample::select(vec![(3usize, 30usize), (2, 36), (2, 44)])
            .prop_flat_map(|(n, w)| prop::collection::vec(
                prop::collection::vec(
                    prop::sample::select(
                        "AZPVIC019<<<<?«é ak".chars().collect::<Vec<_>>()
                    ),
                    w,
                ),
                n,
            ))
    ) {
        let text: Vec<String> = lines.iter().map(|l| l.iter().collect()).collect();
        if let Ok(m) = parse_with(&text.join("\n"), &options()) {
            for p in &m.problems {
                prop_assert!(p.line >= 1 && p.position >= 1);
            }
        }
    }
}
