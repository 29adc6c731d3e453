//! The records of the register, following HTCDS v2.0: organisations and their offices, persons
//! (case facts apart from identifying data), cases with the persons involved and their context
//! (victim or perpetrator), case comments and consent records.
//!
//! A person's identifying data ([`PersonIdentity`]: names, date of birth, contacts, document
//! numbers, free-text notes) is a separate type from the facts ([`PersonFacts`]) so that
//! statistics never need it, reading it can be audited, and it can be encrypted with a
//! per-person key.

/// Longest name or short text field accepted.
pub const MAX_SHORT_TEXT: usize = 200;
/// Longest free-text field accepted (comments, notes).
pub const MAX_LONG_TEXT: usize = 20_000;

mod cases;
mod consent;
mod directory;
pub(crate) mod fields;
mod persons;

pub use cases::*;
pub use consent::*;
pub use directory::*;
pub use fields::{age_on, parse_date};
pub use persons::*;
