//! Integration tests of `tabara-store` through its public API. Every `store_test!` runs twice,
//! on a fresh SQLite file (`name::sqlite`) and on a fresh PostgreSQL database
//! (`name::postgres`). Raw SQL appears only where a test plays an attacker who edits the audit
//! table behind Tabara's back.
//!
//! One test binary, one module per domain (adding a domain adds a file); `common` holds the
//! fixtures and assertions, and `tabara_store::store_test!` expands each test into a SQLite
//! and a PostgreSQL case.

mod access;
mod accounts;
mod actions;
mod alerts;
mod audit;
mod backup;
mod case_list;
mod cases;
mod common;
mod concurrency;
mod directory;
mod documents;
mod erasure;
mod field;
mod figures;
mod files;
mod investigations;
mod keys;
mod locations;
mod materials;
mod notes;
mod pathways;
mod persons;
mod referrals;
mod register;
mod retention;
mod risk;
mod screening;
mod services;
mod support;
mod texts;
mod training;
