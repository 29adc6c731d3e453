//! What OCR and people produce, read tolerantly; what is wrong, named strictly.

use tabara_mrz::{CheckKind, Date, Format, Options, Rule, Sex, WarningKind, parse_with};

const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

fn options() -> Options {
    Options {
        today: Date::new(2026, 12, 1).unwrap(),
        allow_specimen: true,
        ..Options::default()
    }
}

fn read(zone: &str) -> tabara_mrz::Mrz {
    parse_with(zone, &options()).unwrap()
}

#[test]
fn lower_case_spaces_and_line_ends_are_tidied_and_said() {
    let clean = read(&TD3.join("\n"));
    for messy in [
        format!("  {}\r\n{}  \r\n", TD3[0].to_lowercase(), TD3[1]),
        format!("{}{}", TD3[0], TD3[1]),
        format!(
            "\n\n{}\n\n{}",
            TD3[0],
            TD3[1].replace("<<<<<10", "<< <<<10")
        ),
    ] {
        let m = read(&messy);
        assert!(m.is_valid(), "{messy}: {:?}", m.problems);
        assert_eq!(m.fields, clean.fields);
        assert_eq!(m.warnings[0].kind, WarningKind::Normalised);
    }
    // Only surrounding white space and a missing final line break: nothing to say.
    let m = read(&format!("{}\n{}", TD3[0], TD3[1]));
    assert!(m.warnings.iter().all(|w| w.kind != WarningKind::Normalised));
}

#[test]
fn no_mrz_shape_is_said_with_what_was_expected() {
    let e = parse_with(&format!("{}\n{}", TD3[0], &TD3[1][..43]), &options()).unwrap_err();
    assert_eq!(e.problems.len(), 1);
    let p = &e.problems[0];
    assert_eq!((p.line, p.position, p.rule), (2, 44, Rule::Shape));
    assert!(p.message.contains("43 characters where 44"), "{p}");
    assert!(parse_with("", &options()).is_err());
    assert!(parse_with("P<UTO", &options()).is_err());
}

#[test]
fn each_check_digit_names_its_line_position_and_rule() {
    let line2 = "L898902C37UTO7408123F1204150ZE184226B<<<<<19";
    let m = read(&format!("{}\n{line2}", TD3[0]));
    let found: Vec<(Rule, usize)> = m.problems.iter().map(|p| (p.rule, p.position)).collect();
    assert_eq!(
        found,
        [
            (Rule::CheckDigit(CheckKind::DocumentNumber), 10),
            (Rule::CheckDigit(CheckKind::BirthDate), 20),
            (Rule::CheckDigit(CheckKind::ExpiryDate), 28),
            (Rule::CheckDigit(CheckKind::Composite), 44),
        ]
    );
    assert_eq!(
        m.problems[0].to_string(),
        "line 2, position 10 (document number check digit): expected 6, found 7"
    );
}

#[test]
fn ocr_confusions_are_suggested_where_check_digits_prove_them_and_never_applied() {
    // The document number's 0... there is none: the specimen's C read as 0 would not be
    // proven; the birth date's 8 read as B is.
    let line2 = "L898902C36UTO74O8122F1204159ZE184226B<<<<<10";
    let m = read(&format!("{}\n{line2}", TD3[0]));
    assert!(!m.is_valid());
    assert_eq!(m.fields.birth_date.date, None, "nothing applied");
    assert_eq!(m.suggestions.len(), 1, "{:?}", m.suggestions);
    let s = &m.suggestions[0];
    assert_eq!(
        (s.line, s.position, s.found, s.replacement),
        (2, 16, 'O', '0')
    );
    assert!(s.proven_by.contains(&CheckKind::BirthDate));
    // A filler read as K is beyond any check digit: K counts 20, the filler 0, the same modulo
    // 10. The zone reads as valid with a K in the personal number; the officer compares it
    // with the page.
    let line2 = "L898902C36UTO7408122F1204159ZE184226BK<<<<10";
    let m = read(&format!("{}\n{line2}", TD3[0]));
    assert!(m.is_valid() && m.suggestions.is_empty());
    assert_eq!(m.fields.optional_data_1, "ZE184226BK");
    // A digit in a name is mended by the rule alone: suggested, not proven.
    let m = read(&format!("{}\n{}", TD3[0].replace("ANNA", "ANN4"), TD3[1]));
    assert_eq!(m.problems[0].rule, Rule::Name);
    assert!(m.suggestions.is_empty(), "4 is no confusion of A");
    let m = read(&format!("{}\n{}", TD3[0].replace("MARIA", "MAR1A"), TD3[1]));
    assert_eq!(m.suggestions.len(), 1);
    assert!(!m.suggestions[0].is_proven());
}

#[test]
fn dates_resolve_their_century_and_are_real_days() {
    let with = |birth: &str, expiry: &str| {
        let mut d = tabara_mrz::Document {
            format: Format::Td3,
            document_code: "P".into(),
            issuing_state: "BDI".into(),
            primary_identifier: "Ndayisenga".into(),
            secondary_identifier: "Aline".into(),
            document_number: "OP0012345".into(),
            nationality: "BDI".into(),
            birth_date: birth.into(),
            sex: Sex::Female,
            expiry_date: expiry.into(),
            optional_data_1: String::new(),
            optional_data_2: String::new(),
        };
        d.format = Format::Td3;
        read(&tabara_mrz::compose(&d).unwrap().join("\n"))
    };
    // Born on 2026-12-01 (today) is this century; 2026-12-02 the last.
    let m = with("261201", "301201");
    assert_eq!(m.fields.birth_date.date, Date::new(2026, 12, 1));
    assert_eq!(m.fields.expiry_date.date, Date::new(2030, 12, 1));
    assert_eq!(
        with("261202", "301201").fields.birth_date.date,
        Date::new(1926, 12, 2)
    );
    // An expiry up to 50 years ahead is this century; beyond, the last.
    assert_eq!(
        with("900101", "760101").fields.expiry_date.date,
        Date::new(2076, 1, 1)
    );
    assert_eq!(
        with("900101", "770101").fields.expiry_date.date,
        Date::new(1977, 1, 1)
    );
    // No 30 February, no month 13; the check digits agree, the date does not.
    let m = with("900230", "300101");
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::Date, 18)
    );
    let m = with("901301", "300101");
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::Date, 16)
    );
    // Unknown day and month of birth: fillers, a warning.
    let m = with("90<<<<", "300101");
    assert!(m.is_valid(), "{:?}", m.problems);
    assert_eq!(m.fields.birth_date.date, None);
    assert!(
        m.warnings
            .iter()
            .any(|w| w.kind == WarningKind::PartlyUnknownBirthDate)
    );
    // Expiry may not be unknown.
    assert_eq!(with("900101", "30<<<<").problems[0].rule, Rule::Date);
    // Expired, before birth, too long.
    let kinds = |m: &tabara_mrz::Mrz| m.warnings.iter().map(|w| w.kind).collect::<Vec<_>>();
    assert!(kinds(&with("900101", "250101")).contains(&WarningKind::Expired));
    assert!(kinds(&with("100101", "050101")).contains(&WarningKind::ExpiryBeforeBirth));
    assert!(kinds(&with("900101", "400101")).contains(&WarningKind::LongValidity));
    assert!(
        kinds(&with("900101", "300101")).is_empty(),
        "{:?}",
        kinds(&with("900101", "300101"))
    );
}

#[test]
fn sex_codes_and_document_codes() {
    let m = read(&format!("{}\n{}", TD3[0], TD3[1].replace("2F12", "2X12")));
    assert!(m.is_valid());
    assert_eq!(m.fields.sex, Sex::Unspecified);
    assert!(m.warnings.iter().any(|w| w.kind == WarningKind::SexX));
    let m = read(&format!("{}\n{}", TD3[0], TD3[1].replace("2F12", "2W12")));
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::Sex, 21)
    );
    let m = read(&format!("{}\n{}", TD3[0].replacen('P', "I", 1), TD3[1]));
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::DocumentCode, 1)
    );
    let m = read(&format!("{}\n{}", TD3[0].replacen("UTO", "QQQ", 1), TD3[1]));
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::IssuingState, 3)
    );
}

#[test]
fn names_their_fillers_and_truncation() {
    let m = read(&format!(
        "P<UTOERIKSSON<<ANNA<<MARIA<<<<<<<<<<<<<<<<<<\n{}",
        TD3[1]
    ));
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::Filler, 22)
    );
    let m = read(&format!(
        "P<UTOARKFREITH<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n{}",
        TD3[1]
    ));
    assert!(m.is_valid());
    assert_eq!(m.fields.secondary_identifier, "");
    assert!(
        m.warnings
            .iter()
            .any(|w| w.kind == WarningKind::SingleIdentifier)
    );
    let m = read(&format!(
        "P<UTONILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K\n{}",
        TD3[1]
    ));
    assert!(m.is_valid());
    assert_eq!(m.fields.secondary_identifier, "CHAYAPA DEJTHAMRONG K");
    assert!(
        m.warnings
            .iter()
            .any(|w| w.kind == WarningKind::PossiblyTruncatedName)
    );
    let m = read(&format!(
        "P<UTO<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n{}",
        TD3[1]
    ));
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::Name, 6)
    );
}

#[test]
fn characters_outside_the_set_are_named_where_they_are() {
    let m = read(&format!(
        "{}\n{}",
        TD3[0].replacen("ANNA", "ANÑA", 1),
        TD3[1]
    ));
    let p = &m.problems[0];
    assert_eq!((p.rule, p.line, p.position), (Rule::Characters, 1, 18));
    assert!(p.message.starts_with('Ñ'), "{p}");
}

#[test]
fn name_encoding_as_the_parts_of_doc_9303_show() {
    use tabara_mrz::encode_name;
    for (primary, secondary, want) in [
        ("Heng", "Deborah Ming Lo", "HENG<<DEBORAH<MING<LO"),
        (
            "Smith-Jones",
            "Susie Margaret",
            "SMITH<JONES<<SUSIE<MARGARET",
        ),
        ("O'Connor", "Enya Siobhan", "OCONNOR<<ENYA<SIOBHAN"),
        ("Van der Muellen", "Martin", "VAN<DER<MUELLEN<<MARTIN"),
        (
            "Al Basri",
            "Huda Muhammad Jawad",
            "AL<BASRI<<HUDA<MUHAMMAD<JAWAD",
        ),
        (
            "Vilarchão Fernández",
            "José Ramón",
            "VILARCHAO<FERNANDEZ<<JOSE<RAMON",
        ),
    ] {
        let got = encode_name(primary, secondary, 39);
        assert_eq!(got.trim_end_matches('<'), want);
        assert_eq!(got.len(), 39);
    }
}

#[test]
fn three_fillers_end_the_name_and_v_is_no_second_letter_of_an_identity_card() {
    // Found by the comparison with Python's mrz: a secondary identifier never starts with <.
    let m = read(&format!(
        "P<UTOERIKSSON<<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<\n{}",
        TD3[1]
    ));
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::Filler, 17)
    );
    assert_eq!(m.problems[0].detail, "after-name");
    // IV, AV, CV would read as visas (Doc 9303 Parts 5 and 6).
    let m = read(
        "IVUTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    );
    assert_eq!(
        (m.problems[0].rule, m.problems[0].position),
        (Rule::DocumentCode, 2)
    );
}
