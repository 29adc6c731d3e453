//! Free text about a person sealed under their data key (issue 13): safety plans, support
//! notes, guardians, consent witnesses, reasons given in a referral, a screening decision's
//! reason. Each value stays in its TEXT column, as `~s1:` and the hex of the sealed bytes,
//! bound to the person and to its column (the purpose), so a value copied to another column or
//! another person's row does not open. Erasing the person destroys the key: every such value
//! reads as empty. A value without the mark (written before sealing) reads as it is until the
//! register's first opening with this version seals it (`Store::seal_plain_texts`).

use tabara_core::ids::PersonId;
use tabara_core::protect::DataKey;

use super::{Keys, postgres, sqlite};
use crate::{Result, StoreError};

/// The record kinds whose history entries are sealed under the person's key, and their table
/// (whose `person_id` names the person).
pub(crate) const HISTORY_TABLES: &[(&str, &str)] = &[
    ("support_plan", "support_plans"),
    ("child_pathway", "child_pathways"),
    ("referral", "referrals"),
];

/// Where text about a person is kept: table, its key columns, column, the person's id (an SQL
/// expression over the row `t`), and for a JSON column the fields holding text.
pub(crate) struct TextColumn {
    pub(crate) table: &'static str,
    pub(crate) key: &'static str,
    pub(crate) column: &'static str,
    pub(crate) person: &'static str,
    pub(crate) json_fields: &'static [&'static str],
}

const fn plain(table: &'static str, column: &'static str, person: &'static str) -> TextColumn {
    TextColumn {
        table,
        key: "id",
        column,
        person,
        json_fields: &[],
    }
}

const OF_PLAN: &str = "(SELECT p.person_id FROM support_plans p WHERE p.id = t.plan_id)";

/// Every column of text about a person (each sealed for the purpose `table.column`).
pub(crate) const TEXT_COLUMNS: &[TextColumn] = &[
    plain("risk_assessments", "safety_plan", "t.person_id"),
    plain("support_plans", "objectives", "t.person_id"),
    plain("support_plans", "action_plan", "t.person_id"),
    plain("support_plans", "closure_note", "t.person_id"),
    plain("support_services", "note", OF_PLAN),
    plain("support_visits", "notes", OF_PLAN),
    plain("support_steps", "note", OF_PLAN),
    plain("referral_consents", "witness", "t.person_id"),
    plain("referrals", "reason", "t.person_id"),
    TextColumn {
        table: "referral_events",
        key: "referral_id, seq",
        column: "reason",
        person: "(SELECT r.person_id FROM referrals r WHERE r.id = t.referral_id)",
        json_fields: &[],
    },
    plain("screenings", "decision_reason", "t.person_id"),
    plain("document_records", "number", "t.person_id"),
    plain("document_records", "zone", "t.person_id"),
    plain("document_records", "notes", "t.person_id"),
    TextColumn {
        table: "child_pathways",
        key: "id",
        column: "guardian",
        person: "t.person_id",
        json_fields: &["name", "reason"],
    },
    TextColumn {
        table: "child_pathways",
        key: "id",
        column: "best_interests",
        person: "t.person_id",
        json_fields: &["summary"],
    },
];

/// The mark of a sealed text value.
pub(crate) const SEALED_TEXT: &str = "~s1:";

/// The key for text about one person (none once they are erased).
pub(crate) struct TextKey {
    person: PersonId,
    key: Option<DataKey>,
}

/// A record holding text about a person: which person, and each text field with its purpose.
pub(crate) trait PersonTexts {
    /// The person the text is about.
    fn person(&self) -> PersonId;
    /// Call `f` on each text field with its purpose (`table.column`).
    fn texts(&mut self, f: &mut dyn FnMut(&'static str, &mut String) -> Result<()>) -> Result<()>;
}

impl TextKey {
    /// The key of `person`, from their wrapped data key (`None`: erased).
    pub(crate) fn new(keys: &Keys, person: PersonId, wrapped: Option<&[u8]>) -> Result<TextKey> {
        Ok(TextKey {
            person,
            key: wrapped.map(|w| keys.data_key(person, w)).transpose()?,
        })
    }

    /// The person is erased: nothing about them opens or is sealed any more.
    pub(crate) fn is_erased(&self) -> bool {
        self.key.is_none()
    }

    /// `text` sealed for `purpose`; refused once the person is erased.
    pub(crate) fn seal(&self, purpose: &str, text: &str) -> Result<String> {
        let Some(key) = &self.key else {
            return Err(crate::refuse(
                "prs_Identity",
                "erased",
                "this person was erased: nothing more is recorded about them",
            ));
        };
        let sealed = key.seal(self.person.0.as_bytes(), purpose, text.as_bytes());
        Ok(format!("{SEALED_TEXT}{}", hex::encode(sealed)))
    }

    /// As [`TextKey::seal`], for an optional value.
    pub(crate) fn seal_opt(&self, purpose: &str, text: Option<&str>) -> Result<Option<String>> {
        text.map(|t| self.seal(purpose, t)).transpose()
    }

    /// A stored value opened: plain text as it is, an erased person's as empty.
    pub(crate) fn open(&self, purpose: &str, stored: &str) -> Result<String> {
        let Some(hex_text) = stored.strip_prefix(SEALED_TEXT) else {
            return Ok(stored.to_string());
        };
        let Some(key) = &self.key else {
            return Ok(String::new());
        };
        let bytes = hex::decode(hex_text)
            .map_err(|_| StoreError::Corrupt(format!("{purpose}: a sealed text is not hex")))?;
        let plain = key
            .open(self.person.0.as_bytes(), purpose, &bytes)
            .map_err(|e| {
                StoreError::Corrupt(format!(
                    "{purpose} of person {} does not open: {e}",
                    self.person
                ))
            })?;
        String::from_utf8(plain).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Every text field of `record` opened in place.
    pub(crate) fn open_all<T: PersonTexts + ?Sized>(&self, record: &mut T) -> Result<()> {
        record.texts(&mut |purpose, text| {
            *text = self.open(purpose, text)?;
            Ok(())
        })
    }

    /// Every text field of `record` sealed in place.
    pub(crate) fn seal_all<T: PersonTexts + ?Sized>(&self, record: &mut T) -> Result<()> {
        record.texts(&mut |purpose, text| {
            if !text.starts_with(SEALED_TEXT) {
                *text = self.seal(purpose, text)?;
            }
            Ok(())
        })
    }

    /// A history entry's changes sealed whole: `{"sealed": "~s1:…"}`.
    pub(crate) fn seal_changes(
        &self,
        kind: &str,
        changes: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        Ok(serde_json::json!({
            "sealed": self.seal(&format!("{kind} history"), &changes.to_string())?
        }))
    }

    /// What [`TextKey::seal_changes`] made, opened (`null` once erased); other entries as
    /// they are.
    pub(crate) fn open_changes(
        &self,
        kind: &str,
        changes: &serde_json::Value,
    ) -> Result<serde_json::Value> {
        let Some(sealed) = changes.get("sealed").and_then(|v| v.as_str()) else {
            return Ok(changes.clone());
        };
        if self.key.is_none() {
            return Ok(serde_json::Value::Null);
        }
        let text = self.open(&format!("{kind} history"), sealed)?;
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

/// What a comment on a case is sealed for.
pub(crate) const COMMENT: &str = "case_comments.body";
/// The case facts in free words, sealed under the case text key (in the row and in the
/// case's history, where they are named by these fields).
pub(crate) const CASE_TEXT_FIELDS: &[&str] = &["closure_reason", "incoming_referral_details"];

impl Keys {
    /// Text of `case` sealed under the register's case text key, bound to the case and
    /// `purpose`.
    pub(crate) fn seal_case_text(
        &self,
        case: tabara_core::ids::CaseId,
        purpose: &str,
        text: &str,
    ) -> String {
        let sealed = self
            .index
            .case_text_key()
            .seal(case.0.as_bytes(), purpose, text.as_bytes());
        format!("{SEALED_TEXT}{}", hex::encode(sealed))
    }

    /// What [`Keys::seal_case_text`] made, opened (plain text, written before sealing, as it
    /// is).
    pub(crate) fn open_case_text(
        &self,
        case: tabara_core::ids::CaseId,
        purpose: &str,
        stored: &str,
    ) -> Result<String> {
        let Some(hex_text) = stored.strip_prefix(SEALED_TEXT) else {
            return Ok(stored.to_string());
        };
        let bytes = hex::decode(hex_text)
            .map_err(|_| StoreError::Corrupt(format!("{purpose}: a sealed text is not hex")))?;
        let plain = self
            .index
            .case_text_key()
            .open(case.0.as_bytes(), purpose, &bytes)
            .map_err(|e| {
                StoreError::Corrupt(format!("{purpose} of case {case} does not open: {e}"))
            })?;
        String::from_utf8(plain).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Bytes about `case` (a dossier's PDF) sealed under the case text key, bound to the case
    /// and `purpose`.
    pub(crate) fn seal_case_bytes(
        &self,
        case: tabara_core::ids::CaseId,
        purpose: &str,
        bytes: &[u8],
    ) -> Vec<u8> {
        self.index
            .case_text_key()
            .seal(case.0.as_bytes(), purpose, bytes)
    }

    /// What [`Keys::seal_case_bytes`] made, opened.
    pub(crate) fn open_case_bytes(
        &self,
        case: tabara_core::ids::CaseId,
        purpose: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>> {
        self.index
            .case_text_key()
            .open(case.0.as_bytes(), purpose, sealed)
            .map_err(|e| {
                StoreError::Corrupt(format!("{purpose} of case {case} does not open: {e}"))
            })
    }

    /// Bytes the register keeps before it knows whose they are (a phone's submission, a
    /// device's secret), sealed under the register's text key, bound to `binding` (the
    /// record's id) and `purpose`.
    pub(crate) fn seal_register_bytes(
        &self,
        binding: &[u8],
        purpose: &str,
        bytes: &[u8],
    ) -> Vec<u8> {
        self.index.case_text_key().seal(binding, purpose, bytes)
    }

    /// What [`Keys::seal_register_bytes`] made, opened.
    pub(crate) fn open_register_bytes(
        &self,
        binding: &[u8],
        purpose: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>> {
        self.index
            .case_text_key()
            .open(binding, purpose, sealed)
            .map_err(|e| StoreError::Corrupt(format!("{purpose} does not open: {e}")))
    }

    /// A comment on `case` sealed.
    pub(crate) fn seal_comment(&self, case: tabara_core::ids::CaseId, body: &str) -> String {
        self.seal_case_text(case, COMMENT, body)
    }

    /// A comment opened.
    pub(crate) fn open_comment(
        &self,
        case: tabara_core::ids::CaseId,
        stored: &str,
    ) -> Result<String> {
        self.open_case_text(case, COMMENT, stored)
    }

    /// A case's facts in free words, sealed (`open` false) or opened (`open` true) in place.
    pub(crate) fn case_texts(
        &self,
        case: tabara_core::ids::CaseId,
        facts: &mut tabara_core::records::CaseFacts,
        open: bool,
    ) -> Result<()> {
        for (field, value) in [
            ("cases.closure_reason", &mut facts.closure_reason),
            (
                "cases.incoming_referral_details",
                &mut facts.incoming_referral_details,
            ),
        ] {
            if let Some(v) = value {
                *v = if open {
                    self.open_case_text(case, field, v)?
                } else if v.starts_with(SEALED_TEXT) {
                    v.clone()
                } else {
                    self.seal_case_text(case, field, v)
                };
            }
        }
        Ok(())
    }

    /// The case facts in free words of a case history entry, sealed or opened in place (the
    /// other changes stay as they are: the case page shows them).
    pub(crate) fn case_history_texts(
        &self,
        case: tabara_core::ids::CaseId,
        changes: &mut serde_json::Value,
        open: bool,
    ) -> Result<()> {
        for field in CASE_TEXT_FIELDS {
            let purpose = format!("cases.{field}");
            if let Some(serde_json::Value::Array(pair)) = changes.get_mut(*field) {
                for v in pair.iter_mut() {
                    if let serde_json::Value::String(text) = v {
                        *text = if open {
                            self.open_case_text(case, &purpose, text)?
                        } else if text.starts_with(SEALED_TEXT) {
                            text.clone()
                        } else {
                            self.seal_case_text(case, &purpose, text)
                        };
                    }
                }
            }
        }
        Ok(())
    }
}

impl crate::Store {
    /// A case's facts in free words opened.
    pub(crate) fn open_case(
        &self,
        mut case: tabara_core::records::Case,
    ) -> Result<tabara_core::records::Case> {
        self.keys.case_texts(case.id, &mut case.facts, true)?;
        Ok(case)
    }

    /// A case's history entries opened.
    pub(crate) fn open_case_history(
        &self,
        case: tabara_core::ids::CaseId,
        entries: &mut [crate::HistoryEntry],
    ) -> Result<()> {
        for e in entries {
            self.keys.case_history_texts(case, &mut e.changes, true)?;
        }
        Ok(())
    }

    /// The comments of `case` opened.
    pub(crate) fn open_comments(
        &self,
        case: tabara_core::ids::CaseId,
        comments: &mut [crate::CaseComment],
    ) -> Result<()> {
        for c in comments {
            c.body = self.keys.open_comment(case, &c.body)?;
        }
        Ok(())
    }

    /// The key for text about `person`.
    pub(crate) async fn text_key(&self, person: PersonId) -> Result<TextKey> {
        let wrapped = dispatch!(self, wrapped_key_of(person))?;
        TextKey::new(&self.keys, person, wrapped.as_deref())
    }

    /// The text fields of every record opened, each person's key unwrapped once.
    pub(crate) async fn open_texts<T: PersonTexts>(&self, records: &mut [T]) -> Result<()> {
        let mut keys: std::collections::HashMap<PersonId, TextKey> = Default::default();
        for r in records.iter_mut() {
            // A record with no sealed word (most in a list) needs no key read.
            let mut sealed = false;
            r.texts(&mut |_, text| {
                sealed |= text.starts_with(SEALED_TEXT);
                Ok(())
            })?;
            if !sealed {
                continue;
            }
            let person = r.person();
            if let std::collections::hash_map::Entry::Vacant(e) = keys.entry(person) {
                e.insert(self.text_key(person).await?);
            }
            keys[&person].open_all(r)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tabara_core::protect::{IndexKey, MasterKey};

    fn keys() -> Keys {
        Keys {
            master: MasterKey::generate(),
            index: IndexKey::generate(),
            previous: None,
        }
    }

    #[test]
    fn a_text_opens_for_its_person_and_purpose_only() {
        let keys = keys();
        let (a, b) = (PersonId::new(), PersonId::new());
        let ka = DataKey::generate().wrapped(&keys.master, a.0.as_bytes());
        let kb = DataKey::generate().wrapped(&keys.master, b.0.as_bytes());
        let ta = TextKey::new(&keys, a, Some(&ka)).unwrap();
        let tb = TextKey::new(&keys, b, Some(&kb)).unwrap();
        let sealed = ta
            .seal("t.safety_plan", "at her aunt's in Kamenge")
            .unwrap();
        assert!(sealed.starts_with(SEALED_TEXT) && !sealed.contains("Kamenge"));
        assert_eq!(
            ta.open("t.safety_plan", &sealed).unwrap(),
            "at her aunt's in Kamenge"
        );
        assert!(ta.open("t.notes", &sealed).is_err(), "another column");
        assert!(tb.open("t.safety_plan", &sealed).is_err(), "another person");
        assert_eq!(
            ta.open("t.notes", "written before").unwrap(),
            "written before"
        );
        let erased = TextKey::new(&keys, a, None).unwrap();
        assert_eq!(erased.open("t.safety_plan", &sealed).unwrap(), "");
        assert!(erased.seal("t.safety_plan", "x").is_err());
        let changes = serde_json::json!({"note": ["a", "b"]});
        let s = ta.seal_changes("support_plan", &changes).unwrap();
        assert_eq!(ta.open_changes("support_plan", &s).unwrap(), changes);
        assert_eq!(
            erased.open_changes("support_plan", &s).unwrap(),
            serde_json::Value::Null
        );
    }
}
