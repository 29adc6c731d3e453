//! The referral's state machine: draft → sent → accepted | declined (with a reason) → in
//! progress → completed | closed (with a reason); cancelled by the sender from a draft or a
//! sent referral. Each step is a typed [`Transition`] applied by [`ReferralState::apply`],
//! which checks the state, then the [`Party`] asking, then the reason; a send carries the
//! proof ([`super::Covered`]) that a consent covers it, which only the send check makes.

use serde::Serialize;

use crate::ids::OrganisationId;
use crate::picklist::{Picklist, picklist};
use crate::records::MAX_LONG_TEXT;
use crate::validation::{ValidationErrors, check_characters};

use super::send::Covered;

picklist! {
    /// Where a referral stands.
    ReferralState, fields [] {
        Draft = "draft", "Draft", "Brouillon";
        Sent = "sent", "Sent, awaiting an answer", "Envoyée, en attente de réponse";
        Accepted = "accepted", "Accepted", "Acceptée";
        Declined = "declined", "Declined", "Refusée";
        InProgress = "in_progress", "In progress", "En cours";
        Completed = "completed", "Completed", "Terminée";
        Closed = "closed", "Closed", "Clôturée";
        Cancelled = "cancelled", "Cancelled", "Annulée";
    }
}

picklist! {
    /// A step of a referral, by name (the audit action `referral.<name>`, the button, the
    /// timeline entry).
    TransitionKind, fields [] {
        Send = "send", "Send", "Envoyer";
        Accept = "accept", "Accept", "Accepter";
        Decline = "decline", "Decline", "Refuser";
        Start = "start", "Start the service", "Commencer le service";
        Complete = "complete", "Mark completed", "Marquer comme terminée";
        Close = "close", "Close", "Clôturer";
        Cancel = "cancel", "Cancel", "Annuler";
    }
}

/// How the user asking stands to a referral. Computed by the caller ([`Party::of`] from the
/// agencies, the assignment and the role), like [`crate::permissions::Relation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A user of the sending agency who may act on the case.
    Sender,
    /// A user of the addressed agency the referral is assigned to.
    Assignee,
    /// A supervisor of the addressed agency.
    Supervisor,
    /// Another user of the addressed agency (neither assigned nor a supervisor).
    Colleague,
    /// Anyone else (another agency).
    Outsider,
}

impl Party {
    /// Every party.
    pub const ALL: [Party; 5] = [
        Party::Sender,
        Party::Assignee,
        Party::Supervisor,
        Party::Colleague,
        Party::Outsider,
    ];

    /// The party of a user of `user_agency` (a supervisor or not, assigned the referral or
    /// not) to a referral from `sender` to `recipient`. The sending agency comes first; the
    /// caller checks beforehand that the user may act on the case the referral is from.
    pub fn of(
        user_agency: OrganisationId,
        supervisor: bool,
        assigned: bool,
        sender: OrganisationId,
        recipient: OrganisationId,
    ) -> Party {
        if user_agency == sender {
            Party::Sender
        } else if user_agency != recipient {
            Party::Outsider
        } else if assigned {
            Party::Assignee
        } else if supervisor {
            Party::Supervisor
        } else {
            Party::Colleague
        }
    }

    /// Who assigns a referral to a user of the addressed agency: its supervisors only (the
    /// assignee does not hand it on, the sender does not choose who receives it).
    pub fn may_assign(self) -> bool {
        self == Party::Supervisor
    }

    /// The assignee or a supervisor of the addressed agency: the people who answer and work
    /// on a referral.
    pub fn is_receiver(self) -> bool {
        matches!(self, Party::Assignee | Party::Supervisor)
    }
}

/// A step asked of a referral, with what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Send a draft: only with the proof that a consent covers it ([`super::Outgoing::check`]).
    Send(Covered),
    /// The addressed agency takes the referral on.
    Accept,
    /// The addressed agency declines it, saying why.
    Decline {
        /// Why, as typed.
        reason: String,
    },
    /// The service starts.
    Start,
    /// The service was delivered.
    Complete,
    /// Closed without being completed (the person left, could not be reached…), saying why.
    Close {
        /// Why, as typed.
        reason: String,
    },
    /// The sender withdraws the referral before it is answered.
    Cancel,
}

impl Transition {
    /// The step's name.
    pub fn kind(&self) -> TransitionKind {
        match self {
            Transition::Send(_) => TransitionKind::Send,
            Transition::Accept => TransitionKind::Accept,
            Transition::Decline { .. } => TransitionKind::Decline,
            Transition::Start => TransitionKind::Start,
            Transition::Complete => TransitionKind::Complete,
            Transition::Close { .. } => TransitionKind::Close,
            Transition::Cancel => TransitionKind::Cancel,
        }
    }

    /// The reason as it is kept (trimmed), for a decline or a closure.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Transition::Decline { reason } | Transition::Close { reason } => Some(reason.trim()),
            _ => None,
        }
    }
}

impl TransitionKind {
    /// The state this step leads to from `from`, or `None` when it is out of turn there.
    pub fn next(self, from: ReferralState) -> Option<ReferralState> {
        use ReferralState as S;
        use TransitionKind as T;
        match (self, from) {
            (T::Send, S::Draft) => Some(S::Sent),
            (T::Cancel, S::Draft | S::Sent) => Some(S::Cancelled),
            (T::Accept, S::Sent) => Some(S::Accepted),
            (T::Decline, S::Sent) => Some(S::Declined),
            (T::Start, S::Accepted) => Some(S::InProgress),
            (T::Complete, S::InProgress) => Some(S::Completed),
            (T::Close, S::Accepted | S::InProgress) => Some(S::Closed),
            _ => None,
        }
    }

    /// Whether `party` may take this step: the sender sends and cancels; the assignee or a
    /// supervisor of the addressed agency answers and works on it.
    pub fn allowed(self, party: Party) -> bool {
        match self {
            TransitionKind::Send | TransitionKind::Cancel => party == Party::Sender,
            TransitionKind::Accept
            | TransitionKind::Decline
            | TransitionKind::Start
            | TransitionKind::Complete
            | TransitionKind::Close => party.is_receiver(),
        }
    }

    /// The field a reason of this step is checked under, for the steps that need one.
    fn reason_field(self) -> Option<&'static str> {
        match self {
            TransitionKind::Decline => Some("ref_DeclineReason"),
            TransitionKind::Close => Some("ref_CloseReason"),
            _ => None,
        }
    }
}

impl ReferralState {
    /// Declined, completed, closed and cancelled referrals take no further step.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ReferralState::Declined
                | ReferralState::Completed
                | ReferralState::Closed
                | ReferralState::Cancelled
        )
    }

    /// The steps `party` may take now (the buttons to show).
    pub fn available(self, party: Party) -> Vec<TransitionKind> {
        TransitionKind::ALL
            .iter()
            .copied()
            .filter(|t| t.next(self).is_some() && t.allowed(party))
            .collect()
    }

    /// Whether `party` sees what the referral shares: the sender always (it is its own
    /// record); the assignee and the supervisors of the addressed agency from the moment it
    /// is sent until it is declined or cancelled; nobody else, ever.
    pub fn shares_with(self, party: Party) -> bool {
        match party {
            Party::Sender => true,
            Party::Assignee | Party::Supervisor => !matches!(
                self,
                ReferralState::Draft | ReferralState::Declined | ReferralState::Cancelled
            ),
            Party::Colleague | Party::Outsider => false,
        }
    }

    /// Whether `party` may take a step of `kind` now, before what the step carries is looked
    /// at: `ref_Status`/`out_of_turn` (not a step from this state), then
    /// `ref_Party`/`not_allowed` (not this party's step). [`ReferralState::apply`] runs the same
    /// check first; a send runs it before the consent check, which needs the state to be right.
    pub fn check_turn(self, kind: TransitionKind, party: Party) -> Result<(), ValidationErrors> {
        if kind.next(self).is_none() {
            return Err(refusal(
                "ref_Status",
                "out_of_turn",
                format!(
                    "a referral that is {} cannot {}",
                    self.as_str(),
                    kind.as_str()
                ),
            ));
        }
        if !kind.allowed(party) {
            let who = if kind == TransitionKind::Send || kind == TransitionKind::Cancel {
                "only the sending agency"
            } else {
                "only the assignee or a supervisor of the addressed agency"
            };
            return Err(refusal(
                "ref_Party",
                "not_allowed",
                format!("{who} may {} this referral", kind.as_str()),
            ));
        }
        Ok(())
    }

    /// Apply `transition` asked by `party`: the state it leads to, or the first broken rule:
    /// `ref_Status`/`out_of_turn` (not a step from this state, e.g. completing a declined
    /// referral), `ref_Party`/`not_allowed` (e.g. accepting one's own referral), then for a
    /// decline or a closure `ref_DeclineReason` / `ref_CloseReason` with `required`,
    /// `control_characters` or `max_length`.
    pub fn apply(
        self,
        transition: &Transition,
        party: Party,
    ) -> Result<ReferralState, ValidationErrors> {
        let kind = transition.kind();
        self.check_turn(kind, party)?;
        let next = kind.next(self).expect("checked by check_turn");
        if let (Some(field), Some(reason)) = (kind.reason_field(), transition.reason()) {
            let mut e = ValidationErrors::default();
            if reason.is_empty() {
                e.push(field, "required", "give the reason");
            }
            check_characters(&mut e, field, reason, true);
            if reason.chars().count() > MAX_LONG_TEXT {
                e.push(field, "max_length", "the reason is too long");
            }
            e.into_result(())?;
        }
        Ok(next)
    }
}

fn refusal(field: &'static str, rule: &'static str, message: String) -> ValidationErrors {
    let mut e = ValidationErrors::default();
    e.push(field, rule, message);
    e
}
