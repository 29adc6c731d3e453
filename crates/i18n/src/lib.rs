//! Every user-facing string of Tabara, in Fluent catalogues (`locales/<lang>.ftl`) embedded in
//! the binary. English and French are complete (a test fails otherwise); Kirundi falls back to
//! French, then English, message by message.
#![deny(missing_docs)]

pub mod screening;

use std::sync::LazyLock;

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
        let mut bundles = Vec::new();
        for (lang, source) in SOURCES {
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
            bundles.push((lang, bundle));
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
    pub fn text(&self, lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
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
            let bundle = self.bundle(*l);
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
                return text.into_owned();
            }
        }
        key.to_string()
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
        Catalogue::load().unwrap();
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
        // Kirundi without its own text reads French.
        if !c.has(Lang::Rn, "audit-ok") {
            assert_eq!(t!(Lang::Rn, "audit-ok", entries = 3), "ok, 3 entrées");
        }
    }

    #[test]
    fn language_choice() {
        assert_eq!(lang_from(Some("fr")), Lang::Fr);
        assert_eq!(lang_from(Some("fr_BI.UTF-8")), Lang::Fr);
        assert_eq!(lang_from(Some("rn")), Lang::Rn);
    }
}
