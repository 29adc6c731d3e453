//! The integration tests of `tabara-core`, one module per domain.
//!
//! - `htcds`: every HTCDS picklist against the reference tables in `tests/data/htcds/`.
//! - `properties`: property tests of the parsers and rules that take outside input (its
//!   proptest regressions are read from `tests/proptest-regressions/properties.txt`).

mod htcds;
mod properties;
