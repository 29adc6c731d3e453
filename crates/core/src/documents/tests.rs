use chrono::NaiveDate;

use super::*;
use crate::mrz::{Date, Options, parse_with};

fn zone(primary: &str, secondary: &str, birth: &str, sex: char, nat: &str, issuer: &str) -> Fields {
    let doc = crate::mrz::Document {
        format: crate::mrz::Format::Td3,
        document_code: "P".into(),
        issuing_state: issuer.into(),
        primary_identifier: primary.into(),
        secondary_identifier: secondary.into(),
        document_number: "OP0012345".into(),
        nationality: nat.into(),
        birth_date: birth.into(),
        sex: match sex {
            'M' => Sex::Male,
            'F' => Sex::Female,
            _ => Sex::Unspecified,
        },
        expiry_date: "300101".into(),
        optional_data_1: String::new(),
        optional_data_2: String::new(),
    };
    let lines = crate::mrz::compose(&doc).unwrap();
    let options = Options {
        today: Date::new(2026, 12, 1).unwrap(),
        ..Options::default()
    };
    parse_with(&lines.join("\n"), &options).unwrap().fields
}

const TODAY: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();

fn holder<'a>(
    first: &'a str,
    surname: &'a str,
    birth: (i32, u32, u32),
    citizenship: &'a [Country],
) -> Holder<'a> {
    Holder {
        first_name: Some(first),
        middle_name: None,
        second_name: Some(surname),
        birthdate: NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2),
        gender: Gender::Feminine,
        citizenship,
    }
}

fn outcome(findings: &[Finding], s: Subject) -> Outcome {
    findings.iter().find(|f| f.subject == s).unwrap().outcome
}

#[test]
fn the_same_holder_agrees_on_every_point() {
    let bi = [Country::BI];
    let f = compare(
        &zone("Ndayisenga", "Aline", "900101", 'F', "BDI", "BDI"),
        &holder("Aline", "Ndayisenga", (1990, 1, 1), &bi),
        false,
        TODAY(),
    );
    for s in [
        Subject::Name,
        Subject::BirthDate,
        Subject::Sex,
        Subject::Nationality,
        Subject::Expiry,
    ] {
        assert_eq!(outcome(&f, s), Outcome::Agrees, "{s:?}: {f:?}");
    }
    assert!(f.iter().all(|x| x.subject != Subject::IssuingState));
}

#[test]
fn names_agree_across_accents_order_spacing_and_transliterations() {
    let none: [Country; 0] = [];
    let cases = [
        // Accents, as Doc 9303 transliterates them.
        ("Niyonzima", "Bénigne", "Bénigne", "Niyonzima"),
        // Given name and surname the other way round, as registers often hold them.
        ("Hakizimana", "Jean Claude", "Hakizimana", "Jean-Claude"),
        // Ü as U in the zone, UE in the record's transliteration.
        ("Muller", "Anna", "Anna", "Müller"),
        // An apostrophe.
        ("OConnor", "Enya", "Enya", "O'Connor"),
    ];
    for (zp, zs, first, surname) in cases {
        let f = compare(
            &zone(zp, zs, "900101", 'F', "BDI", "BDI"),
            &holder(first, surname, (1990, 1, 1), &none),
            false,
            TODAY(),
        );
        assert_eq!(
            outcome(&f, Subject::Name),
            Outcome::AgreesAfterNormalising,
            "{zp} {zs} / {first} {surname}"
        );
    }
}

#[test]
fn a_spelling_variant_is_close_and_another_name_differs() {
    let none: [Country; 0] = [];
    let close = compare(
        &zone("Ndayishimiye", "Evariste", "900101", 'M', "BDI", "BDI"),
        &holder("Evariste", "Ndayisimiye", (1990, 1, 1), &none),
        false,
        TODAY(),
    );
    assert_eq!(outcome(&close, Subject::Name), Outcome::Close);
    assert!(Outcome::Close.needs_attention());
    let other = compare(
        &zone("Bizimana", "Aline", "900101", 'F', "BDI", "BDI"),
        &holder("Aline", "Ndayisenga", (1990, 1, 1), &none),
        false,
        TODAY(),
    );
    assert_eq!(outcome(&other, Subject::Name), Outcome::Differs);
    let name = other.iter().find(|x| x.subject == Subject::Name).unwrap();
    assert_eq!(name.key, "doc-cmp-name-differs");
    assert_eq!(name.args[0], ("mrz", "BIZIMANA ALINE".to_string()));
    assert_eq!(name.args[1], ("record", "Ndayisenga Aline".to_string()));
    // A name cut to fit the zone agrees only when the zone says it may be cut.
    let cut = zone("Ndayisenga", "Alin", "900101", 'F', "BDI", "BDI");
    let h = holder("Aline", "Ndayisenga", (1990, 1, 1), &none);
    assert_eq!(
        outcome(&compare(&cut, &h, true, TODAY()), Subject::Name),
        Outcome::AgreesAfterNormalising
    );
    assert_eq!(
        outcome(&compare(&cut, &h, false, TODAY()), Subject::Name),
        Outcome::Close
    );
}

#[test]
fn birth_sex_nationality_expiry_and_issuer_disagree_with_their_values() {
    let rw = [Country::parse("RW").unwrap()];
    let mut h = holder("Aline", "Ndayisenga", (1991, 1, 1), &rw);
    h.gender = Gender::Masculine;
    let mut z = zone("Ndayisenga", "Aline", "900101", 'F', "BDI", "TZA");
    z.expiry_date.date = Date::new(2025, 1, 1);
    let f = compare(&z, &h, false, TODAY());
    let by = |s| f.iter().find(|x| x.subject == s).unwrap();
    assert_eq!(by(Subject::BirthDate).outcome, Outcome::Differs);
    assert_eq!(
        by(Subject::BirthDate).args,
        [
            ("mrz", "1990-01-01".into()),
            ("record", "1991-01-01".into())
        ]
    );
    assert_eq!(by(Subject::Sex).outcome, Outcome::Differs);
    assert_eq!(by(Subject::Nationality).outcome, Outcome::Differs);
    assert_eq!(by(Subject::Nationality).args[1], ("record", "RWA".into()));
    assert_eq!(
        (by(Subject::Expiry).outcome, by(Subject::Expiry).key),
        (Outcome::Differs, "doc-cmp-expired")
    );
    assert_eq!(
        by(Subject::IssuingState).key,
        "doc-cmp-issuer-not-nationality"
    );
    // Germany's D is DEU; a stateless holder has no citizenship to agree with.
    let de = [Country::parse("DE").unwrap()];
    let f = compare(
        &zone("Mustermann", "Erika", "640812", 'F', "D", "D"),
        &holder("Erika", "Mustermann", (1964, 8, 12), &de),
        false,
        TODAY(),
    );
    assert_eq!(outcome(&f, Subject::Nationality), Outcome::Agrees);
    let none: [Country; 0] = [];
    let f = compare(
        &zone("Mustermann", "Erika", "640812", 'F', "XXA", "D"),
        &holder("Erika", "Mustermann", (1964, 8, 12), &none),
        false,
        TODAY(),
    );
    let n = f
        .iter()
        .find(|x| x.subject == Subject::Nationality)
        .unwrap();
    assert_eq!(
        (n.outcome, n.key),
        (Outcome::Agrees, "doc-cmp-nationality-stateless")
    );
    // Nothing in the record: unknown, not a disagreement.
    let empty = Holder {
        first_name: None,
        middle_name: None,
        second_name: None,
        birthdate: None,
        gender: Gender::NonSpecifiedUnknown,
        citizenship: &none,
    };
    let f = compare(
        &zone("Mustermann", "Erika", "640812", 'F', "DEU", "DEU"),
        &empty,
        false,
        TODAY(),
    );
    for s in [
        Subject::Name,
        Subject::BirthDate,
        Subject::Sex,
        Subject::Nationality,
    ] {
        assert_eq!(outcome(&f, s), Outcome::Unknown, "{s:?}");
    }
}

#[test]
fn every_alpha2_code_has_its_alpha3() {
    for (a2, _) in crate::countries::COUNTRIES {
        assert!(alpha3(Country::parse(a2).unwrap()).is_some(), "{a2}");
    }
    assert_eq!(alpha3(Country::BI), Some("BDI"));
    assert!(ALPHA3.windows(2).all(|w| w[0].0 < w[1].0));
}

mod record {
    use crate::documents::*;
    use crate::picklist::Picklist;
    use chrono::NaiveDate;

    const ZONE: &str = "P<BDINDAYISHIMIYE<<ALINE<<<<<<<<<<<<<<<<<<<<\nOP00123456BDI9501016F3012316<<<<<<<<<<<<<<<6";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn form<'a>() -> DocumentForm<'a> {
        DocumentForm {
            doc_type: "passport",
            zone: ZONE,
            features: vec![("photo_substitution", "failed"), ("printing", "passed")],
            outcome: "suspect",
            notes: "Laminate lifted at the photo's corner.",
            ..DocumentForm::default()
        }
    }

    #[test]
    fn number_state_and_expiry_come_from_the_zone_when_not_typed() {
        let m = crate::mrz::parse_with(ZONE, &options(today())).unwrap();
        assert!(m.is_valid(), "{:?}", m.problems);
        let e = DocumentEntry::parse(&form(), today()).unwrap();
        assert_eq!(e.number, "OP0012345");
        assert_eq!(e.issuing_state, "BDI");
        assert_eq!(e.expires_on, NaiveDate::from_ymd_opt(2030, 12, 31));
        assert_eq!(e.features.len(), SecurityFeature::ALL.len());
        assert_eq!(
            e.failed_features().collect::<Vec<_>>(),
            [SecurityFeature::PhotoSubstitution]
        );
        assert_eq!(e.outcome, Some(DocumentOutcome::Suspect));
        assert!(mismatches(&e, &m).is_empty());
    }

    #[test]
    fn a_page_that_disagrees_with_its_zone_is_shown_not_refused() {
        let mut f = form();
        f.number = "OP 0012347";
        f.expires_on = "2031-12-31";
        let e = DocumentEntry::parse(&f, today()).unwrap();
        let m = e.reading(today()).unwrap();
        let fields: Vec<&str> = mismatches(&e, &m).iter().map(|x| x.field).collect();
        assert_eq!(fields, ["number", "expiry"]);
    }

    #[test]
    fn each_bad_field_is_named() {
        let f = DocumentForm {
            doc_type: "scroll",
            number: "",
            issuing_state: "XYZ",
            issued_on: "2027-01-01",
            expires_on: "2026-01-01",
            zone: "NOT A ZONE",
            features: vec![("uv", "passed"), ("printing", "maybe")],
            outcome: "dubious",
            notes: "",
        };
        let e = DocumentEntry::parse(&f, today()).unwrap_err();
        for field in [
            "doc_Type",
            "doc_Number",
            "doc_IssuingState",
            "doc_IssuedOn",
            "doc_ExpiresOn",
            "doc_Zone",
            "doc_Feature",
            "doc_Outcome",
        ] {
            assert!(e.has(field), "{field}: {e:?}");
        }
        assert!(!e.has("doc_Notes"));
        assert!(!DocumentOutcome::Genuine.is_suspect());
        assert!(DocumentOutcome::FraudulentlyObtained.is_suspect());
    }
}
