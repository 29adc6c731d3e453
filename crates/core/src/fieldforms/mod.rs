//! Offline field capture (issue 16): Tabara's forms for ODK Collect and KoboCollect, generated
//! from Tabara's own definitions (`xform`: the XForm as data and its rendering with its
//! version; `definitions`: the intake, screening, document and referral forms), and what a
//! phone sends back (`submission`: the instance read into its keys and answers; `merge`: the
//! three-way rule of a phone's edit). No I/O: the
//! web crate serves the OpenRosa endpoints, the store keeps the submissions.

pub mod definitions;
pub mod merge;
pub mod submission;
pub mod xform;

pub use definitions::*;
pub use merge::*;
pub use submission::*;
pub use xform::*;
