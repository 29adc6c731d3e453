//! The `tabara` binary end to end, on SQLite and on PostgreSQL: what a user types and sees.
//! One module per domain; `common` runs the binary and reaches into the register.

mod alerts;
mod audit;
mod backup;
mod basics;
mod common;
mod custody;
mod demo;
mod erasure;
mod export;
mod files;
mod keys;
mod language;
mod mrz;
mod screening;
mod serve;
mod users;
