//! Tabara's storage: one API over an embedded SQLite file or a PostgreSQL server.
//!
//! `Store` is not generic: it holds an enum of the two native sqlx pools and dispatches every
//! call to a module of queries compiled once per backend from the same source (`ops.rs`,
//! included by `sqlite` and `postgres` below). Where the dialects differ, the difference is a
//! constant of that module ([`Dialect`]); nothing outside this crate knows which backend runs.
//!
//! Invariants:
//! - every change is written in one transaction together with its audit entries and, for an
//!   update, the earlier values in `record_history`;
//! - an update names the version it was based on and is refused if the record moved on;
//! - identifying data of a person lives in `person_identities` and is read only through
//!   [`Store::read_identity`] (and the identity export), which writes an audit entry.
#![deny(missing_docs)]

pub mod audit;
pub mod testing;
mod types;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono::NaiveDate;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use tabara_core::ids::*;
use tabara_core::records::*;
use tabara_core::validation::ValidationErrors;

pub use audit::{AuditEntry, Problem, Verification};

/// What the register keeps of a session cookie or an API token: the hex SHA-256 of the token,
/// never the token. The one place tokens are hashed, for the pages, the API and the command line.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}
pub use types::*;

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
        "{kind} {id} was changed by someone else (you edited version {expected}, it is now at version {actual}); reload it and apply your change again"
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
}

/// Result of a store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

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
                "no Tabara database at {}: create one with `tabara init` or `tabara demo`, or pass --database",
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

/// The register. Cheap to clone (pools are shared).
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
}

macro_rules! dispatch {
    ($self:ident, $f:ident ( $($arg:expr),* )) => {
        match &$self.backend {
            Backend::Sqlite(pool) => sqlite::$f(pool, $($arg),*).await,
            Backend::Postgres(pool) => postgres::$f(pool, $($arg),*).await,
        }
    };
}

impl Store {
    /// Open a register and bring its schema up to date.
    pub async fn open(location: &Location, mode: OpenMode) -> Result<Store> {
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
        let store = Store { backend };
        store.migrate().await?;
        Ok(store)
    }

    /// Apply pending migrations of the backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
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

    /// Remove every Tabara table and all data (used by `tabara demo --reset`).
    pub async fn wipe(&self) -> Result<()> {
        dispatch!(self, wipe())
    }

    /// Refresh the query planner's statistics; run after a bulk load so that the first queries
    /// on a freshly filled register get good plans.
    pub async fn optimize(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
            Backend::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Counts of the main records.
    pub async fn stats(&self) -> Result<RegisterStats> {
        dispatch!(self, stats())
    }

    // --- organisations, offices, users

    /// Add an organisation.
    pub async fn create_organisation(&self, actor: &Actor, org: &Organisation) -> Result<()> {
        dispatch!(self, create_organisation(actor, org))
    }

    /// Every organisation, by name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        dispatch!(self, organisations())
    }

    /// Change an organisation; `org.version` is the version the change was based on.
    pub async fn update_organisation(&self, actor: &Actor, org: &Organisation) -> Result<i64> {
        dispatch!(self, update_organisation(actor, org))
    }

    /// Add an office.
    pub async fn create_office(&self, actor: &Actor, office: &Office) -> Result<()> {
        dispatch!(self, create_office(actor, office))
    }

    /// Every office, by name.
    pub async fn offices(&self) -> Result<Vec<Office>> {
        dispatch!(self, offices())
    }

    /// Add a user account.
    pub async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<UserId> {
        dispatch!(self, create_user(actor, user))
    }

    /// A user by user name.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        dispatch!(self, user_by_username(username))
    }

    /// Number of user accounts.
    pub async fn count_users(&self) -> Result<i64> {
        dispatch!(self, count_users())
    }

    // --- sign-in, sessions, sharing, need-to-know

    /// User accounts by user name, after `after`, at most `limit`.
    pub async fn users(&self, after: Option<&str>, limit: i64) -> Result<Vec<User>> {
        dispatch!(self, users(after, limit))
    }

    /// The active accounts of an agency, by display name, at most `limit` (to assign cases).
    pub async fn organisation_users(
        &self,
        organisation_id: OrganisationId,
        limit: i64,
    ) -> Result<Vec<User>> {
        dispatch!(self, organisation_users(organisation_id, limit))
    }

    /// A user by id.
    pub async fn user(&self, id: UserId) -> Result<User> {
        dispatch!(self, user(id))
    }

    /// What sign-in needs: the account, its hash, failures and lock.
    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        dispatch!(self, credentials(username))
    }

    /// Record a sign-in attempt (audited); a failure counts and may lock until `locked_until`.
    pub async fn record_login(
        &self,
        user_id: UserId,
        success: bool,
        locked_until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        dispatch!(self, record_login(user_id, success, locked_until))
    }

    /// Replace a password hash; ends the user's sessions and lifts any lock.
    pub async fn set_password(
        &self,
        actor: &Actor,
        user_id: UserId,
        password_hash: &str,
    ) -> Result<()> {
        dispatch!(self, set_password(actor, user_id, password_hash))
    }

    /// Disable or enable an account; disabling ends its sessions.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        user_id: UserId,
        disabled: bool,
    ) -> Result<()> {
        dispatch!(self, set_user_disabled(actor, user_id, disabled))
    }

    /// Create an account with its first credential: usable as it is, a one-time credential,
    /// or none until a second administrator approves (then the request's id is returned).
    /// Audited (`user.create`, and `user.one_time_credential` or `user.create_request`).
    pub async fn create_account(
        &self,
        actor: &Actor,
        user: &NewUser,
        first: FirstCredential,
    ) -> Result<Option<uuid::Uuid>> {
        dispatch!(self, create_account(actor, user, first))
    }

    /// Replace an account's password with a one-time credential (its hash), valid until
    /// `expires_at`: it signs in once, to choose a new password. Ends every session; audited.
    pub async fn issue_one_time_credential(
        &self,
        actor: &Actor,
        user_id: UserId,
        hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        dispatch!(self, issue_one_time(actor, user_id, hash, expires_at))
    }

    /// An administrator asks for a reset that a second one must approve; audited.
    /// `Duplicate` when a request for the account is already waiting.
    pub async fn request_reset(&self, requester: UserId, user_id: UserId) -> Result<uuid::Uuid> {
        dispatch!(self, request_reset(requester, user_id))
    }

    /// Requests waiting for a decision, oldest first.
    pub async fn pending_account_requests(&self, limit: i64) -> Result<Vec<AccountRequest>> {
        dispatch!(self, pending_account_requests(limit))
    }

    /// A second administrator decides a waiting request: with `approval` (the one-time
    /// credential's hash and expiry) the credential is issued in the same transaction; without,
    /// the request is refused (a refused new account is disabled). The requester cannot decide
    /// their own request (`Invalid`, rule `second_administrator`); a decided or unknown request
    /// is `NotFound`. Audited.
    pub async fn decide_account_request(
        &self,
        approver: UserId,
        request_id: uuid::Uuid,
        approval: Option<(&str, chrono::DateTime<chrono::Utc>)>,
    ) -> Result<AccountRequest> {
        dispatch!(self, decide_account_request(approver, request_id, approval))
    }

    /// Spend an account's one-time credential at sign-in: true (and audited) if it was still
    /// valid, false if it expired or was already used.
    pub async fn use_one_time_credential(&self, user_id: UserId) -> Result<bool> {
        dispatch!(self, use_one_time_credential(user_id))
    }

    /// Store a session opened with a one-time credential: it reaches only the new-password page.
    pub async fn create_password_only_session(
        &self,
        user_id: UserId,
        token_hash: &str,
        csrf_token: &str,
        lang: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        dispatch!(
            self,
            create_password_only_session(user_id, token_hash, csrf_token, lang, expires_at)
        )
    }

    /// Who issued the account's one-time credential (and approved it), and when.
    pub async fn reset_notice(&self, user_id: UserId) -> Result<Option<ResetNotice>> {
        dispatch!(self, reset_notice(user_id))
    }

    /// A failed password check outside sign-in (the password-change form): counted with the
    /// sign-in failures, with the same lock, audited under `action`.
    pub async fn record_failed_check(
        &self,
        user_id: UserId,
        action: &'static str,
        locked_until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        dispatch!(self, record_failed_check(user_id, action, locked_until))
    }

    /// Audit a sign-in refused without a password check counting: on a locked account
    /// (`user.login_locked`) or an unknown name (`user.login_unknown`, without the name).
    pub async fn record_refused_sign_in(&self, user_id: Option<UserId>) -> Result<()> {
        dispatch!(self, record_refused_sign_in(user_id))
    }

    /// Store a new session under the SHA-256 of its token.
    pub async fn create_session(
        &self,
        user_id: UserId,
        token_hash: &str,
        csrf_token: &str,
        lang: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        dispatch!(
            self,
            create_session(user_id, token_hash, csrf_token, lang, expires_at)
        )
    }

    /// The session with this token hash, with its user.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        dispatch!(self, session(token_hash))
    }

    /// Note activity on a session (idle timeout) and its language.
    pub async fn touch_session(&self, token_hash: &str, lang: &str) -> Result<()> {
        dispatch!(self, touch_session(token_hash, lang))
    }

    /// End a session.
    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        dispatch!(self, end_session(token_hash))
    }

    /// Store a new API token (only its SHA-256) for a user; audited.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: UserId,
        token_hash: &str,
        name: &str,
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        dispatch!(
            self,
            create_api_token(actor, user_id, token_hash, name, expires_at)
        )
    }

    /// The active account behind an API token hash (not revoked, not expired, not disabled).
    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<User>> {
        dispatch!(self, api_token_user(token_hash))
    }

    /// Share a case with another organisation, with a reason (audited): it reads and
    /// comments on the case, and edits it only when `may_edit` (audited as
    /// `case.share_for_editing` instead of `case.share`). The caller checks that the user may
    /// share (`Action::ShareCase`: the owning agency's act).
    pub async fn share_case(
        &self,
        actor: &Actor,
        case_id: CaseId,
        organisation_id: OrganisationId,
        reason: &str,
        may_edit: bool,
    ) -> Result<()> {
        dispatch!(
            self,
            share_case(actor, case_id, organisation_id, reason, may_edit)
        )
    }

    /// The organisations a case is shared with.
    pub async fn case_shares(&self, case_id: CaseId) -> Result<Vec<CaseShare>> {
        dispatch!(self, case_shares(case_id))
    }

    /// How a user stands to a case (for `permissions::decide`); `None` if there is no such case.
    pub async fn relation(
        &self,
        viewer: &Viewer,
        case_id: CaseId,
    ) -> Result<Option<tabara_core::permissions::Relation>> {
        dispatch!(self, relation(viewer, case_id))
    }

    // --- persons

    /// Register a person: facts and identity in one transaction.
    pub async fn create_person(
        &self,
        actor: &Actor,
        person: &Person,
        identity: &PersonIdentity,
    ) -> Result<()> {
        dispatch!(self, create_person(actor, person, identity))
    }

    /// A person's facts (not identifying; no audit entry).
    pub async fn person(&self, id: PersonId) -> Result<Person> {
        dispatch!(self, person(id))
    }

    /// A person's identifying data, with its version. Writes a `person_identity.read` audit
    /// entry naming the actor and the person.
    pub async fn read_identity(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> Result<(PersonIdentity, i64)> {
        dispatch!(self, read_identity(actor, id))
    }

    /// Change a person's facts; `person.version` is the version the change was based on.
    /// Returns the new version.
    pub async fn update_person(&self, actor: &Actor, person: &Person) -> Result<i64> {
        dispatch!(self, update_person(actor, person))
    }

    /// Change a person's identifying data, based on `expected_version`. Returns the new version.
    pub async fn update_identity(
        &self,
        actor: &Actor,
        id: PersonId,
        expected_version: i64,
        identity: &PersonIdentity,
    ) -> Result<i64> {
        dispatch!(self, update_identity(actor, id, expected_version, identity))
    }

    /// Change a person's facts and identifying data in one transaction: both changes land or
    /// neither does. Returns the new versions of the facts and of the identity.
    pub async fn update_person_with_identity(
        &self,
        actor: &Actor,
        person: &Person,
        identity_version: i64,
        identity: &PersonIdentity,
    ) -> Result<(i64, i64)> {
        dispatch!(
            self,
            update_person_with_identity(actor, person, identity_version, identity)
        )
    }

    /// Start a screening (a draft) of a person of a case, on the given catalogue version.
    pub async fn create_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        case_id: CaseId,
        person_id: PersonId,
        catalogue_version: &str,
    ) -> Result<Screening> {
        dispatch!(
            self,
            create_screening(actor, id, case_id, person_id, catalogue_version)
        )
    }

    /// A screening.
    pub async fn screening(&self, id: ScreeningId) -> Result<Screening> {
        dispatch!(self, screening(id))
    }

    /// A person's screenings, newest first.
    pub async fn person_screenings(
        &self,
        person_id: PersonId,
        limit: i64,
    ) -> Result<Vec<Screening>> {
        dispatch!(self, person_screenings(person_id, limit))
    }

    /// Save a draft's answers, based on `expected_version`. Returns the new version.
    pub async fn save_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        expected_version: i64,
        answers: &std::collections::BTreeMap<String, tabara_core::screening::Answer>,
        age: &tabara_core::screening::AgeFacts,
        movement: &tabara_core::palermo::MovementFacts,
    ) -> Result<i64> {
        dispatch!(
            self,
            save_screening(actor, id, expected_version, answers, age, movement)
        )
    }

    /// Close a draft: the engine evaluates its answers with `catalogue` and the evaluation is
    /// stored with the screening.
    pub async fn complete_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        expected_version: i64,
        catalogue: &tabara_core::screening::Catalogue,
    ) -> Result<Screening> {
        dispatch!(
            self,
            complete_screening(actor, id, expected_version, catalogue)
        )
    }

    /// The officer's decision on a completed screening: confirm the suggested status, or
    /// override it with a status and a reason. Audited; once per screening. When the person is
    /// a victim in the case, the decided status and `decided_by` become their HTCDS trafficking
    /// status and decision-making organisation, in the same transaction.
    pub async fn decide_screening(
        &self,
        actor: &Actor,
        id: ScreeningId,
        expected_version: i64,
        input: DecisionInput<'_>,
    ) -> Result<Screening> {
        dispatch!(self, decide_screening(actor, id, expected_version, input))
    }

    /// Create a training session (validated against the curriculum).
    pub async fn create_training_session(
        &self,
        actor: &Actor,
        session: &NewTrainingSession,
    ) -> Result<TrainingSession> {
        dispatch!(self, create_training_session(actor, session))
    }

    /// A training session.
    pub async fn training_session(&self, id: TrainingSessionId) -> Result<TrainingSession> {
        dispatch!(self, training_session(id))
    }

    /// Training sessions, newest first, after `after` in that order.
    pub async fn training_sessions(
        &self,
        after: Option<TrainingSessionId>,
        limit: i64,
    ) -> Result<Vec<TrainingSession>> {
        dispatch!(self, training_sessions(after, limit))
    }

    /// Register a participant (a user account at most once per session).
    pub async fn add_participant(
        &self,
        actor: &Actor,
        participant: &NewParticipant,
    ) -> Result<Participant> {
        dispatch!(self, add_participant(actor, participant))
    }

    /// A participant with the days attended.
    pub async fn participant(&self, id: ParticipantId) -> Result<Participant> {
        dispatch!(self, participant(id))
    }

    /// A session's participants by name, with the days each attended.
    pub async fn participants(&self, session_id: TrainingSessionId) -> Result<Vec<Participant>> {
        dispatch!(self, participants(session_id))
    }

    /// Mark a participant present or absent on a day of the session (audited when it changes).
    pub async fn set_attendance(
        &self,
        actor: &Actor,
        id: ParticipantId,
        day: NaiveDate,
        present: bool,
    ) -> Result<()> {
        dispatch!(self, set_attendance(actor, id, day, present))
    }

    /// Record pre- and post-test scores (percent), based on `expected_version`.
    pub async fn set_scores(
        &self,
        actor: &Actor,
        id: ParticipantId,
        expected_version: i64,
        pre_test: Option<u8>,
        post_test: Option<u8>,
    ) -> Result<i64> {
        dispatch!(
            self,
            set_scores(actor, id, expected_version, pre_test, post_test)
        )
    }

    /// Issue a certificate to a participant who completed their session (one valid at a time).
    pub async fn issue_certificate(
        &self,
        actor: &Actor,
        participant_id: ParticipantId,
    ) -> Result<CertificateRecord> {
        dispatch!(self, issue_certificate(actor, participant_id))
    }

    /// A certificate by its stored code.
    pub async fn certificate_by_code(&self, code: &str) -> Result<Option<CertificateRecord>> {
        dispatch!(self, certificate_by_code(code))
    }

    /// A certificate by id.
    pub async fn certificate(&self, id: CertificateId) -> Result<CertificateRecord> {
        dispatch!(self, certificate(id))
    }

    /// A session's certificates, newest first.
    pub async fn session_certificates(
        &self,
        session_id: TrainingSessionId,
    ) -> Result<Vec<CertificateRecord>> {
        dispatch!(self, session_certificates(session_id))
    }

    /// The certificates of a user's participations, newest first.
    pub async fn user_certificates(&self, user_id: UserId) -> Result<Vec<CertificateRecord>> {
        dispatch!(self, user_certificates(user_id))
    }

    /// Revoke a certificate with a reason (audited).
    pub async fn revoke_certificate(
        &self,
        actor: &Actor,
        id: CertificateId,
        reason: &str,
    ) -> Result<CertificateRecord> {
        dispatch!(self, revoke_certificate(actor, id, reason))
    }

    /// Register an awareness material.
    pub async fn create_material(
        &self,
        actor: &Actor,
        id: MaterialId,
        kind: &str,
        title: &str,
        language: &str,
        campaign: Option<&str>,
    ) -> Result<MaterialItem> {
        dispatch!(
            self,
            create_material(actor, id, kind, title, language, campaign)
        )
    }

    /// Every awareness material, by title.
    pub async fn materials(&self) -> Result<Vec<MaterialItem>> {
        dispatch!(self, materials())
    }

    /// Receive stock into a store; returns the quantity on hand.
    pub async fn receive_material(
        &self,
        actor: &Actor,
        item: MaterialId,
        store: OfficeId,
        quantity: i64,
        on: NaiveDate,
    ) -> Result<i64> {
        dispatch!(self, receive_material(actor, item, store, quantity, on))
    }

    /// Distribute from a store to an office; refused when the stock is short (never negative,
    /// whatever runs at the same time). Returns the quantity left.
    pub async fn distribute_material(
        &self,
        actor: &Actor,
        item: MaterialId,
        store: OfficeId,
        to: OfficeId,
        quantity: i64,
        on: NaiveDate,
    ) -> Result<i64> {
        dispatch!(
            self,
            distribute_material(actor, item, store, to, quantity, on)
        )
    }

    /// Stock on hand per item and store.
    pub async fn material_stock(&self) -> Result<Vec<StockLine>> {
        dispatch!(self, material_stock())
    }

    /// Every distribution, by receiving office and date.
    pub async fn distributions(&self) -> Result<Vec<Distribution>> {
        dispatch!(self, distributions())
    }

    /// Persons whose normalised name starts with the normalised query. Returns ids only: the
    /// caller reads identities it is allowed to (each read audited).
    pub async fn find_persons_by_name(&self, query: &str, limit: i64) -> Result<Vec<PersonId>> {
        dispatch!(self, find_persons_by_name(query, limit))
    }

    // --- cases

    /// Open a case; the store gives it the next case number, returned.
    pub async fn create_case(&self, actor: &Actor, case: &NewCase) -> Result<Case> {
        dispatch!(self, create_case(actor, case))
    }

    /// A case by number.
    pub async fn case_by_number(&self, number: i64) -> Result<Case> {
        dispatch!(self, case_by_number(number))
    }

    /// A case by id.
    pub async fn case(&self, id: CaseId) -> Result<Case> {
        dispatch!(self, case(id))
    }

    /// Change a case's facts; `case.version` is the version the change was based on.
    pub async fn update_case(&self, actor: &Actor, case: &Case) -> Result<i64> {
        dispatch!(self, update_case(actor, case))
    }

    /// A page of cases, newest number first, matching the filter.
    pub async fn list_cases(
        &self,
        filter: &CaseFilter,
        page: PageRequest,
    ) -> Result<Page<CaseSummary>> {
        dispatch!(self, list_cases(filter, page))
    }

    /// Involve a person in a case with a role and its context.
    pub async fn add_case_person(
        &self,
        actor: &Actor,
        case_id: CaseId,
        person_id: PersonId,
        involvement: &Involvement,
    ) -> Result<()> {
        dispatch!(
            self,
            add_case_person(actor, case_id, person_id, involvement)
        )
    }

    /// Change a person's involvement, based on `expected_version`.
    pub async fn update_case_person(
        &self,
        actor: &Actor,
        case_id: CaseId,
        person_id: PersonId,
        expected_version: i64,
        involvement: &Involvement,
    ) -> Result<i64> {
        dispatch!(
            self,
            update_case_person(actor, case_id, person_id, expected_version, involvement)
        )
    }

    /// The persons of a case with their involvement (facts only).
    pub async fn case_persons(&self, case_id: CaseId) -> Result<Vec<CasePerson>> {
        dispatch!(self, case_persons(case_id))
    }

    /// Add a comment to a case.
    pub async fn add_comment(
        &self,
        actor: &Actor,
        case_id: CaseId,
        body: &str,
    ) -> Result<CommentId> {
        dispatch!(self, add_comment(actor, case_id, body))
    }

    /// The comments of a case, oldest first.
    pub async fn comments(&self, case_id: CaseId) -> Result<Vec<CaseComment>> {
        dispatch!(self, comments(case_id))
    }

    /// Persons, newest `limit` comments, changes and audit entries, and shares of a case, read
    /// over one connection.
    pub async fn case_details(&self, case_id: CaseId, limit: i64) -> Result<CaseDetails> {
        dispatch!(self, case_details(case_id, limit))
    }

    /// The newest `limit` comments of a case, oldest first (pages show a bounded list).
    pub async fn recent_comments(&self, case_id: CaseId, limit: i64) -> Result<Vec<CaseComment>> {
        dispatch!(self, recent_comments(case_id, limit))
    }

    /// Record a consent.
    pub async fn record_consent(&self, actor: &Actor, consent: &Consent) -> Result<()> {
        dispatch!(self, record_consent(actor, consent))
    }

    /// A person's consents, oldest first.
    pub async fn consents(&self, person_id: PersonId) -> Result<Vec<Consent>> {
        dispatch!(self, consents(person_id))
    }

    /// Write an audit entry for an event that changes nothing but must be known (a search over
    /// identifying data, an export). Never pass personal data as the id.
    pub async fn record_event(
        &self,
        actor: &Actor,
        action: &'static str,
        kind: &'static str,
        id: String,
    ) -> Result<()> {
        dispatch!(self, record_event(actor, action, kind, id))
    }

    /// Earlier values of a record, oldest change first. `kind` is `case`, `person`,
    /// `person_identity`, `case_person` or `organisation`.
    pub async fn history(&self, kind: &str, id: &str) -> Result<Vec<HistoryEntry>> {
        dispatch!(self, history(kind, id))
    }

    /// The newest `limit` changes of a record, oldest first.
    pub async fn recent_history(
        &self,
        kind: &str,
        id: &str,
        limit: i64,
    ) -> Result<Vec<HistoryEntry>> {
        dispatch!(self, recent_history(kind, id, limit))
    }

    // --- audit

    /// Check the whole audit chain, its head, and the register against it: every record's
    /// creation entry present, nothing written after the last entry (a tail cut with the head
    /// moved back leaves a whole chain). Reads one snapshot.
    pub async fn verify_audit(&self) -> Result<Verification> {
        dispatch!(self, verify_audit())
    }

    /// Audit entries after `after_seq`, at most `limit`.
    pub async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        dispatch!(self, audit_entries(after_seq, limit))
    }

    /// Audit entries about one record, oldest first.
    pub async fn audit_trail(&self, record_kind: &str, record_id: &str) -> Result<Vec<AuditEntry>> {
        dispatch!(self, audit_trail(record_kind, record_id))
    }

    /// The newest `limit` audit entries about a record, oldest first.
    pub async fn recent_audit_trail(
        &self,
        record_kind: &str,
        record_id: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        dispatch!(self, recent_audit_trail(record_kind, record_id, limit))
    }

    // --- bulk and export

    /// Prepare for a large load (many `bulk_insert` calls): drops the name-search index, which
    /// [`Store::end_bulk_load`] rebuilds in one pass. Name search is slow in between.
    pub async fn begin_bulk_load(&self) -> Result<()> {
        dispatch!(self, begin_bulk_load())
    }

    /// Finish a large load: rebuild what [`Store::begin_bulk_load`] dropped. Also run by
    /// `migrate`, so an interrupted load heals at the next start.
    pub async fn end_bulk_load(&self) -> Result<()> {
        dispatch!(self, end_bulk_load())
    }

    /// Write a batch of new records in one transaction, each with its audit entry. Case
    /// numbers are assigned here, in the batch's order.
    pub async fn bulk_insert(&self, actor: &Actor, batch: &Batch) -> Result<()> {
        dispatch!(self, bulk_insert(actor, batch))
    }

    /// A page of victims (one row per victim and case), by case number then person id, for the
    /// HTCDS export. With `identity_of` set, identifying fields are filled and every person's
    /// identity read is audited against that actor.
    pub async fn export_victims(
        &self,
        after: Option<(i64, PersonId)>,
        limit: i64,
        identity_of: Option<&Actor>,
    ) -> Result<Vec<ExportRow>> {
        dispatch!(self, export_victims(after, limit, identity_of))
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

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

mod sqlite {
    use super::*;
    type Db = sqlx::Sqlite;
    const DIALECT: Dialect = Dialect::Sqlite;
    include!("ops.rs");
    include!("access.rs");
    include!("accounts.rs");
    include!("screening.rs");
    include!("training.rs");
    include!("materials.rs");
}

mod postgres {
    use super::*;
    type Db = sqlx::Postgres;
    const DIALECT: Dialect = Dialect::Postgres;
    include!("ops.rs");
    include!("access.rs");
    include!("accounts.rs");
    include!("screening.rs");
    include!("training.rs");
    include!("materials.rs");
}
