//! The integration tests of `tabara-i18n`, one module per concern.
//!
//! - `formatting`: every message of every catalogue formats without a Fluent error given the
//!   variables it references; a message formatted without its variable, or one that names an
//!   unknown message, is an error that is not thrown away.

mod formatting;
