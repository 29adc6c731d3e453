//! Fluent formatting errors are surfaced, and no catalogue entry has one.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use tabara_core::Lang;
use tabara_i18n::{Catalogue, FormatError, SOURCES, Value, catalogue};

/// The message patterns of one catalogue source, by key.
fn messages(source: &str) -> BTreeMap<&str, Pattern<&str>> {
    let resource = fluent_syntax::parser::parse(source).expect("the catalogue parses");
    let mut out = BTreeMap::new();
    for entry in resource.body {
        match entry {
            Entry::Message(m) => {
                let value = m
                    .value
                    .unwrap_or_else(|| panic!("message {} has no value", m.id.name));
                assert!(
                    m.attributes.is_empty(),
                    "message {} has attributes, which Catalogue::text never reads",
                    m.id.name
                );
                out.insert(m.id.name, value);
            }
            Entry::Junk { content } => panic!("junk in a catalogue: {content}"),
            _ => {}
        }
    }
    out
}

/// The variables `pattern` references, through the messages it references (which see the
/// same arguments); a term's own arguments are its own.
fn variables<'s>(
    pattern: &Pattern<&'s str>,
    all: &BTreeMap<&'s str, Pattern<&'s str>>,
    seen: &mut BTreeSet<&'s str>,
    out: &mut BTreeSet<&'s str>,
) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, all, seen, out);
        }
    }
}

fn expression_variables<'s>(
    expression: &Expression<&'s str>,
    all: &BTreeMap<&'s str, Pattern<&'s str>>,
    seen: &mut BTreeSet<&'s str>,
    out: &mut BTreeSet<&'s str>,
) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, all, seen, out);
            for v in variants {
                variables(&v.value, all, seen, out);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, all, seen, out),
    }
}

fn inline_variables<'s>(
    inline: &InlineExpression<&'s str>,
    all: &BTreeMap<&'s str, Pattern<&'s str>>,
    seen: &mut BTreeSet<&'s str>,
    out: &mut BTreeSet<&'s str>,
) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name);
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for a in &arguments.positional {
                inline_variables(a, all, seen, out);
            }
            for a in &arguments.named {
                inline_variables(&a.value, all, seen, out);
            }
        }
        InlineExpression::MessageReference { id, .. } => {
            if seen.insert(id.name)
                && let Some(p) = all.get(id.name)
            {
                variables(p, all, seen, out);
            }
        }
        InlineExpression::Placeable { expression } => {
            expression_variables(expression, all, seen, out)
        }
        InlineExpression::StringLiteral { .. }
        | InlineExpression::NumberLiteral { .. }
        | InlineExpression::TermReference { .. } => {}
    }
}

/// The variables each message of `source` references.
fn referenced(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let all = messages(source);
    all.iter()
        .map(|(key, pattern)| {
            let mut out = BTreeSet::new();
            variables(pattern, &all, &mut BTreeSet::from([*key]), &mut out);
            (
                key.to_string(),
                out.into_iter().map(str::to_string).collect(),
            )
        })
        .collect()
}

#[test]
fn the_variable_walker_finds_variables_in_selectors_variants_and_referenced_messages() {
    let source = "a = { $x } and { b }\nb = { $n ->\n    [one] one { $y }\n   *[other] { $n } { -t(z: \"v\") }\n}\n-t = term { $z }\nc = plain\n";
    let found = referenced(source);
    let names = |k: &str| found[k].iter().map(String::as_str).collect::<Vec<_>>();
    assert_eq!(names("a"), ["n", "x", "y"]);
    assert_eq!(names("b"), ["n", "y"]);
    assert!(found["c"].is_empty());
    assert_eq!(found.len(), 3, "terms are not messages: {found:?}");
}

#[test]
fn every_message_formats_without_error_given_its_variables() {
    let c = catalogue();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (lang, source) in SOURCES {
        for (key, vars) in referenced(source) {
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
    let en = referenced(SOURCES[0].1);
    let fr = referenced(SOURCES[1].1);
    assert_eq!(SOURCES[0].0, Lang::En);
    assert_eq!(SOURCES[1].0, Lang::Fr);
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
