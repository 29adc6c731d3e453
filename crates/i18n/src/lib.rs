//! Every user-facing string of Tabara, in Fluent catalogues (`locales/<lang>.ftl`) embedded in
//! the binary. English and French are complete (a test fails otherwise); Kirundi falls back to
//! French, then English, message by message.
//!
//! A message that does not format cleanly (a variable not given, an unknown reference) is never
//! passed over in silence: [`Catalogue::format`] returns the error, and [`Catalogue::text`]
//! (behind [`t!`]) panics with the key and Fluent's errors in debug builds and tests, and in
//! release writes it once to stderr and shows the best text Fluent could make.
#![deny(missing_docs)]

pub mod documents;
pub mod screening;
mod variables;

use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use tabara_core::Lang;

pub use fluent_bundle::FluentValue as Value;

/// The catalogue sources, by language.
pub const SOURCES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("../locales/en.ftl")),
    (Lang::Fr, include_str!("../locales/fr.ftl")),
    (Lang::Rn, include_str!("../locales/rn.ftl")),
];

/// The loaded catalogue.
pub struct Catalogue {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl Catalogue {
    /// Parse the embedded catalogues; an error names the language and the faulty entries.
    pub fn load() -> Result<Catalogue, String> {
        Catalogue::parse(&SOURCES)
    }

    /// Parse catalogues given as sources by language (the first is the last fallback); an
    /// error names the language and the faulty entries.
    pub fn parse(sources: &[(Lang, &str)]) -> Result<Catalogue, String> {
        let mut bundles = Vec::new();
        for (lang, source) in sources {
            let resource = FluentResource::try_new(source.to_string())
                .map_err(|(_, errors)| format!("{}.ftl: {errors:?}", lang.tag()))?;
            let id: unic_langid::LanguageIdentifier = lang
                .tag()
                .parse()
                .map_err(|e| format!("{}: {e}", lang.tag()))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Terminal output and HTML attributes do not want bidi isolation marks.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| format!("{}.ftl: {errors:?}", lang.tag()))?;
            bundles.push((*lang, bundle));
        }
        if bundles.is_empty() {
            return Err("no catalogue given".into());
        }
        Ok(Catalogue { bundles })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        &self
            .bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .unwrap_or(&self.bundles[0])
            .1
    }

    /// Whether `lang` has its own text for `key` (no fallback).
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundle(lang).has_message(key)
    }

    /// The variables the message `key` of `lang` references (no fallback), through the
    /// messages it references; `None` when `lang` has no such message. A caller gives each of
    /// them, or the message does not format cleanly.
    pub fn variables(&self, lang: Lang, key: &str) -> Option<BTreeSet<String>> {
        let (_, bundle) = self.bundles.iter().find(|(l, _)| *l == lang)?;
        variables::of_message(bundle, key)
    }

    /// Every message key of a language.
    pub fn keys(&self, lang: Lang) -> Vec<String> {
        let source = SOURCES
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, s)| *s)
            .unwrap_or("");
        source
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
            .collect()
    }

    /// The text of `key` in `lang` (falling back Kirundi → French → English), with arguments.
    /// A missing key returns the key itself, so a gap shows but never crashes.
    ///
    /// A message that does not format cleanly (a variable not given, an unknown message
    /// reference, …) is a defect of the caller or of the catalogue: in debug builds and tests
    /// it panics with the key and Fluent's errors; in release it is written once to stderr and
    /// the best text Fluent could make is shown.
    pub fn text(&self, lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.format(lang, key, args).unwrap_or_else(|e| {
            if matches!(e, FormatError::Broken { .. }) {
                report(&e);
            }
            e.into_text()
        })
    }

    /// The text of `key` in `lang` (with the fallbacks of [`Catalogue::text`]), or what went
    /// wrong: no language of the chain has the message, or it did not format cleanly.
    pub fn format(
        &self,
        lang: Lang,
        key: &str,
        args: &[(&str, FluentValue<'_>)],
    ) -> Result<String, FormatError> {
        let chain: &[Lang] = match lang {
            Lang::Rn => &[Lang::Rn, Lang::Fr, Lang::En],
            Lang::Fr => &[Lang::Fr, Lang::En],
            Lang::En => &[Lang::En],
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        for l in chain {
            let Some((_, bundle)) = self.bundles.iter().find(|(b, _)| b == l) else {
                continue;
            };
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle
                    .format_pattern(pattern, Some(&fargs), &mut errors)
                    .into_owned();
                if errors.is_empty() {
                    return Ok(text);
                }
                return Err(FormatError::Broken {
                    lang: *l,
                    key: key.to_string(),
                    errors: errors.iter().map(ToString::to_string).collect(),
                    text,
                });
            }
        }
        Err(FormatError::Missing {
            key: key.to_string(),
        })
    }
}

/// Why a message could not be formatted cleanly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// No language of the fallback chain has this message.
    Missing {
        /// The message key.
        key: String,
    },
    /// The message exists but Fluent reported errors while formatting it.
    Broken {
        /// The language whose message was formatted.
        lang: Lang,
        /// The message key.
        key: String,
        /// Fluent's errors, in words.
        errors: Vec<String>,
        /// The best text Fluent could make (what a release build shows).
        text: String,
    },
}

impl FormatError {
    /// What is shown in its place: the key of a missing message, the best text of a broken one.
    pub fn into_text(self) -> String {
        match self {
            FormatError::Missing { key } => key,
            FormatError::Broken { text, .. } => text,
        }
    }
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Missing { key } => write!(f, "no message {key}"),
            FormatError::Broken {
                lang, key, errors, ..
            } => write!(f, "message {key} ({}): {}", lang.tag(), errors.join("; ")),
        }
    }
}

impl std::error::Error for FormatError {}

/// A formatting error: loud in debug builds and tests, written once to stderr in release.
fn report(e: &FormatError) {
    if cfg!(debug_assertions) {
        panic!("translation catalogue: {e}");
    }
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let line = e.to_string();
    let first = SEEN
        .lock()
        .map(|mut seen| seen.insert(line.clone()))
        .unwrap_or(true);
    if first {
        eprintln!("tabara: translation catalogue: {line}");
    }
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| match Catalogue::load() {
    Ok(c) => c,
    // The catalogues are compiled in and checked by tests; a broken one is a build defect.
    Err(e) => panic!("translation catalogue: {e}"),
});

/// The process-wide catalogue.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// `t!(lang, "key")` or `t!(lang, "key", name = value, …)`: the translated text.
#[macro_export]
macro_rules! t {
    ($lang:expr, $key:expr) => {
        $crate::catalogue().text($lang, $key, &[])
    };
    ($lang:expr, $key:expr, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::catalogue().text(
            $lang,
            $key,
            &[$((stringify!($name), $crate::Value::from($value))),+],
        )
    };
}

/// The language from a tag such as `fr`, or from the environment's `LANG` (`fr_BI.UTF-8`);
/// English when neither names a supported language.
pub fn lang_from(tag: Option<&str>) -> Lang {
    tag.and_then(Lang::from_tag)
        .or_else(|| {
            std::env::var("LANG")
                .ok()
                .as_deref()
                .and_then(Lang::from_tag)
        })
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_parse() {
        let c = Catalogue::load().unwrap();
        assert!(c.has(Lang::En, "audit-ok") && c.has(Lang::Fr, "audit-ok"));
        let rn = c.keys(Lang::Rn);
        assert!(!rn.is_empty() && rn.iter().all(|k| c.has(Lang::Rn, k)));
        assert!(Catalogue::parse(&[(Lang::En, "broken = {")]).is_err());
        assert!(Catalogue::parse(&[]).is_err());
    }

    #[test]
    fn english_and_french_have_the_same_keys() {
        let c = Catalogue::load().unwrap();
        let en = c.keys(Lang::En);
        let fr = c.keys(Lang::Fr);
        assert!(en.len() > 20);
        let missing_fr: Vec<_> = en.iter().filter(|k| !c.has(Lang::Fr, k)).collect();
        let missing_en: Vec<_> = fr.iter().filter(|k| !c.has(Lang::En, k)).collect();
        assert!(
            missing_fr.is_empty(),
            "in English but not in French: {missing_fr:?}"
        );
        assert!(
            missing_en.is_empty(),
            "in French but not in English: {missing_en:?}"
        );
        for k in c.keys(Lang::Rn) {
            assert!(c.has(Lang::En, &k), "Kirundi key {k} is unknown in English");
        }
    }

    #[test]
    fn arguments_and_fallbacks() {
        let c = catalogue();
        assert_eq!(t!(Lang::En, "audit-ok", entries = 12), "ok, 12 entries");
        assert_eq!(t!(Lang::Fr, "audit-ok", entries = 12), "ok, 12 entrées");
        assert_eq!(c.text(Lang::En, "no-such-key", &[]), "no-such-key");
        // Kirundi without its own text reads French, then English, message by message.
        let small = Catalogue::parse(&[
            (Lang::En, "a = A en\nb = B en\nc = C en { $n }\n"),
            (Lang::Fr, "a = A fr\nb = B fr\n"),
            (Lang::Rn, "a = A rn\n"),
        ])
        .unwrap();
        assert_eq!(small.text(Lang::Rn, "a", &[]), "A rn");
        assert_eq!(small.text(Lang::Rn, "b", &[]), "B fr");
        let n = [("n", Value::from(4))];
        assert_eq!(small.text(Lang::Rn, "c", &n), "C en 4");
        assert_eq!(small.text(Lang::Fr, "c", &n), "C en 4");
        assert_eq!(small.text(Lang::En, "b", &[]), "B en");
        // The shipped Kirundi catalogue falls back the same way for a message it lacks.
        let untranslated = c
            .keys(Lang::Fr)
            .into_iter()
            .find(|k| !c.has(Lang::Rn, k) && c.format(Lang::Fr, k, &[]).is_ok())
            .expect("some French message has no Kirundi text yet");
        assert_eq!(
            c.text(Lang::Rn, &untranslated, &[]),
            c.text(Lang::Fr, &untranslated, &[])
        );
    }

    #[test]
    fn language_choice() {
        assert_eq!(lang_from(Some("fr")), Lang::Fr);
        assert_eq!(lang_from(Some("fr_BI.UTF-8")), Lang::Fr);
        assert_eq!(lang_from(Some("rn")), Lang::Rn);
    }
}
