//! What every page shares: language, the signed-in user, the CSRF token, and formatting.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use tabara_core::{Lang, Picklist};

/// The frame around every page: navigation, language, user, CSRF token for its forms.
pub struct Chrome {
    /// Language of the page.
    pub lang: Lang,
    /// Signed-in user's display name, if any.
    pub user: Option<String>,
    /// Their role's label.
    pub role: String,
    /// Token to put in every form.
    pub csrf: String,
    /// The path of this page (for the language switch to come back to).
    pub path: String,
    /// The user may open cases (shows the link).
    pub can_create: bool,
    /// The user manages accounts (shows the link).
    pub can_admin_users: bool,
    /// The user manages organisations (shows the link).
    pub can_admin_organisations: bool,
    /// The user runs the training programme (shows the link).
    pub can_train: bool,
    /// The user's role may read cases at all (shows the case list link).
    pub can_see_cases: bool,
    /// The user's role keeps or reads custody records: the list of everyone in custody.
    pub can_see_custody: bool,
    /// A prosecutor: the dossiers sent to the office.
    pub can_see_dossiers: bool,
    /// A supervisor: the agency's field phones and what they sent.
    pub can_manage_field: bool,
    /// The signed-in user's unread notifications, when counted (pages).
    pub unread: Option<i64>,
    /// The session reaches one page or two (a new password to choose, the second factor to
    /// give): the header offers no other page.
    pub limited: bool,
}

impl Chrome {
    /// For pages seen before signing in.
    pub fn anonymous(lang: Lang) -> Chrome {
        Chrome {
            lang,
            user: None,
            role: String::new(),
            csrf: String::new(),
            path: "/".into(),
            can_create: false,
            can_admin_users: false,
            can_admin_organisations: false,
            can_train: false,
            can_see_cases: false,
            can_see_custody: false,
            can_see_dossiers: false,
            can_manage_field: false,
            limited: false,
            unread: None,
        }
    }

    /// The header's link to the notifications, with the unread count when there are some.
    pub fn notifications_label(&self) -> String {
        match self.unread {
            Some(n) if n > 0 => self.t1("nav-notifications-unread", "count", &n.to_string()),
            _ => self.t("nav-notifications"),
        }
    }

    /// Translate a catalogue key.
    pub fn t(&self, key: &str) -> String {
        tabara_i18n::catalogue().text(self.lang, key, &[])
    }

    /// Translate a key with one named argument.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        tabara_i18n::catalogue().text(
            self.lang,
            key,
            &[(name, tabara_i18n::Value::from(value.to_string()))],
        )
    }

    /// The page's language tag.
    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// A value's label in the page's language.
    pub fn label<T: Picklist>(&self, v: &T) -> &'static str {
        v.label(self.lang)
    }

    /// A date as people of this language write it.
    pub fn date(&self, d: &NaiveDate) -> String {
        format_date(self.lang, *d)
    }

    /// An audit timestamp (microseconds since the epoch) as [`Chrome::when`].
    pub fn micros(&self, us: &i64) -> String {
        chrono::DateTime::from_timestamp_micros(*us)
            .map(|t| format_datetime(self.lang, t))
            .unwrap_or_default()
    }

    /// A moment (stored in UTC) as the page's date followed by the time, in UTC: the one
    /// date-time format of the pages.
    pub fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        format_datetime(self.lang, *t)
    }

    /// An optional date, or a dash.
    pub fn odate(&self, d: &Option<NaiveDate>) -> String {
        d.map(|d| format_date(self.lang, d))
            .unwrap_or_else(|| "–".into())
    }
}

/// The errors of a submitted form, each shown next to its field in the page's language
/// (translated by rule when the catalogue has the rule, the validator's own words otherwise).
#[derive(Debug, Default)]
pub struct FormErrors {
    lang: Option<Lang>,
    errors: tabara_core::validation::ValidationErrors,
    /// A message about the whole form (e.g. a conflicting change), already translated.
    pub banner: Option<String>,
}

impl FormErrors {
    /// The errors of a validation, to show in `lang`.
    pub fn new(lang: Lang, errors: tabara_core::validation::ValidationErrors) -> FormErrors {
        FormErrors {
            lang: Some(lang),
            errors,
            banner: None,
        }
    }

    /// No error at all.
    pub fn none() -> FormErrors {
        FormErrors::default()
    }

    /// Whether the form has any error.
    pub fn any(&self) -> bool {
        !self.errors.0.is_empty() || self.banner.is_some()
    }

    /// Whether `field` has an error.
    pub fn has(&self, field: &str) -> bool {
        self.errors.has(field)
    }

    /// The error text of `field`, empty when it has none.
    pub fn text(&self, field: &str) -> String {
        let lang = self.lang.unwrap_or(Lang::En);
        self.errors
            .get(field)
            .map(|e| {
                let key = format!("rule-{}", e.rule.replace('_', "-"));
                if tabara_i18n::catalogue().has(Lang::En, &key) {
                    tabara_i18n::catalogue().text(lang, &key, &[])
                } else {
                    e.message.clone()
                }
            })
            .unwrap_or_default()
    }

    /// The HTTP status of a page showing these errors.
    pub fn status(&self) -> axum::http::StatusCode {
        if self.any() {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            axum::http::StatusCode::OK
        }
    }
}

/// `23 Nov 2026` / `23 nov. 2026` / `23/11/2026`.
pub fn format_date(lang: Lang, d: NaiveDate) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let m = d.month0() as usize;
    match lang {
        Lang::En => format!("{} {} {}", d.day(), EN[m], d.year()),
        Lang::Fr => format!("{} {} {}", d.day(), FR[m], d.year()),
        Lang::Rn => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
    }
}

/// `23 Nov 2026 14:05 UTC`: [`format_date`] and the time of day in UTC.
pub fn format_datetime(lang: Lang, t: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "{} {} UTC",
        format_date(lang, t.date_naive()),
        t.format("%H:%M")
    )
}

/// The (value name, label) pairs of a picklist's values, for a form's select.
pub fn choices<P: Picklist>(values: &[P], lang: Lang) -> Vec<(&'static str, &'static str)> {
    values
        .iter()
        .map(|v| (v.value_name(), v.label(lang)))
        .collect()
}

/// Render a template; a rendering failure is a defect, answered with a plain 500.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal error",
            )
                .into_response()
        }
    }
}

/// Percent-encode a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_per_language() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 3).unwrap();
        assert_eq!(format_date(Lang::En, d), "3 Feb 2026");
        assert_eq!(format_date(Lang::Fr, d), "3 févr. 2026");
        assert_eq!(format_date(Lang::Rn, d), "03/02/2026");
    }

    /// Every audit action has words in English and French: the case page's audit trail shows
    /// them (`cases::words`), and a missing one would show the stored name.
    #[test]
    fn every_audit_action_has_words() {
        let catalogue = tabara_i18n::catalogue();
        assert!(tabara_core::audit::AuditAction::ALL.len() > 40);
        for a in tabara_core::audit::AuditAction::ALL {
            let key = format!("audit-action-{}", a.as_str().replace(['.', '_'], "-"));
            for lang in [Lang::En, Lang::Fr] {
                assert!(catalogue.has(lang, &key), "{key} missing in {lang:?}");
            }
        }
    }

    /// Every catalogue key written literally in the web crate's code and templates exists in
    /// English and in French: a missing key would show as the key itself on a page.
    #[test]
    fn every_literal_key_of_the_pages_is_in_the_catalogue() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("src"), root.join("templates")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        // The calls that take a key as their first string argument.
        let markers = [
            "chrome.t(\"",
            "chrome.t1(\"",
            "self.t(\"",
            "t!(lang, \"",
            "t!(user.lang, \"",
            "t!(self.lang, \"",
        ];
        let catalogue = tabara_i18n::catalogue();
        let (mut seen, mut missing) = (0, Vec::new());
        for file in files.iter().filter(|f| f.is_file()) {
            let text = std::fs::read_to_string(file).unwrap();
            for marker in markers {
                for rest in text.split(marker).skip(1) {
                    let key: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    if key.is_empty() || !rest[key.len()..].starts_with('"') {
                        continue;
                    }
                    seen += 1;
                    for lang in [Lang::En, Lang::Fr] {
                        if !catalogue.has(lang, &key) {
                            missing.push(format!("{key} ({lang:?}) in {}", file.display()));
                        }
                    }
                }
            }
        }
        assert!(
            seen > 300,
            "the scan found only {seen} keys: the markers no longer match"
        );
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn encoding() {
        assert_eq!(
            url_encode("/cases?status=Active&x=é"),
            "/cases%3Fstatus%3DActive%26x%3D%C3%A9"
        );
    }
}
