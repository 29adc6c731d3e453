//! Victim risk assessment: security risk and re-trafficking risk, likelihood × impact on a 5×5
//! matrix (UNODC Anti-human trafficking manual for criminal justice practitioners, module 5,
//! 2009), with the risk factors as data (`data/risk.toml`), a resulting level, a safety plan and
//! the date of the next reassessment. Pure: the store keeps the assessments (their history is
//! the list of them), the web draws the matrix from [`layout`].
//!
//! Rules:
//! - **score** = likelihood (1 rare … 5 almost certain) × impact (1 negligible … 5
//!   life-threatening); **level**: low 1–4, medium 5–9, high 10–16, critical 20–25. No product of
//!   two numbers from 1 to 5 is 17, 18 or 19, so every cell has exactly one level;
//! - **suggestion** from the factors ticked (the caseworker chooses; the suggestion and its
//!   reasons are shown beside the choice and kept with it): likelihood starts at 1 and each
//!   factor present that raises the likelihood adds 1; impact starts at 1 and each factor present
//!   that raises the impact adds 1, and a child (the one rule of [`crate::child`]) adds 1; both are
//!   capped at 5 (a reason says when the cap was reached). What each factor raises is written in
//!   the data file;
//! - a **safety plan** is required at high and critical levels (agreed with the person: IOM
//!   Handbook on Direct Assistance, ch. 1; Bulgarian NRM SOP);
//! - the **next reassessment** is due a number of days after the assessment that depends on the
//!   level ([`ReassessmentPolicy`], default critical 7, high 14, medium 30, low 90); the person is
//!   also reassessed at every contact and after every case event (arrest, release of a suspect,
//!   hearing, return, relocation), which the store and web start;
//! - a **high or critical** level alerts the caseworker and the case's investigator
//!   ([`Assessment::alerts`]).

mod assessment;
#[cfg(test)]
mod assessment_tests;
mod factors;
mod matrix;

pub use assessment::*;
pub use factors::*;
pub use matrix::*;

/// The shipped factors, for the unit tests.
#[cfg(test)]
fn shipped() -> &'static Factors {
    Factors::embedded().expect("the shipped risk factors are valid")
}
