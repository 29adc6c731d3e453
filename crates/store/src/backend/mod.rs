//! The two backends. Each module fixes the sqlx database (`Db`) and the dialect (`DIALECT`) and
//! mounts [`common.rs`](common) — transactions, the audit append, history, version checks,
//! value conversions — so that every query module mounted under a domain's `sqlite` or
//! `postgres` module finds them with `use super::*` and is compiled with native types.

#[path = "."]
pub(crate) mod sqlite {
    /// The sqlx database.
    pub(crate) type Db = sqlx::Sqlite;
    /// Its dialect.
    pub(crate) const DIALECT: crate::Dialect = crate::Dialect::Sqlite;
    #[path = "common.rs"]
    mod common;
    pub(crate) use common::*;
}

#[path = "."]
pub(crate) mod postgres {
    /// The sqlx database.
    pub(crate) type Db = sqlx::Postgres;
    /// Its dialect.
    pub(crate) const DIALECT: crate::Dialect = crate::Dialect::Postgres;
    #[path = "common.rs"]
    mod common;
    pub(crate) use common::*;
}
