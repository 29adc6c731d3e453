//! Every vector of `data/vectors.tsv` (sources in its header): its verdict, its fields, and
//! the composite examples of Doc 9303 Part 3.

use tabara_mrz::{CheckKind, Date, Format, Options, Rule, WarningKind, check_digit, parse_with};

fn options() -> Options {
    Options {
        today: Date::new(2026, 12, 1).unwrap(),
        allow_specimen: true,
        ..Options::default()
    }
}

fn format(name: &str) -> Format {
    Format::ALL
        .into_iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| panic!("format {name}"))
}

fn rule(name: &str) -> Rule {
    match name {
        "DocumentCode" => Rule::DocumentCode,
        "CheckDigit(ExpiryDate)" => Rule::CheckDigit(CheckKind::ExpiryDate),
        "CheckDigit(Composite)" => Rule::CheckDigit(CheckKind::Composite),
        "CheckDigit(DocumentNumber)" => Rule::CheckDigit(CheckKind::DocumentNumber),
        other => panic!("rule {other}"),
    }
}

fn date(s: &str) -> Option<Date> {
    let p: Vec<u16> = s.split('-').map(|x| x.parse().unwrap()).collect();
    Date::new(p[0], p[1] as u8, p[2] as u8)
}

#[test]
fn every_golden_vector() {
    let data = include_str!("data/vectors.tsv");
    let mut seen = 0;
    for row in data
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let c: Vec<&str> = row.split('\t').collect();
        assert_eq!(c.len(), 10, "{row}");
        let zone = c[9].replace(" / ", "\n");
        let mrz = parse_with(&zone, &options()).unwrap_or_else(|e| panic!("{e}: {row}"));
        assert_eq!(mrz.format, format(c[0]), "{row}");
        assert!(
            mrz.warnings
                .iter()
                .all(|w| w.kind != WarningKind::Normalised),
            "{row}"
        );
        if c[1] == "valid" {
            assert!(mrz.is_valid(), "{:?}: {row}", mrz.problems);
            assert!(mrz.checks.iter().all(|k| k.ok));
            assert!(mrz.suggestions.is_empty());
            let f = &mrz.fields;
            assert_eq!(f.document_number, c[2], "{row}");
            assert_eq!(f.birth_date.date, date(c[3]), "{row}");
            assert_eq!(f.expiry_date.date, date(c[4]), "{row}");
            assert_eq!(f.primary_identifier, c[5], "{row}");
            assert_eq!(f.secondary_identifier, c[6], "{row}");
            assert_eq!(f.nationality, c[7], "{row}");
            let checks = match mrz.format {
                Format::Td3 => 5,
                Format::Td1 | Format::Td2 => 4,
                Format::MrvA | Format::MrvB => 3,
            };
            assert_eq!(mrz.checks.len(), checks, "{row}");
        } else {
            let (r, place) = c[1].split_once('@').unwrap();
            let (line, pos) = place.split_once(':').unwrap();
            let first = mrz
                .problems
                .first()
                .unwrap_or_else(|| panic!("valid: {row}"));
            assert_eq!(
                (first.rule, first.line, first.position),
                (rule(r), line.parse().unwrap(), pos.parse().unwrap()),
                "{:?}: {row}",
                mrz.problems
            );
        }
        seen += 1;
    }
    assert_eq!(seen, 29);
}

#[test]
fn the_specimen_passport_field_by_field() {
    let mrz = parse_with(
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
        &options(),
    )
    .unwrap();
    let f = &mrz.fields;
    assert_eq!(f.document_code, "P");
    assert_eq!(f.issuing_state, "UTO");
    assert_eq!(f.sex, tabara_mrz::Sex::Female);
    assert_eq!(f.optional_data_1, "ZE184226B");
    let digits: Vec<(CheckKind, usize, Option<char>, char)> = mrz
        .checks
        .iter()
        .map(|k| (k.kind, k.position, k.expected, k.found))
        .collect();
    assert_eq!(
        digits,
        [
            (CheckKind::DocumentNumber, 10, Some('6'), '6'),
            (CheckKind::BirthDate, 20, Some('2'), '2'),
            (CheckKind::ExpiryDate, 28, Some('9'), '9'),
            (CheckKind::PersonalNumber, 43, Some('1'), '1'),
            (CheckKind::Composite, 44, Some('0'), '0'),
        ]
    );
    let kinds: Vec<WarningKind> = mrz.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::Specimen) && kinds.contains(&WarningKind::Expired));
}

#[test]
fn the_composite_examples_of_part_3() {
    // Example 3 (TD3 line 2, positions 1–10, 14–20, 22–43) and example 5 (TD2): 8.
    let l2 = "HA672242<6YTO5802254M9601086<<<<<<<<<<<<<<0";
    let data = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]);
    assert_eq!(data, "HA672242<658022549601086<<<<<<<<<<<<<<0");
    assert_eq!(check_digit(&data), Some(8));
    let l2 = "HA672242<6YTO5802254M9601086<<<<<<<";
    assert_eq!(
        check_digit(&format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..35])),
        Some(8)
    );
    // Example 4 (TD1): upper line from position 6, lower line 1–7, 9–15, 19–29: 2.
    let (l1, l2) = (
        "I<YTOD231458907<<<<<<<<<<<<<<<",
        "3407127M9507122YTO<<<<<<<<<<<",
    );
    let data = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
    assert_eq!(check_digit(&data), Some(2));
    // The worked examples of §4.9.
    assert_eq!(check_digit("520727"), Some(3));
    assert_eq!(check_digit("AB2134<<<"), Some(5));
}

#[test]
fn a_long_number_checked_with_its_filler_is_named() {
    let zone = "I<UTOD23145890<1240<XYZ<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<8\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    let mrz = parse_with(zone, &options()).unwrap();
    let number = &mrz.checks[0];
    assert_eq!(
        (
            number.kind,
            number.line,
            number.position,
            number.expected,
            number.found
        ),
        (CheckKind::DocumentNumber, 1, 19, Some('4'), '0')
    );
    assert!(
        mrz.warnings
            .iter()
            .any(|w| w.kind == WarningKind::FillerIncludedCheckDigit)
    );
    assert_eq!(mrz.fields.document_number, "D23145890124");
    assert_eq!(mrz.fields.optional_data_1, "XYZ");
}

#[test]
fn the_specimen_state_is_refused_outside_training() {
    let zone = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
    let strict = Options {
        allow_specimen: false,
        ..options()
    };
    let mrz = parse_with(zone, &strict).unwrap();
    let rules: Vec<(Rule, usize, usize)> = mrz
        .problems
        .iter()
        .map(|p| (p.rule, p.line, p.position))
        .collect();
    assert_eq!(
        rules,
        [(Rule::IssuingState, 1, 3), (Rule::Nationality, 2, 11)]
    );
}
