//! Stored ids, value names and JSON of a case's history and audit trail, in words of the
//! user's language: each changed field by its label with old → new value (picklist values by
//! label, dates per language, offices, agencies and accounts by name), who by name, actions
//! translated.

use chrono::NaiveDate;
use tabara_core::htcds::CaseStatus;
use tabara_core::{Lang, Picklist};
use tabara_store::{AuditEntry, HistoryEntry};

use crate::state::Directory;
use crate::view;

/// A change of the case in words: when, who, and each field with its old and new value.
pub(super) struct HistoryRow {
    pub(super) when: String,
    pub(super) who: String,
    /// Whose involvement changed ("Person 2 (Victim)"); none for the case's own fields.
    pub(super) subject: Option<String>,
    pub(super) changes: Vec<FieldChange>,
}

pub(super) struct FieldChange {
    pub(super) label: String,
    pub(super) old: String,
    pub(super) new: String,
}

/// An audit entry about the case: number, when (microseconds), who, what (translated).
pub(super) struct AuditRow {
    pub(super) seq: i64,
    pub(super) at_us: i64,
    pub(super) who: String,
    pub(super) what: String,
}

/// Turns stored ids, value names and JSON into words of the user's language.
pub(super) struct Words<'a> {
    pub(super) lang: Lang,
    pub(super) names: &'a std::collections::HashMap<String, String>,
    pub(super) directory: &'a Directory,
    /// Show old and new free texts (closure reason, referral details), not only that they
    /// changed.
    pub(super) free_text: bool,
}

impl Words<'_> {
    fn t(&self, key: &str) -> String {
        tabara_i18n::catalogue().text(self.lang, key, &[])
    }

    /// Who: an account's display name, or the name of a system actor (`system:demo`).
    pub(super) fn actor(&self, actor: &str) -> String {
        if let Some(name) = self.names.get(actor) {
            return name.clone();
        }
        match actor.strip_prefix("system:") {
            Some(system) => tabara_i18n::t!(self.lang, "actor-system", name = system),
            None => self.t("actor-unknown"),
        }
    }

    /// A change of a person's involvement (`{"involvement": [old, new]}`): the role, the
    /// trafficking status, the types of exploitation and the suspect's roles in words; any
    /// other detail only as changed.
    fn involvement_changes(&self, h: &HistoryEntry) -> Vec<FieldChange> {
        use tabara_core::records::Involvement;
        let pair = h.changes.get("involvement").and_then(|p| p.as_array());
        let parse = |v: &serde_json::Value| serde_json::from_value::<Involvement>(v.clone()).ok();
        let (Some(old), Some(new)) = (
            pair.and_then(|p| p.first()).and_then(parse),
            pair.and_then(|p| p.get(1)).and_then(parse),
        ) else {
            return vec![FieldChange {
                label: self.t("history-field-involvement"),
                old: String::new(),
                new: self.t("history-details-changed"),
            }];
        };
        let lang = self.lang;
        let labels = |items: Vec<&'static str>| {
            if items.is_empty() {
                "–".to_string()
            } else {
                items.join(", ")
            }
        };
        let mut out = Vec::new();
        let mut push = |key: &str, old: String, new: String| {
            if old != new {
                out.push(FieldChange {
                    label: self.t(key),
                    old,
                    new,
                });
            }
        };
        push(
            "history-field-role",
            old.role().label(lang).to_string(),
            new.role().label(lang).to_string(),
        );
        match (&old, &new) {
            (Involvement::Victim(a), Involvement::Victim(b)) => {
                let status = |s: Option<tabara_core::htcds::TraffickingStatus>| {
                    s.map(|s| s.label(lang).to_string())
                        .unwrap_or_else(|| "–".into())
                };
                push(
                    "history-field-trafficking-status",
                    status(a.trafficking_status),
                    status(b.trafficking_status),
                );
                push(
                    "history-field-exploitation-types",
                    labels(a.exploitation_types.iter().map(|t| t.label(lang)).collect()),
                    labels(b.exploitation_types.iter().map(|t| t.label(lang)).collect()),
                );
                let rest = |v: &tabara_core::records::VictimContext| {
                    let mut v = v.clone();
                    v.trafficking_status = None;
                    v.exploitation_types = Default::default();
                    v
                };
                if rest(a) != rest(b) {
                    push(
                        "history-field-victim-details",
                        String::new(),
                        self.t("history-details-changed"),
                    );
                }
            }
            (Involvement::Suspect(a), Involvement::Suspect(b)) => {
                push(
                    "history-field-suspect-roles",
                    labels(a.roles.iter().map(|r| r.label(lang)).collect()),
                    labels(b.roles.iter().map(|r| r.label(lang)).collect()),
                );
                if (a.role_details.as_ref(), a.organisation_id)
                    != (b.role_details.as_ref(), b.organisation_id)
                {
                    push(
                        "history-field-suspect-details",
                        String::new(),
                        self.t("history-details-changed"),
                    );
                }
            }
            _ => {}
        }
        out
    }

    pub(super) fn history(&self, h: &HistoryEntry) -> HistoryRow {
        if h.changes.get("involvement").is_some() {
            return HistoryRow {
                when: view::format_datetime(self.lang, h.changed_at),
                who: self.actor(&h.actor),
                subject: None,
                changes: self.involvement_changes(h),
            };
        }
        let changes = match &h.changes {
            serde_json::Value::Object(fields) => fields
                .iter()
                .map(|(field, pair)| {
                    let (old, new) = match pair {
                        serde_json::Value::Array(p) if p.len() == 2 => (&p[0], &p[1]),
                        _ => (&serde_json::Value::Null, pair),
                    };
                    self.change(field, old, new)
                })
                .collect(),
            _ => Vec::new(),
        };
        HistoryRow {
            when: view::format_datetime(self.lang, h.changed_at),
            who: self.actor(&h.actor),
            subject: None,
            changes,
        }
    }

    /// One changed field of a case: its label and both values in words. Free texts (closure
    /// reason, referral details) are sensitive: without the right to read identities the
    /// history says they changed, not what to.
    fn change(&self, field: &str, old: &serde_json::Value, new: &serde_json::Value) -> FieldChange {
        let key = format!("history-field-{}", field.replace('_', "-"));
        let catalogue = tabara_i18n::catalogue();
        let label = if catalogue.has(Lang::En, &key) {
            self.t(&key)
        } else {
            field.replace('_', " ")
        };
        let free_text = matches!(field, "closure_reason" | "incoming_referral_details");
        let value = |v: &serde_json::Value| -> String {
            let Some(text) = v.as_str() else {
                return match v {
                    serde_json::Value::Null => "–".into(),
                    other => other.to_string(),
                };
            };
            if free_text && !self.free_text {
                return self.t("history-text-changed");
            }
            match field {
                "status" => CaseStatus::parse(text)
                    .map(|s| s.label(self.lang).to_string())
                    .unwrap_or_else(|_| text.to_string()),
                "incoming_referral_reason" => tabara_core::htcds::ReferralReason::parse(text)
                    .map(|s| s.label(self.lang).to_string())
                    .unwrap_or_else(|_| text.to_string()),
                "opened_on" | "closed_on" | "incoming_referral_date" => {
                    NaiveDate::parse_from_str(text, "%Y-%m-%d")
                        .map(|d| view::format_date(self.lang, d))
                        .unwrap_or_else(|_| text.to_string())
                }
                "owner_id" => self.actor(&format!("user:{text}")),
                "office_id" => self
                    .directory
                    .offices
                    .iter()
                    .find(|o| o.id.to_string() == text)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| self.t("history-unknown-record")),
                "referring_organisation_id" => self
                    .directory
                    .organisations
                    .iter()
                    .find(|o| o.id.to_string() == text)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| self.t("history-unknown-record")),
                _ => text.to_string(),
            }
        };
        FieldChange {
            label,
            old: value(old),
            new: value(new),
        }
    }

    pub(super) fn audit(&self, e: &AuditEntry) -> AuditRow {
        let key = format!("audit-action-{}", e.action.replace(['.', '_'], "-"));
        let what = if tabara_i18n::catalogue().has(Lang::En, &key) {
            self.t(&key)
        } else {
            e.action.clone()
        };
        AuditRow {
            seq: e.seq,
            at_us: e.at_us,
            who: self.actor(&e.actor),
            what,
        }
    }
}
