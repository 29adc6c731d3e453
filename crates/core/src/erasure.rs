//! Erasure of a person and the legal holds that make it wait (issue 13).
//!
//! Erasing a person destroys their data key ([`crate::protect::DataKey`]): their identity, its
//! history and every copy sealed under that key (backups taken before included) no longer
//! open. What is not identifying stays (the person's facts, their place in cases, statistics).
//! Erasure is asked on a ground, never in free words (free words about a person would
//! themselves identify them). A case under investigation or before a court holds its persons:
//! an erasure asked while a hold is placed waits, says which cases hold it, and is carried out
//! by the daily job once the last hold is lifted.

use crate::picklist::picklist;
use crate::validation::ValidationErrors;

picklist! {
    /// Why a person is erased.
    ErasureGround, fields ["era_Ground"] {
        SubjectRequest = "subject_request", "The person asked to be erased", "La personne a demandé l'effacement";
        ConsentWithdrawn = "consent_withdrawn", "Consent withdrawn", "Consentement retiré";
        RetentionEnded = "retention_ended", "Retention period over", "Durée de conservation écoulée";
        RegisteredInError = "registered_in_error", "Registered in error", "Enregistré(e) par erreur";
    }
}

picklist! {
    /// Why a case is held (its persons cannot be erased).
    HoldKind, fields ["hld_Kind"] {
        Investigation = "investigation", "Under investigation", "En cours d'enquête";
        Court = "court", "Before a court", "Devant un tribunal";
    }
}

/// The longest reference a hold cites (a court file or investigation number: never a name).
pub const MAX_HOLD_REFERENCE: usize = 80;

/// A hold's reference, checked: required, one line, at most [`MAX_HOLD_REFERENCE`] characters.
pub fn check_hold_reference(text: &str) -> Result<String, ValidationErrors> {
    let t = text.trim();
    let mut e = ValidationErrors::default();
    if t.is_empty() {
        e.push(
            "hld_Reference",
            "required",
            "give the investigation or court file number",
        );
    } else if t.chars().count() > MAX_HOLD_REFERENCE {
        e.push(
            "hld_Reference",
            "too_long",
            format!("at most {MAX_HOLD_REFERENCE} characters"),
        );
    } else if t.chars().any(char::is_control) {
        e.push(
            "hld_Reference",
            "control_characters",
            "one line, no control characters",
        );
    }
    e.into_result(t.to_string())
}

/// What an erasure asked for comes to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ErasureOutcome {
    /// The data key is destroyed.
    Erased,
    /// Held by these cases (their numbers); erased once the last hold is lifted.
    Waiting {
        /// The case numbers whose holds stop it.
        held_by: Vec<String>,
    },
    /// The person was erased before.
    AlreadyErased,
}

/// Whether an erasure goes ahead: only when no case holds the person.
pub fn decide(holding_cases: Vec<String>) -> ErasureOutcome {
    if holding_cases.is_empty() {
        ErasureOutcome::Erased
    } else {
        let mut held_by = holding_cases;
        held_by.sort();
        held_by.dedup();
        ErasureOutcome::Waiting { held_by }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picklist::Picklist;

    #[test]
    fn a_hold_makes_erasure_wait_and_names_the_cases() {
        assert_eq!(decide(vec![]), ErasureOutcome::Erased);
        assert_eq!(
            decide(vec![
                "TBR-000009".into(),
                "TBR-000002".into(),
                "TBR-000009".into()
            ]),
            ErasureOutcome::Waiting {
                held_by: vec!["TBR-000002".into(), "TBR-000009".into()]
            }
        );
    }

    #[test]
    fn references_are_bounded_single_lines() {
        assert_eq!(
            check_hold_reference(" RMP 123/2026 ").unwrap(),
            "RMP 123/2026"
        );
        let rule = |t: &str| check_hold_reference(t).unwrap_err().0[0].rule;
        assert_eq!(rule("  "), "required");
        assert_eq!(rule(&"x".repeat(81)), "too_long");
        assert_eq!(rule("a\nb"), "control_characters");
        assert_eq!(
            ErasureGround::parse("subject_request"),
            Ok(ErasureGround::SubjectRequest)
        );
        assert_eq!(HoldKind::parse("Court"), Ok(HoldKind::Court));
    }
}
