//! Tabara's domain: HTCDS records and value lists, validation, roles and password rules.
//!
//! This crate does no I/O and knows neither SQL nor HTTP. Everything here is a pure function
//! or a plain data type, so the rules can be tested exhaustively and reused by every front end.
#![deny(missing_docs)]

pub mod alerts;
pub mod audit;
pub mod checkpoint;
pub mod child;
pub mod countries;
pub mod decision;
pub mod documents;
pub mod erasure;
pub mod export;
pub mod fieldforms;
pub mod files;
pub mod htcds;
pub mod ids;
pub mod investigation;
pub mod materials;
pub mod merkle;
pub mod palermo;
pub mod password;
pub mod pathway;
pub mod permissions;
pub mod picklist;
pub mod protect;
pub mod records;
pub mod referral;
pub mod retention;
pub mod risk;
pub mod role;
pub mod screening;
pub mod services;
pub mod stats;
pub mod support;
pub mod totp;
pub mod training;
pub mod validation;

pub use countries::Country;
pub use picklist::{Lang, Picklist, ValueSet};
pub use role::Role;
/// Machine-readable zones of travel documents (ICAO Doc 9303), the `tabara-mrz` crate.
pub use tabara_mrz as mrz;
