//! Fluent formatting errors are surfaced, and no catalogue entry has one.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::Entry;
use tabara_core::Lang;
use tabara_i18n::{Catalogue, FormatError, SOURCES, Value, catalogue};

/// The variables each message of `lang` references, by key.
fn referenced(c: &Catalogue, lang: Lang) -> BTreeMap<String, BTreeSet<String>> {
    c.keys(lang)
        .into_iter()
        .map(|key| {
            let vars = c
                .variables(lang, &key)
                .unwrap_or_else(|| panic!("{}: {key} is listed but has no value", lang.tag()));
            (key, vars)
        })
        .collect()
}

/// Every message of every catalogue source is a message with a value: no junk, no
/// attribute-only entry (which `Catalogue::text` would show as its key).
#[test]
fn every_entry_of_the_sources_is_a_message_with_a_value() {
    for (lang, source) in SOURCES {
        let resource = fluent_syntax::parser::parse(source).expect("the catalogue parses");
        let mut messages = 0;
        for entry in resource.body {
            match entry {
                Entry::Message(m) => {
                    messages += 1;
                    assert!(
                        m.value.is_some(),
                        "{}: {} has no value",
                        lang.tag(),
                        m.id.name
                    );
                    assert!(
                        m.attributes.is_empty(),
                        "{}: {} has attributes",
                        lang.tag(),
                        m.id.name
                    );
                }
                Entry::Junk { content } => panic!("{}: junk {content}", lang.tag()),
                _ => {}
            }
        }
        assert_eq!(messages, catalogue().keys(lang).len(), "{}", lang.tag());
    }
}

#[test]
fn the_variable_walker_finds_variables_in_selectors_variants_and_referenced_messages() {
    let source = "a = { $x } and { b }\nb = { $n ->\n    [one] one { $y }\n   *[other] { $n } { -t(z: \"v\") }\n}\n-t = term { $z }\nc = plain\nd = { d } { $w }\n";
    let c = Catalogue::parse(&[(Lang::En, source)]).unwrap();
    let names = |k: &str| {
        c.variables(Lang::En, k)
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>()
    };
    assert_eq!(names("a"), ["n", "x", "y"]);
    assert_eq!(names("b"), ["n", "y"]);
    assert!(names("c").is_empty());
    // A message that references itself is walked once.
    assert_eq!(names("d"), ["w"]);
    // Terms are not messages; no message, no variables.
    assert_eq!(c.variables(Lang::En, "-t"), None);
    assert_eq!(c.variables(Lang::En, "t"), None);
    assert_eq!(c.variables(Lang::Fr, "a"), None);
}

#[test]
fn every_message_formats_without_error_given_its_variables() {
    let c = catalogue();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (lang, _) in SOURCES {
        for (key, vars) in referenced(c, lang) {
            // Each variable once as a number (plural selectors) and once as a text.
            for value in [Value::from(2), Value::from("x")] {
                let args: Vec<(&str, Value<'_>)> =
                    vars.iter().map(|v| (v.as_str(), value.clone())).collect();
                match c.format(lang, &key, &args) {
                    Ok(text) => assert!(!text.is_empty() || key.is_empty()),
                    Err(e) => broken.push(e.to_string()),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} formattings checked");
    assert!(
        broken.is_empty(),
        "messages that do not format:\n{}",
        broken.join("\n")
    );
}

#[test]
fn english_and_french_have_the_same_keys_and_the_same_variables() {
    let en = referenced(catalogue(), Lang::En);
    let fr = referenced(catalogue(), Lang::Fr);
    let en_keys: Vec<_> = en.keys().collect();
    let fr_keys: Vec<_> = fr.keys().collect();
    assert_eq!(en_keys, fr_keys);
    let differ: Vec<_> = en
        .iter()
        .filter(|(k, v)| fr[*k] != **v)
        .map(|(k, v)| format!("{k}: en {v:?}, fr {:?}", fr[k]))
        .collect();
    assert!(
        differ.is_empty(),
        "variables differ:\n{}",
        differ.join("\n")
    );
}

#[test]
fn a_message_formatted_without_its_variable_is_an_error() {
    let c = catalogue();
    assert_eq!(
        c.format(Lang::En, "audit-ok", &[("entries", Value::from(12))]),
        Ok("ok, 12 entries".to_string())
    );
    match c.format(Lang::En, "audit-ok", &[]) {
        Err(FormatError::Broken {
            lang, key, errors, ..
        }) => {
            assert_eq!(lang, Lang::En);
            assert_eq!(key, "audit-ok");
            assert!(
                errors.iter().any(|e| e.contains("entries")),
                "the error names the variable: {errors:?}"
            );
        }
        other => panic!("expected a formatting error, got {other:?}"),
    }
    assert_eq!(
        c.format(Lang::Fr, "no-such-key", &[]),
        Err(FormatError::Missing {
            key: "no-such-key".into()
        })
    );
}

#[test]
fn an_unknown_message_reference_is_an_error() {
    let c = Catalogue::parse(&[(Lang::En, "a = see { missing }\nb = { a }, fine\n")]).unwrap();
    let err = c.format(Lang::En, "a", &[]).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
    // Through another message too.
    assert!(matches!(
        c.format(Lang::En, "b", &[]),
        Err(FormatError::Broken { key, .. }) if key == "b"
    ));
}

#[test]
#[cfg(debug_assertions)]
fn text_panics_on_a_formatting_error_in_debug_builds() {
    let result = std::panic::catch_unwind(|| catalogue().text(Lang::Fr, "audit-ok", &[]));
    let payload = result.expect_err("a formatting error must not pass silently");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("audit-ok") && message.contains("entries"),
        "the panic names the key and the error: {message}"
    );
    // A missing key still shows as itself, without a panic.
    assert_eq!(
        catalogue().text(Lang::Fr, "no-such-key", &[]),
        "no-such-key"
    );
}

#[test]
#[cfg(not(debug_assertions))]
fn text_shows_the_best_text_on_a_formatting_error_in_release() {
    let text = catalogue().text(Lang::En, "audit-ok", &[]);
    assert!(text.starts_with("ok, "), "{text}");
    assert!(text.contains("entries"), "{text}");
}
