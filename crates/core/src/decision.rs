//! The screening's state machine and the officer's decision on it, as pure rules: the store
//! persists what these functions decide and nothing else.
//!
//! A screening is a draft (saved and resumed) until it is completed (evaluated; the answers no
//! longer change). A completed screening is decided once: the officer confirms the status the
//! engine suggests, or overrides it with another status and a reason.

use serde::Serialize;

use crate::audit::AuditAction;
use crate::htcds::TraffickingStatus;
use crate::records::MAX_LONG_TEXT;
use crate::validation::{ValidationErrors, is_forbidden_char};

/// Where a screening stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreeningState {
    /// Being filled; can be saved and resumed.
    Draft,
    /// Evaluated; the answers no longer change.
    Completed,
}

impl ScreeningState {
    /// `draft` or `completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScreeningState::Draft => "draft",
            ScreeningState::Completed => "completed",
        }
    }

    /// The state stored under this name.
    pub fn from_stored(s: &str) -> Option<ScreeningState> {
        match s {
            "draft" => Some(ScreeningState::Draft),
            "completed" => Some(ScreeningState::Completed),
            _ => None,
        }
    }

    /// Whether the draft's answers may be saved: only a draft changes.
    pub fn check_save(self) -> Result<(), ValidationErrors> {
        self.check_draft("a completed screening cannot change; start a new one")
    }

    /// Whether the screening may be completed: a draft is completed once.
    pub fn check_complete(self) -> Result<(), ValidationErrors> {
        self.check_draft("this screening is already completed")
    }

    /// Ok for a draft; a completed screening is refused with `message`.
    fn check_draft(self, message: &str) -> Result<(), ValidationErrors> {
        match self {
            ScreeningState::Draft => Ok(()),
            ScreeningState::Completed => Err(refusal("scr_State", "completed", message)),
        }
    }
}

/// What the officer did with the engine's suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// The suggestion is taken.
    Confirmed,
    /// Another status is decided, with a reason.
    Overridden,
}

impl DecisionKind {
    /// `confirmed` or `overridden`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Confirmed => "confirmed",
            DecisionKind::Overridden => "overridden",
        }
    }

    /// The kind stored under this name.
    pub fn from_stored(s: &str) -> Option<DecisionKind> {
        match s {
            "confirmed" => Some(DecisionKind::Confirmed),
            "overridden" => Some(DecisionKind::Overridden),
            _ => None,
        }
    }

    /// The audit action that records a decision of this kind.
    pub fn action(self) -> AuditAction {
        match self {
            DecisionKind::Confirmed => AuditAction::ScreeningConfirm,
            DecisionKind::Overridden => AuditAction::ScreeningOverride,
        }
    }
}

/// The screening as the decision rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decidable {
    /// Draft or completed.
    pub state: ScreeningState,
    /// A decision was taken already.
    pub decided: bool,
    /// The status the engine suggested, if any.
    pub suggested: Option<TraffickingStatus>,
}

/// What the officer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionRequest<'a> {
    /// Confirm or override.
    pub kind: DecisionKind,
    /// The status chosen (required to override; ignored to confirm).
    pub status: Option<TraffickingStatus>,
    /// Why (required to override), as typed.
    pub reason: &'a str,
}

/// What the rule decided: the status to store and the reason as it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// Confirmed or overridden.
    pub kind: DecisionKind,
    /// The decided trafficking status.
    pub status: TraffickingStatus,
    /// The reason trimmed; `None` when empty.
    pub reason: Option<String>,
}

impl Decidable {
    /// Decide: the screening must be completed and not decided yet; the reason holds no
    /// control character and is at most [`MAX_LONG_TEXT`] characters; a confirmation needs a
    /// suggested status; an override needs a reason and a status. The first broken rule is
    /// returned, named by field and rule.
    pub fn decide(&self, request: DecisionRequest<'_>) -> Result<Decided, ValidationErrors> {
        if self.state != ScreeningState::Completed {
            return Err(refusal(
                "scr_State",
                "not_completed",
                "complete the screening before deciding",
            ));
        }
        if self.decided {
            return Err(refusal(
                "scr_Decision",
                "already_decided",
                "this screening was already decided; screen again to revise",
            ));
        }
        let reason = request.reason.trim();
        if reason.chars().any(|c| is_forbidden_char(c, true)) {
            return Err(refusal(
                "scr_DecisionReason",
                "control_characters",
                "the reason holds a control character",
            ));
        }
        if reason.chars().count() > MAX_LONG_TEXT {
            return Err(refusal(
                "scr_DecisionReason",
                "max_length",
                "the reason is too long",
            ));
        }
        let status = match request.kind {
            DecisionKind::Confirmed => self.suggested.ok_or_else(|| {
                refusal(
                    "scr_Decision",
                    "nothing_to_confirm",
                    "no status is suggested: choose one and give the reason",
                )
            })?,
            DecisionKind::Overridden => {
                if reason.is_empty() {
                    return Err(refusal(
                        "scr_DecisionReason",
                        "required",
                        "an override needs a reason",
                    ));
                }
                request
                    .status
                    .ok_or_else(|| refusal("scr_DecidedStatus", "required", "choose the status"))?
            }
        };
        Ok(Decided {
            kind: request.kind,
            status,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
        })
    }
}

fn refusal(field: &'static str, rule: &'static str, message: &str) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    e.push(field, rule, message);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::htcds::TraffickingStatus;
    use crate::picklist::Picklist;

    const COMPLETED: Decidable = Decidable {
        state: ScreeningState::Completed,
        decided: false,
        suggested: None,
    };

    fn status() -> TraffickingStatus {
        TraffickingStatus::ALL[0]
    }

    fn other_status() -> TraffickingStatus {
        TraffickingStatus::ALL[1]
    }

    #[track_caller]
    fn refused(r: Result<Decided, ValidationErrors>, field: &str, rule: &str) {
        let e = r.expect_err("refused");
        assert_eq!(e.0.len(), 1, "{e:?}");
        assert_eq!((e.0[0].field, e.0[0].rule), (field, rule));
    }

    fn confirm(reason: &str) -> DecisionRequest<'_> {
        DecisionRequest {
            kind: DecisionKind::Confirmed,
            status: None,
            reason,
        }
    }

    fn overrule(status: Option<TraffickingStatus>, reason: &str) -> DecisionRequest<'_> {
        DecisionRequest {
            kind: DecisionKind::Overridden,
            status,
            reason,
        }
    }

    #[test]
    fn only_a_completed_undecided_screening_is_decided() {
        let draft = Decidable {
            state: ScreeningState::Draft,
            suggested: Some(status()),
            ..COMPLETED
        };
        refused(draft.decide(confirm("")), "scr_State", "not_completed");
        let decided = Decidable {
            decided: true,
            suggested: Some(status()),
            ..COMPLETED
        };
        refused(
            decided.decide(confirm("")),
            "scr_Decision",
            "already_decided",
        );
    }

    #[test]
    fn confirming_takes_the_suggestion_and_needs_one() {
        refused(
            COMPLETED.decide(confirm("")),
            "scr_Decision",
            "nothing_to_confirm",
        );
        let suggested = Decidable {
            suggested: Some(status()),
            ..COMPLETED
        };
        // A status given with a confirmation is ignored: the suggestion is what is confirmed.
        let d = suggested
            .decide(DecisionRequest {
                status: Some(other_status()),
                ..confirm("  ")
            })
            .unwrap();
        assert_eq!(
            d,
            Decided {
                kind: DecisionKind::Confirmed,
                status: status(),
                reason: None
            }
        );
        assert_eq!(d.kind.action(), AuditAction::ScreeningConfirm);
    }

    #[test]
    fn overriding_needs_a_reason_and_a_status() {
        refused(
            COMPLETED.decide(overrule(Some(status()), "   ")),
            "scr_DecisionReason",
            "required",
        );
        refused(
            COMPLETED.decide(overrule(None, "seen the passport")),
            "scr_DecidedStatus",
            "required",
        );
        let d = COMPLETED
            .decide(overrule(Some(other_status()), "  seen the passport \n"))
            .unwrap();
        assert_eq!(d.status, other_status());
        assert_eq!(d.reason.as_deref(), Some("seen the passport"));
        assert_eq!(d.kind.action(), AuditAction::ScreeningOverride);
    }

    #[test]
    fn the_reason_is_checked_before_the_kind() {
        let suggested = Decidable {
            suggested: Some(status()),
            ..COMPLETED
        };
        refused(
            suggested.decide(confirm("a\u{7}b")),
            "scr_DecisionReason",
            "control_characters",
        );
        let long = "x".repeat(MAX_LONG_TEXT + 1);
        refused(
            suggested.decide(confirm(&long)),
            "scr_DecisionReason",
            "max_length",
        );
        // At the limit it passes; line breaks are allowed in a reason.
        let at_limit = "x".repeat(MAX_LONG_TEXT);
        assert!(suggested.decide(confirm(&at_limit)).is_ok());
        assert!(suggested.decide(confirm("line one\nline two")).is_ok());
    }

    #[test]
    fn only_a_draft_is_saved_or_completed() {
        assert!(ScreeningState::Draft.check_save().is_ok());
        assert!(ScreeningState::Draft.check_complete().is_ok());
        for e in [
            ScreeningState::Completed.check_save().unwrap_err(),
            ScreeningState::Completed.check_complete().unwrap_err(),
        ] {
            assert_eq!((e.0[0].field, e.0[0].rule), ("scr_State", "completed"));
        }
    }

    #[test]
    fn stored_names_round_trip() {
        for s in [ScreeningState::Draft, ScreeningState::Completed] {
            assert_eq!(ScreeningState::from_stored(s.as_str()), Some(s));
        }
        for k in [DecisionKind::Confirmed, DecisionKind::Overridden] {
            assert_eq!(DecisionKind::from_stored(k.as_str()), Some(k));
        }
        assert_eq!(ScreeningState::from_stored("Draft"), None);
        assert_eq!(DecisionKind::from_stored(""), None);
    }
}
