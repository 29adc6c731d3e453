//! Property tests of the parsers and rules that take outside input.

use chrono::NaiveDate;
use proptest::prelude::*;
use tabara_core::htcds::{ExploitationType, MethodOfControl};
use tabara_core::records::{
    PersonForm, age_on, case_reference, normalise_name, parse_case_reference,
};
use tabara_core::{Country, Lang, Picklist, ValueSet};

fn any_exploitation() -> impl Strategy<Value = ExploitationType> {
    proptest::sample::select(ExploitationType::ALL.to_vec())
}

fn any_day() -> impl Strategy<Value = NaiveDate> {
    (1900i32..2030, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

proptest! {
    #[test]
    fn value_sets_round_trip(values in proptest::collection::vec(any_exploitation(), 0..8)) {
        let set: ValueSet<ExploitationType> = values.into_iter().collect();
        let back = ValueSet::<ExploitationType>::parse_joined(&set.joined()).unwrap();
        prop_assert_eq!(back, set);
    }

    #[test]
    fn labels_and_names_parse_back_in_any_case(i in 0usize..17, upper in any::<bool>()) {
        let v = MethodOfControl::ALL[i % MethodOfControl::ALL.len()];
        let name = if upper { v.value_name().to_uppercase() } else { v.value_name().to_lowercase() };
        prop_assert_eq!(MethodOfControl::parse(&name), Ok(v));
        prop_assert_eq!(MethodOfControl::parse(&format!("  {}  ", v.label(Lang::En))), Ok(v));
    }

    #[test]
    fn picklist_parse_never_panics(s in "\\PC{0,40}") {
        // Whatever is read from any text reads back the same from its own stored form.
        let value = ExploitationType::parse(&s).ok();
        prop_assert_eq!(value.and_then(|v| ExploitationType::parse(v.value_name()).ok()), value);
        let set = ValueSet::<ExploitationType>::parse_joined(&s).ok();
        let again = set.as_ref().and_then(|x| ValueSet::parse_joined(&x.joined()).ok());
        prop_assert_eq!(again, set);
        let country = Country::parse(&s);
        prop_assert_eq!(country.and_then(|c| Country::parse(c.code())), country);
        let number = parse_case_reference(&s);
        prop_assert!(number.is_none_or(|n| n > 0), "{:?}", number);
        prop_assert_eq!(number.and_then(|n| parse_case_reference(&case_reference(n))), number);
    }

    #[test]
    fn normalised_names_are_stable(s in "\\PC{0,60}") {
        let once = normalise_name(&s);
        prop_assert_eq!(normalise_name(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn age_grows_with_time(birth in any_day(), a in 0u64..45_000, b in 0u64..45_000) {
        // Days after birth, so no case is thrown away.
        let (a, b) = (a.min(b), a.max(b));
        let early = birth + chrono::Days::new(a);
        let late = birth + chrono::Days::new(b);
        prop_assert!(age_on(birth, early) <= age_on(birth, late));
        prop_assert!(age_on(birth, early) >= 0);
    }

    #[test]
    fn person_form_validation_never_panics(
        birthdate in "\\PC{0,12}",
        age in "\\PC{0,4}",
        gender in "\\PC{0,12}",
        citizenship in "[A-Za-z;, ]{0,12}",
        phone in "\\PC{0,16}",
        uncertain in any::<bool>(),
    ) {
        let form = PersonForm {
            birthdate,
            age,
            gender,
            citizenship,
            mobile_phone: phone,
            age_uncertain: uncertain,
            ..Default::default()
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        match form.validate(today) {
            Ok((facts, identity)) => {
                if let Some(b) = identity.birthdate {
                    prop_assert!(b <= today);
                }
                if let Some(age) = facts.age_at_registration {
                    prop_assert!((0..=130).contains(&age));
                }
            }
            Err(errors) => prop_assert!(!errors.0.is_empty()),
        }
    }
}

// Every parser of outside input (uploads, configuration in the environment, references and
// codes typed or pasted) given arbitrary bytes or text: it answers, it never panics, and what
// it accepts keeps its promises.
proptest! {
    #[test]
    fn an_upload_is_typed_or_refused(
        head in proptest::collection::vec(any::<u8>(), 0..300),
        declared in proptest::option::of("\\PC{0,40}"),
        magic in 0usize..6,
    ) {
        use tabara_core::files::{FileType, check_type, sniff};
        // Arbitrary bytes, or arbitrary bytes behind a real signature.
        let mut bytes = match magic {
            0 => b"%PDF-".to_vec(),
            1 => vec![0xFF, 0xD8, 0xFF, 0xE0],
            2 => b"\x89PNG\r\n\x1a\n".to_vec(),
            3 => b"II*\0".to_vec(),
            4 => b"RIFF\0\0\0\0WEBP".to_vec(),
            _ => Vec::new(),
        };
        bytes.extend(head);
        match check_type(&bytes, declared.as_deref()) {
            Ok(t) => {
                prop_assert!(FileType::ALL.contains(&t));
                prop_assert_eq!(sniff(&bytes), Some(t));
            }
            Err(e) => prop_assert!(!e.rule().is_empty()),
        }
    }

    #[test]
    fn a_file_name_is_kept_clean(raw in "\\PC{0,260}") {
        use tabara_core::files::{MAX_NAME, clean_name};
        if let Ok(name) = clean_name(&raw) {
            prop_assert!(!name.is_empty() && name.chars().count() <= MAX_NAME);
            prop_assert!(!name.contains('/') && !name.contains('\\'));
            prop_assert!(name != "." && name != "..");
        }
    }

    #[test]
    fn configuration_text_is_parsed_or_refused_by_part(text in "\\PC{0,80}") {
        use tabara_core::retention::{MAX_DAYS, RetentionKind, RetentionPolicy};
        if let Ok(p) = RetentionPolicy::parse_overrides(&text) {
            for k in RetentionKind::ALL {
                prop_assert!(p.days(*k).is_none_or(|d| (1..=MAX_DAYS).contains(&d)));
            }
        }
        let _ = tabara_core::referral::Deadlines::parse_overrides(&text);
        let _ = tabara_core::totp::SecondFactorPolicy::parse(&text);
        let _ = tabara_core::risk::Factors::parse(&text);
        let _ = tabara_core::screening::Catalogue::parse(&text);
        let _ = tabara_core::services::Areas::parse(&text);
    }

    #[test]
    fn references_and_codes_are_read_or_refused(text in "\\PC{0,30}", bytes in "[0-9a-fA-F]{0,40}") {
        if let Some(n) = tabara_core::records::parse_case_reference(&text) {
            prop_assert!(n > 0);
            prop_assert_eq!(
                tabara_core::records::parse_case_reference(&format!("TBR-{n:06}")),
                Some(n)
            );
        }
        if let Some(b) = tabara_core::checkpoint::decode_hex(&bytes) {
            prop_assert_eq!(b.len() * 2, bytes.len());
        }
        let _ = tabara_core::checkpoint::decode_hex(&text);
        let _ = tabara_core::screening::Answer::parse(&text);
        let _ = tabara_core::palermo::Fact::parse(&text);
        let _ = tabara_core::Country::parse(&text);
    }
}
