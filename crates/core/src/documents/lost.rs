//! The lost, stolen and fraudulent documents list (issue 15): an entry per document, by
//! issuing state and number, with why it is listed, since when and on whose word. Entries are
//! checked here (an ICAO state code, a document number in MRZ characters, a reason of the
//! list, a reporting day not in the future); a document read is looked up by the same keys.

use chrono::NaiveDate;

use crate::picklist::picklist;
use crate::validation::ValidationErrors;

picklist! {
    /// Why a document is on the list.
    LostReason, fields [] {
        Lost = "lost", "Lost", "Perdu";
        Stolen = "stolen", "Stolen", "Volé";
        Fraudulent = "fraudulent", "Fraudulent", "Frauduleux";
        Revoked = "revoked", "Revoked or cancelled", "Révoqué ou annulé";
    }
}

/// The longest document number kept (TD1 numbers run to 9 + 14 characters).
pub const MAX_NUMBER: usize = 24;

/// A state code as the list keeps it: upper case, fillers trimmed, Germany's `D` as `DEU`.
pub fn state_key(code: &str) -> String {
    let c = code.trim().trim_end_matches('<').to_ascii_uppercase();
    if c == "D" { "DEU".into() } else { c }
}

/// A document number as the list keeps it: upper case, without spaces, dashes or fillers.
pub fn number_key(number: &str) -> String {
    number
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '<' | '\t'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// An entry of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostEntry {
    /// Issuing state (ISO alpha-3 or an ICAO code; `DEU` for Germany).
    pub issuing_state: String,
    /// The document number, as [`number_key`] keeps it.
    pub number: String,
    /// Why it is listed.
    pub reason: LostReason,
    /// When it was reported.
    pub reported_on: NaiveDate,
    /// On whose word (an authority, an extract of a list).
    pub source: String,
}

impl LostEntry {
    /// Check an entry as typed or read from a file; `today` bounds the reporting day. Each
    /// error names its field: `lst_IssuingState`, `lst_Number`, `lst_Reason`, `lst_ReportedOn`,
    /// `lst_Source`.
    pub fn parse(
        issuing_state: &str,
        number: &str,
        reason: &str,
        reported_on: &str,
        source: &str,
        today: NaiveDate,
    ) -> Result<LostEntry, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let state = state_key(issuing_state);
        let known = state == "DEU" || crate::mrz::is_known_code(&state);
        if !known {
            e.push(
                "lst_IssuingState",
                "icao_code",
                "an ICAO code of a state or organisation, e.g. BDI, RWA, TZA",
            );
        }
        let n = number_key(number);
        if n.is_empty() {
            e.push("lst_Number", "required", "the document number");
        } else if n.chars().count() > MAX_NUMBER
            || !n
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            e.push(
                "lst_Number",
                "mrz_characters",
                "letters A–Z and digits only, at most 24",
            );
        }
        let reason = match <LostReason as crate::Picklist>::parse(reason) {
            Ok(r) => Some(r),
            Err(_) => {
                e.push(
                    "lst_Reason",
                    "picklist",
                    "lost, stolen, fraudulent or revoked",
                );
                None
            }
        };
        let day = match NaiveDate::parse_from_str(reported_on.trim(), "%Y-%m-%d") {
            Ok(d) if d > today => {
                e.push("lst_ReportedOn", "future", "a day that has come");
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                e.push("lst_ReportedOn", "date", "a date as YYYY-MM-DD");
                None
            }
        };
        let source = source.trim();
        if source.is_empty() {
            e.push(
                "lst_Source",
                "required",
                "on whose word the document is listed",
            );
        } else if source.chars().count() > 200 {
            e.push("lst_Source", "too_long", "at most 200 characters");
        }
        let reason = e.into_result(reason)?;
        Ok(LostEntry {
            issuing_state: state,
            number: n,
            reason: reason.expect("no error, a reason"),
            reported_on: day.expect("no error, a day"),
            source: source.to_string(),
        })
    }
}
