//! Tabara's storage: one API over an embedded SQLite file or a PostgreSQL server.
//!
//! `Store` is not generic: it holds an enum of the two native sqlx pools, and each call is
//! dispatched to the query module of the running backend. Nothing outside this crate knows
//! which backend runs.
//!
//! ## Layout: one module per domain, each query written once, compiled once per backend
//!
//! A domain (`directory`, `access`, `persons`, `cases`, `screening`, `training`, `materials`,
//! `referrals`, `audit`, `register`) is a folder: `mod.rs` holds its types and its `impl Store` block (the
//! public methods, each a one-line `dispatch!`), and `queries.rs` (which mounts the domain's
//! other query files, if any, and re-exports them) holds the SQL. `mod.rs` mounts `queries.rs`
//! twice, under a `sqlite` and a `postgres` module marked `#[path = "."]`; each of those
//! starts with `use crate::backend::sqlite::*` (or `postgres`), which brings `Db`, `Pool`,
//! `Tx`, `DbRow`, `DIALECT` and the shared helpers of `backend/common.rs` (`begin`,
//! `append_audit` and `audit` for one entry, `record_change`, `check_version` and
//! `ensure_updated`, `or_not_found` and `ensure_found`, the input rules `text_rule`,
//! `long_text_rule` and `refuse`, value conversions), itself mounted once per backend the same
//! way. So a query body exists once in the source, but is compiled twice with fully concrete
//! types: no generic bounds over `sqlx::Database`, native encodings (UUID as BLOB or `uuid`,
//! dates, timestamps, booleans), and the dialect differences (`BEGIN IMMEDIATE` against
//! `SELECT … FOR UPDATE`) are `match DIALECT` side by side in one place. The domains a
//! domain's queries call are named in its mounts (`use crate::cases::sqlite::queries as
//! cases;`), so the dependencies between domains are written down in one place. The query
//! files are real modules with their own `use` lines: rustfmt, clippy and rust-analyzer reach
//! them (no `include!`).
//!
//! Why not generic functions over `sqlx::Database`: the bounds for every encoded type on both
//! backends would fill each signature, and the compiler errors would name traits instead of
//! columns. Why not one trait with two implementations: every query would be written twice.
//!
//! Adding a domain: a folder with `mod.rs` (types, `impl Store`, the two mounts) and `queries.rs`
//! (with any further query files), a migration pair (`migrations/sqlite`, `migrations/postgres`,
//! same number), and its `mod` line below; its tests are a file in `tests/store/` (one binary, a
//! module per domain, each test expanded by `store_test!` into a SQLite and a PostgreSQL case), and
//! each audit action it adds needs its scenario in `tests/store/actions.rs` (which does not compile
//! without one). Placeholders are `$n` on both backends, always in ascending order of first
//! appearance (SQLite numbers them that way).
//!
//! Invariants:
//! - every change is written in one transaction together with its audit entries (typed
//!   [`AuditAction`]s; the rules that decide a change live in `tabara_core`) and, for an
//!   update, the earlier values in `record_history`;
//! - an update names the version it was based on and is refused if the record moved on;
//! - identifying data of a person lives in `person_identities` and is read only through
//!   [`Store::read_identity`] (and the identity export), which writes an audit entry.
#![deny(missing_docs)]
// Mounting each query file once per backend is the design (see above), not a mistake.
#![allow(clippy::duplicate_mod)]

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tabara_core::protect::MasterKey;
use tabara_core::validation::ValidationErrors;

/// Call the query function of the running backend: `dispatch!(self, f(a, b))` runs
/// `sqlite::queries::f(pool, a, b)` or `postgres::queries::f(pool, a, b)` of the calling
/// domain.
macro_rules! dispatch {
    ($self:ident, $f:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            $crate::Backend::Sqlite(pool) => sqlite::queries::$f(pool, $($arg),*).await,
            $crate::Backend::Postgres(pool) => postgres::queries::$f(pool, $($arg),*).await,
        }
    };
}

mod backend;

pub mod access;
pub mod alerts;
pub mod audit;
pub mod backup;
pub mod cases;
pub mod directory;
pub mod documents;
pub mod erasure;
pub mod field;
pub mod files;
pub mod investigations;
pub mod keys;
pub mod materials;
pub mod pathways;
pub mod persons;
pub mod referrals;
pub mod register;
pub mod retention;
pub mod risk;
pub mod screening;
pub mod second_factor;
pub mod services;
pub mod support;
pub mod testing;
pub mod training;

pub use access::{
    AccountRequest, AccountRequestKind, CaseShare, Credentials, FirstCredential, ResetNotice,
    Session, Viewer, token_hash,
};
pub use alerts::{
    Delivery, DeliveryFuture, DeliveryReport, DeliveryState, Notification, RunReport,
};
pub use audit::{
    Actor, AuditEntry, CheckpointCheck, ConsistencyProof, InclusionProof, Problem,
    StoredCheckpoint, ToAuditAction, Verification,
};
pub use cases::{
    CaseComment, CaseDetails, CaseFilter, CasePerson, CaseSummary, HistoryEntry, NAME_SEARCH_KEYS,
    NewCase, Page, PageRequest,
};
pub use directory::{NewUser, User};
pub use investigations::{
    CustodyEvent, CustodyListed, CustodyRecord, Dossier, EvidenceItem, Investigation,
    InvestigationFile, NewEvidence, OffenceRecord, Task,
};
pub use materials::{Distribution, MAX_MOVEMENT_QUANTITY, MaterialItem, StockLine};
pub use pathways::{ChildPathway, PathwayStep};
pub use referrals::{
    InboxCounts, InboxSide, MAX_INBOX_OFFSET, NewReferral, Referral, ReferralConsent,
    ReferralDetails, ReferralEvent, ReferralStep, SharedStamps,
};
pub use register::{Batch, BatchCase, ExportRow, ReferralFigures, RegisterStats};
pub use risk::{MAX_RISK_LIST, RiskAssessment};
pub use screening::{DecisionInput, DecisionKind, Screening, ScreeningDecision, ScreeningState};
pub use services::{MAX_PROVIDER_LIST, ProviderQuery, ServiceProvider};
pub use support::{FollowUp, MAX_SUPPORT_LIST, Recorded, SupportPlan};
pub use tabara_core::audit::AuditAction;
pub use training::{
    CertificateRecord, NewParticipant, NewTrainingSession, Participant, SessionModule,
    TrainingSession,
};

/// Which SQL dialect a query module speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3 (bundled).
    Sqlite,
    /// PostgreSQL 13 or later.
    Postgres,
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist.
    #[error("{kind} {id} not found")]
    NotFound {
        /// Kind of record.
        kind: &'static str,
        /// Its id or number.
        id: String,
    },
    /// The record changed since the caller read it (optimistic concurrency).
    #[error(
        "{kind} {id} was changed by someone else (you edited version {expected}, it is now at \
            version {actual}); reload it and apply your change again"
    )]
    Conflict {
        /// Kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The version the caller based the change on.
        expected: i64,
        /// The version in the store.
        actual: i64,
    },
    /// A unique value is already taken.
    #[error("{what} '{value}' already exists")]
    Duplicate {
        /// What must be unique.
        what: &'static str,
        /// The value.
        value: String,
    },
    /// The input breaks a rule.
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    /// The database holds a value Tabara does not understand.
    #[error("corrupt value in the database: {0}")]
    Corrupt(String),
    /// The database location is wrong.
    #[error("{0}")]
    Location(LocationProblem),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The register's keys were wrapped by another master key than the one given.
    #[error(
        "this register's keys were made under master key {expected}, not under the key given             ({given}): give the register's own key file"
    )]
    WrongKey {
        /// The id of the master key the register expects.
        expected: tabara_core::protect::KeyId,
        /// The id of the key given.
        given: tabara_core::protect::KeyId,
    },
    /// A backup was refused.
    #[error("{0}")]
    Backup(Box<crate::backup::BackupError>),
    /// A rotation of the master key was interrupted: it is finished first.
    #[error(
        "a rotation of the master key from {from} to {to} was interrupted: run `tabara key \
            rotate` again with both key files to finish it"
    )]
    RotationUnfinished {
        /// The id of the master key being replaced.
        from: String,
        /// The id of the new one.
        to: String,
    },
}

/// Result of a store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One broken rule of the input, as a store error.
pub(crate) fn refuse(
    field: &'static str,
    rule: &'static str,
    message: impl Into<String>,
) -> StoreError {
    let mut e = ValidationErrors::default();
    e.push(field, rule, message);
    StoreError::Invalid(e)
}

/// Why a `--database` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocationProblem {
    /// Nothing was given.
    Empty,
    /// A URL scheme other than `sqlite:` or `postgres://`.
    UnknownScheme(String),
    /// No SQLite file there (and creating one was not asked for).
    MissingFile(PathBuf),
    /// The folder of the SQLite file does not exist.
    MissingFolder(PathBuf),
}

impl std::fmt::Display for LocationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LocationProblem::Empty => f.write_str("the database location is empty"),
            LocationProblem::UnknownScheme(s) => write!(
                f,
                "unknown database scheme '{s}': use a file path, sqlite:PATH or postgres://…"
            ),
            LocationProblem::MissingFile(p) => write!(
                f,
                "no Tabara database at {}: create one with `tabara init` or `tabara demo`, or \
                    pass --database",
                p.display()
            ),
            LocationProblem::MissingFolder(p) => write!(f, "folder {} does not exist", p.display()),
        }
    }
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

impl Location {
    /// Read a `--database` value: a `postgres://` (or `postgresql://`) URL, an `sqlite:` URL,
    /// or a plain file path.
    pub fn parse(s: &str) -> Result<Location> {
        let s = s.trim();
        if s.is_empty() {
            return Err(StoreError::Location(LocationProblem::Empty));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Location::Postgres(s.to_string()));
        }
        if let Some(rest) = s.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            return Ok(Location::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = s.split_once("://") {
            return Err(StoreError::Location(LocationProblem::UnknownScheme(
                scheme.to_string(),
            )));
        }
        Ok(Location::Sqlite(PathBuf::from(s)))
    }

    /// The location without any password, for messages and logs.
    pub fn redacted(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
                _ => url.clone(),
            },
        }
    }
}

/// How to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The database must exist already (a typo must not silently create an empty register).
    Existing,
    /// Create the SQLite file if it is missing.
    CreateIfMissing,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The register. Cheap to clone (pools and keys are shared).
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    keys: std::sync::Arc<keys::Keys>,
    /// Where files' sealed chunks are kept (the register's own table by default).
    blobs: std::sync::Arc<dyn files::Blobs>,
    /// The legal catalogue of investigations (the shipped one unless set).
    legal: std::sync::Arc<tabara_core::investigation::LegalCatalogue>,
}

impl Store {
    /// Open a register with its master key (from its key file: see [`keys`]) and bring its
    /// schema up to date; a register whose keys another master key wrapped is refused
    /// ([`StoreError::WrongKey`]).
    pub async fn open(location: &Location, mode: OpenMode, master: MasterKey) -> Result<Store> {
        let mut store = Store::connect(location, mode, master).await?;
        store.unlock().await?;
        store.seal_plain_identities().await?;
        Ok(store)
    }

    /// Connect and bring the schema up to date, with `master` in hand but the register's
    /// keys not yet opened.
    pub(crate) async fn connect(
        location: &Location,
        mode: OpenMode,
        master: MasterKey,
    ) -> Result<Store> {
        let backend = match location {
            Location::Sqlite(path) => Backend::Sqlite(open_sqlite(path, mode).await?),
            Location::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .max_connections(10)
                    .acquire_timeout(Duration::from_secs(15))
                    .connect(url)
                    .await?;
                Backend::Postgres(pool)
            }
        };
        // A fresh index key, kept by `migrate` when the register has none yet; `unlock` then
        // takes the register's own.
        let fresh = keys::Keys {
            master,
            index: tabara_core::protect::IndexKey::generate(),
            previous: None,
        };
        let store = Store {
            blobs: std::sync::Arc::new(files::RegisterBlobs::new(backend.clone())),
            legal: std::sync::Arc::new(
                tabara_core::investigation::LegalCatalogue::embedded()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    .clone(),
            ),
            backend,
            keys: std::sync::Arc::new(fresh),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Apply pending migrations of the backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        self.keep_keys().await?;
        self.end_bulk_load().await
    }

    /// The backend's dialect.
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Close every connection.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(pool) => pool.close().await,
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

async fn open_sqlite(path: &Path, mode: OpenMode) -> Result<SqlitePool> {
    if mode == OpenMode::Existing && !path.exists() {
        return Err(StoreError::Location(LocationProblem::MissingFile(
            path.to_path_buf(),
        )));
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
        && !parent.exists()
    {
        return Err(StoreError::Location(LocationProblem::MissingFolder(
            parent.to_path_buf(),
        )));
    }
    if mode == OpenMode::CreateIfMissing && !path.exists() {
        create_owner_only(path)?;
    }
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(mode == OpenMode::CreateIfMissing)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        // Deleted content (an erased person's key, an identity's older sealed value) is
        // overwritten in the file, not left in free pages.
        .pragma("secure_delete", "ON")
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-16384")
        .pragma("temp_store", "memory");
    Ok(SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?)
}

/// Create an empty register file readable and writable by its owner only (0600 on Unix): it
/// holds victims' identities. SQLite gives the `-wal` and `-shm` files it creates next to it the
/// same mode.
fn create_owner_only(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        // Another process created it in between: open it as it is.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Database(sqlx::Error::Io(e))),
    }
}
