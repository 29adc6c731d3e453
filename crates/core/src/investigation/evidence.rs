//! The evidence register and the chain of custody (ISO/IEC 27037 as summarised in the research:
//! every handling documented so a third party can evaluate it). An item is registered with what
//! it is, where, when and by whom it was obtained, where it is stored, and the SHA-256 of its file
//! at acquisition; that registration is its `collected` event. Every later event says from whom
//! to whom, when and why, and re-checks the file's hash: a mismatch marks the item, and a
//! dossier does not take a marked item unless the mismatch is stated in it ([`dossier_check`]).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::picklist::picklist;
use crate::records::{MAX_LONG_TEXT, MAX_SHORT_TEXT};
use crate::validation::{EARLIEST_RECORD_DATE, ValidationErrors, check_characters};

picklist! {
    /// What an item of evidence is.
    EvidenceKind, fields [] {
        Document = "document", "Document", "Document";
        Photo = "photo", "Photograph", "Photographie";
        PhoneExtraction = "phone_extraction", "Phone extraction", "Extraction de téléphone";
        Statement = "statement", "Statement", "Déclaration";
        FinancialRecord = "financial_record", "Financial record", "Pièce financière";
        PhysicalObject = "physical_object", "Physical object", "Objet";
    }
}

picklist! {
    /// A step in an item's chain of custody.
    CustodyEventKind, fields [] {
        Collected = "collected", "Collected", "Recueilli";
        Transferred = "transferred", "Transferred", "Transmis";
        Examined = "examined", "Examined", "Examiné";
        Returned = "returned", "Returned", "Restitué";
        Destroyed = "destroyed", "Destroyed", "Détruit";
    }
}

picklist! {
    /// Where an item stands.
    ItemState, fields [] {
        Held = "held", "Held", "Détenu";
        Returned = "returned", "Returned", "Restitué";
        Destroyed = "destroyed", "Destroyed", "Détruit";
    }
}

/// An item as typed at its registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceForm {
    /// What it is.
    pub kind: EvidenceKind,
    /// What it shows or holds.
    pub description: String,
    /// When it was obtained.
    pub obtained_at: DateTime<Utc>,
    /// Where.
    pub obtained_where: String,
    /// By whom (a name and service, as written on the seal).
    pub obtained_by: String,
    /// Where it is kept (a store room, a locker, the encrypted file store).
    pub storage_location: String,
}

pub(super) fn short(
    e: &mut ValidationErrors,
    field: &'static str,
    value: &str,
    what: &str,
) -> String {
    let v = value.trim();
    if v.is_empty() {
        e.push(field, "required", what.to_string());
    }
    check_characters(e, field, v, false);
    if v.chars().count() > MAX_SHORT_TEXT {
        e.push(field, "max_length", "too long");
    }
    v.to_string()
}

fn long(e: &mut ValidationErrors, field: &'static str, value: &str, what: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        e.push(field, "required", what.to_string());
    }
    check_characters(e, field, v, true);
    if v.chars().count() > MAX_LONG_TEXT {
        e.push(field, "max_length", "too long");
    }
    v.to_string()
}

pub(super) fn moment(
    e: &mut ValidationErrors,
    field: &'static str,
    at: DateTime<Utc>,
    not_before: DateTime<Utc>,
    now: DateTime<Utc>,
) {
    if at > now {
        e.push(field, "not_in_future", format!("{at} is in the future"));
    } else if at < not_before {
        e.push(field, "too_early", format!("{at} is before {not_before}"));
    }
}

/// The earliest moment a record of an investigation can carry.
pub fn earliest() -> DateTime<Utc> {
    EARLIEST_RECORD_DATE
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
}

impl EvidenceForm {
    /// Check the form at `now`: a description (`evi_Description`), where (`evi_ObtainedWhere`),
    /// by whom (`evi_ObtainedBy`) and the storage (`evi_StorageLocation`) required; obtained
    /// not in the future (`evi_ObtainedAt`/`not_in_future`). Returns it trimmed.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<EvidenceForm, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let description = long(
            &mut e,
            "evi_Description",
            &self.description,
            "say what the item is",
        );
        let obtained_where = short(
            &mut e,
            "evi_ObtainedWhere",
            &self.obtained_where,
            "say where it was obtained",
        );
        let obtained_by = short(
            &mut e,
            "evi_ObtainedBy",
            &self.obtained_by,
            "say who obtained it",
        );
        let storage_location = short(
            &mut e,
            "evi_StorageLocation",
            &self.storage_location,
            "say where it is kept",
        );
        moment(&mut e, "evi_ObtainedAt", self.obtained_at, earliest(), now);
        e.into_result(EvidenceForm {
            kind: self.kind,
            description,
            obtained_at: self.obtained_at,
            obtained_where,
            obtained_by,
            storage_location,
        })
    }
}

/// A custody event as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustodyEventForm {
    /// What happened.
    pub kind: CustodyEventKind,
    /// To whom (the new holder; the examiner; whom it was returned to; the witness of a
    /// destruction).
    pub to: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// What a custody event does to an item, as core decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustodyStep {
    /// What happened.
    pub kind: CustodyEventKind,
    /// From whom (the holder before).
    pub from: String,
    /// To whom.
    pub to: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, trimmed.
    pub reason: String,
    /// The state after.
    pub state: ItemState,
    /// The holder after.
    pub holder: String,
}

/// Check a custody event on an item in `state`, held by `holder`, whose last event was at
/// `last_at`, at `now`. Refused: on an item returned or destroyed (`cev_Kind`/`item_gone`); a
/// second collection (`cev_Kind`/`already_collected`: the registration is the collection); an
/// event to nobody (`cev_To`/`required`); a transfer to the holder (`cev_To`/`same_holder`); no
/// reason (`cev_Reason`/`required`); a moment in the future or before the last event
/// (`cev_At`/`not_in_future`, `too_early`).
pub fn check_event(
    state: ItemState,
    holder: &str,
    last_at: DateTime<Utc>,
    form: &CustodyEventForm,
    now: DateTime<Utc>,
) -> Result<CustodyStep, ValidationErrors> {
    let mut e = ValidationErrors::default();
    if state != ItemState::Held {
        e.push(
            "cev_Kind",
            "item_gone",
            format!(
                "the item was {}: its chain of custody is closed",
                state.as_str()
            ),
        );
        return Err(e);
    }
    if form.kind == CustodyEventKind::Collected {
        e.push(
            "cev_Kind",
            "already_collected",
            "the item was collected when it was registered",
        );
        return Err(e);
    }
    let to = short(&mut e, "cev_To", &form.to, "say to whom");
    if form.kind == CustodyEventKind::Transferred && to.eq_ignore_ascii_case(holder.trim()) {
        e.push("cev_To", "same_holder", "the item is already held by them");
    }
    let reason = long(&mut e, "cev_Reason", &form.reason, "say why");
    moment(&mut e, "cev_At", form.at, last_at, now);
    let (state, new_holder) = match form.kind {
        CustodyEventKind::Transferred => (ItemState::Held, to.clone()),
        CustodyEventKind::Examined | CustodyEventKind::Collected => {
            (ItemState::Held, holder.to_string())
        }
        CustodyEventKind::Returned => (ItemState::Returned, to.clone()),
        CustodyEventKind::Destroyed => (ItemState::Destroyed, String::new()),
    };
    e.into_result(CustodyStep {
        kind: form.kind,
        from: holder.to_string(),
        to,
        at: form.at,
        reason,
        state,
        holder: new_holder,
    })
}

/// The re-check of an item's file at a custody event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum HashCheck {
    /// The item has no file.
    NoFile,
    /// The file hashes as at acquisition.
    Match,
    /// It does not: the file changed, or is gone.
    Mismatch {
        /// The SHA-256 at acquisition (hex).
        expected: String,
        /// The SHA-256 now (hex), or nothing when the file could not be read whole.
        found: Option<String>,
    },
}

impl HashCheck {
    /// Compare the hash at acquisition with the one found now.
    pub fn of(acquired: Option<&str>, found: Option<&str>) -> HashCheck {
        match (acquired, found) {
            (None, _) => HashCheck::NoFile,
            (Some(a), Some(f)) if a.eq_ignore_ascii_case(f) => HashCheck::Match,
            (Some(a), f) => HashCheck::Mismatch {
                expected: a.to_ascii_lowercase(),
                found: f.map(str::to_ascii_lowercase),
            },
        }
    }

    /// Whether it is a mismatch.
    pub fn is_mismatch(&self) -> bool {
        matches!(self, HashCheck::Mismatch { .. })
    }

    /// `no_file`, `match` or `mismatch`.
    pub fn as_str(&self) -> &'static str {
        match self {
            HashCheck::NoFile => "no_file",
            HashCheck::Match => "match",
            HashCheck::Mismatch { .. } => "mismatch",
        }
    }
}

/// Whether a dossier may be made with these items, given as (item number, its file's hash
/// mismatched at some event): a mismatched item goes into a dossier only when the maker states
/// it (`acknowledge`), and then the dossier says so on the item (`dos_Evidence`/`hash_mismatch`
/// otherwise, naming the items).
pub fn dossier_check(items: &[(String, bool)], acknowledge: bool) -> Result<(), ValidationErrors> {
    let bad: Vec<&str> = items
        .iter()
        .filter(|(_, m)| *m)
        .map(|(n, _)| n.as_str())
        .collect();
    if bad.is_empty() || acknowledge {
        return Ok(());
    }
    let mut e = ValidationErrors::default();
    e.push(
        "dos_Evidence",
        "hash_mismatch",
        format!(
            "the file of {} no longer matches its hash at acquisition: state it to go on",
            bad.join(", ")
        ),
    );
    Err(e)
}
