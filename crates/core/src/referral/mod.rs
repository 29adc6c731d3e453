//! Referral of a person between agencies, as pure rules: the services a referral asks for and
//! their answer deadlines ([`service`]), the person's consent per recipient and per purpose
//! ([`consent`]), the check a referral passes to be sent ([`send`]), and the state machine
//! with the party allowed each step ([`state`]). The store persists what these decide.
//!
//! The path of a referral: a draft is written by the sending agency; it is sent only under a
//! consent in force that covers the addressed agency, the services and the data
//! ([`Outgoing::check`] gives the [`Covered`] proof that [`Transition::Send`] carries); the
//! assignee or a supervisor of the addressed agency accepts or declines it (with a reason),
//! starts the service, and completes or closes it (with a reason); the sender may cancel it
//! until it is answered. A sent referral not answered by its due moment ([`due_at`]) is
//! overdue ([`is_overdue`]); urgent ones ([`is_urgent`]) come first in an inbox ([`InboxKey`]).

pub mod consent;
pub mod send;
pub mod service;
pub mod state;

#[cfg(test)]
mod tests;

pub use consent::{Consent, ConsentGiver, DataCategory};
pub use send::{Covered, Outgoing};
pub use service::{
    Deadlines, InboxKey, ServiceType, UrgencyReason, check_answer_by, due_at, is_overdue, is_urgent,
};
pub use state::{Party, ReferralState, Transition, TransitionKind};
