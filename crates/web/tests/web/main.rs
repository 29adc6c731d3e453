//! The web application over real HTTP, on SQLite and PostgreSQL: sign-in, sessions, CSRF,
//! need-to-know (a record out of reach answers 404), audited identity reads, languages; and
//! in a real headless browser. One module per domain; every store-backed test expands into
//! a SQLite and a PostgreSQL case (`store_test!`).

mod common;

mod accounts;
mod admin;
mod api;
mod audit;
mod auth;
mod browser;
mod cases;
mod csrf;
mod documents;
mod edit;
mod field;
mod figures;
mod files;
mod intake;
mod investigations;
mod layers;
mod materials;
mod matrix;
mod notifications;
mod pathway;
mod policy;
mod referrals;
mod risk;
mod screening;
mod second_factor;
mod services;
mod sharing;
mod support;
mod training;
mod world;
