//! Types the store takes and returns besides the domain records of `tabara-core`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tabara_core::Role;
use tabara_core::ValueSet;
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_core::ids::*;
use tabara_core::records::*;

/// Who does something, as written in the audit log: never a name, only an id or a system label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Actor(String);

impl Actor {
    /// A signed-in user.
    pub fn user(id: UserId) -> Actor {
        Actor(format!("user:{id}"))
    }
    /// A system process (`cli`, `demo`, `import`).
    pub fn system(label: &str) -> Actor {
        Actor(format!("system:{label}"))
    }
    /// As written in the log.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Id to give the account.
    pub id: UserId,
    /// Sign-in name, unique.
    pub username: String,
    /// Shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency.
    pub organisation_id: OrganisationId,
    /// Office, if the user works at one.
    pub office_id: Option<OfficeId>,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A user account as stored (without the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Sign-in name.
    pub username: String,
    /// Shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency.
    pub organisation_id: OrganisationId,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Version.
    pub version: i64,
}

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Id to give it.
    pub id: CaseId,
    /// Owning organisation.
    pub organisation_id: OrganisationId,
    /// Opening office.
    pub office_id: Option<OfficeId>,
    /// Managing user.
    pub owner_id: Option<UserId>,
    /// Facts.
    pub facts: CaseFacts,
}

/// Filters of the case list; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Status.
    pub status: Option<CaseStatus>,
    /// At least one victim with this type of exploitation.
    pub exploitation: Option<ExploitationType>,
    /// Opened at this office.
    pub office_id: Option<OfficeId>,
    /// Owned by this organisation.
    pub organisation_id: Option<OrganisationId>,
    /// Opened on or after.
    pub opened_from: Option<NaiveDate>,
    /// Opened on or before.
    pub opened_to: Option<NaiveDate>,
    /// Only the cases this user may see (need-to-know); `None` for operator tools.
    pub visible_to: Option<Viewer>,
    /// Only cases assigned to this user.
    pub owner_id: Option<UserId>,
    /// Only cases involving one of these persons (e.g. the result of a name search).
    pub persons: Option<Vec<PersonId>>,
    /// Only cases involving a person whose name starts with this (normalised like the name
    /// keys: accents and case ignored; full name, first name + surname or surname first).
    /// The first [`NAME_SEARCH_KEYS`] matching keys are considered.
    pub name: Option<String>,
}

/// How many name keys a name search reads at most (a common surname matches many persons;
/// the user narrows the search by adding the first name).
pub const NAME_SEARCH_KEYS: i64 = 200;

/// Keyset pagination: the page after the given case number (exclusive), newest first.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// Cursor: the last number of the previous page.
    pub after: Option<i64>,
    /// Page size (capped at 500).
    pub limit: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            after: None,
            limit: 50,
        }
    }
}

/// One page and the cursor of the next, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `after` to get the next page.
    pub next: Option<i64>,
}

/// A line of the case list.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    /// Id.
    pub id: CaseId,
    /// Number.
    pub number: i64,
    /// Reference shown to users.
    pub reference: String,
    /// Status.
    pub status: CaseStatus,
    /// Opened on.
    pub opened_on: NaiveDate,
    /// Owning organisation's name.
    pub organisation: String,
    /// Opening office's name.
    pub office: Option<String>,
    /// Union of the victims' exploitation types.
    pub exploitation_types: ValueSet<ExploitationType>,
    /// Number of persons involved.
    pub persons: i64,
    /// Number of victims.
    pub victims: i64,
}

/// A person's involvement in a case.
#[derive(Debug, Clone, Serialize)]
pub struct CasePerson {
    /// The person's facts.
    pub person: Person,
    /// Role and context.
    pub involvement: Involvement,
    /// Version of the involvement.
    pub version: i64,
}

/// A comment on a case (HTCDS `cco_CaseComment`).
#[derive(Debug, Clone, Serialize)]
pub struct CaseComment {
    /// Id.
    pub id: CommentId,
    /// Author (actor id).
    pub author: String,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One change of a record.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// Version the change produced.
    pub version: i64,
    /// Who.
    pub actor: String,
    /// When.
    pub changed_at: DateTime<Utc>,
    /// Changed fields: `{"field": [old, new]}`.
    pub changes: serde_json::Value,
}

/// Counts of the main records.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct RegisterStats {
    /// Organisations.
    pub organisations: i64,
    /// Offices.
    pub offices: i64,
    /// Users.
    pub users: i64,
    /// Persons.
    pub persons: i64,
    /// Cases.
    pub cases: i64,
    /// Audit entries.
    pub audit_entries: i64,
}

/// New records written together by [`crate::Store::bulk_insert`].
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Persons with their identities.
    pub persons: Vec<(Person, PersonIdentity)>,
    /// Cases with their persons and comments; numbers are assigned in this order.
    pub cases: Vec<BatchCase>,
    /// Consents (their persons and cases must be in this batch or already stored).
    pub consents: Vec<Consent>,
}

/// A case in a batch.
#[derive(Debug, Clone)]
pub struct BatchCase {
    /// The case.
    pub case: NewCase,
    /// Persons involved.
    pub persons: Vec<(PersonId, Involvement)>,
    /// Comments (author actor, text).
    pub comments: Vec<(String, String)>,
}

/// One victim in one case, for the HTCDS export.
pub use tabara_core::export::VictimRecord as ExportRow;

/// The signed-in user as the store needs them to apply need-to-know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Viewer {
    /// The user.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// Their agency.
    pub organisation_id: OrganisationId,
    /// Their office.
    pub office_id: Option<OfficeId>,
}

impl From<&User> for Viewer {
    fn from(u: &User) -> Viewer {
        Viewer {
            user_id: u.id,
            role: u.role,
            organisation_id: u.organisation_id,
            office_id: u.office_id,
        }
    }
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account.
    pub user: User,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Failed attempts since the last success.
    pub failed_logins: i64,
    /// Sign-in refused until then.
    pub locked_until: Option<DateTime<Utc>>,
    /// The password was given out by someone else (a new account, a reset): it is a one-time
    /// credential that leads only to choosing a new password.
    pub must_change_password: bool,
    /// Until when the one-time credential signs in; `None` once used (or while a second
    /// administrator's approval is awaited).
    pub one_time_expires_at: Option<DateTime<Utc>>,
}

/// A server-side session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Whose.
    pub user: User,
    /// The token every form must carry back.
    pub csrf_token: String,
    /// The language chosen.
    pub lang: String,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// Absolute end.
    pub expires_at: DateTime<Utc>,
    /// Opened with a one-time credential: reaches only the page that sets a new password.
    pub password_only: bool,
}

/// Who gave out an account's current one-time credential, and when: told to its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetNotice {
    /// The administrator's display name; `None` for the command line (an operator).
    pub by: Option<String>,
    /// The second administrator who approved, if any.
    pub approved_by: Option<String>,
    /// When the credential was issued.
    pub at: DateTime<Utc>,
    /// The credential is a new account's first, not a reset.
    pub created: bool,
}

/// What an administrator asks a second one to approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRequestKind {
    /// A new account.
    Create,
    /// A new one-time credential for an existing account.
    Reset,
}

impl AccountRequestKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRequestKind::Create => "create",
            AccountRequestKind::Reset => "reset",
        }
    }
}

/// A request waiting for (or decided by) a second administrator.
#[derive(Debug, Clone)]
pub struct AccountRequest {
    /// Id.
    pub id: uuid::Uuid,
    /// The account concerned.
    pub user: User,
    /// Creation or reset.
    pub kind: AccountRequestKind,
    /// The administrator who asked.
    pub requested_by: UserId,
    /// Their display name.
    pub requested_by_name: String,
    /// When.
    pub requested_at: DateTime<Utc>,
}

/// How a new account gets its first credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstCredential {
    /// The account's password is usable as it is (demo accounts, the first administrator).
    Usable,
    /// The password hash is a one-time credential, valid until then.
    OneTime(DateTime<Utc>),
    /// No credential yet: a second administrator must approve the request of this one.
    AwaitingApproval(UserId),
}

/// A case shared with another agency.
#[derive(Debug, Clone, Serialize)]
pub struct CaseShare {
    /// The agency given access.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// Why.
    pub reason: String,
    /// By whom (actor id).
    pub shared_by: String,
    /// When.
    pub shared_at: DateTime<Utc>,
    /// The agency may also edit the case (otherwise it reads and comments).
    pub may_edit: bool,
}

/// What a case page shows besides the case: see [`crate::Store::case_details`].
#[derive(Debug, Clone)]
pub struct CaseDetails {
    /// Persons and their involvement.
    pub persons: Vec<CasePerson>,
    /// The newest comments, oldest first.
    pub comments: Vec<CaseComment>,
    /// The newest changes, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The newest changes of the persons' involvement in the case (role, victim or suspect
    /// context), oldest first, with the person they are about.
    pub involvement_history: Vec<(PersonId, HistoryEntry)>,
    /// Agencies the case is shared with.
    pub shares: Vec<CaseShare>,
    /// The newest audit entries about the case, oldest first. The caller shows them only to
    /// roles allowed to read a case's audit trail.
    pub audit: Vec<crate::AuditEntry>,
    /// Display names of the accounts these lists name (comment authors, editors, audit
    /// actors, owners in the history), by actor id (`user:<uuid>`).
    pub names: std::collections::HashMap<String, String>,
}

/// Where a screening stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreeningState {
    /// Being filled; can be saved and resumed.
    Draft,
    /// Evaluated; the answers no longer change.
    Completed,
}

impl ScreeningState {
    /// `draft` or `completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScreeningState::Draft => "draft",
            ScreeningState::Completed => "completed",
        }
    }
}

/// What the officer did with the engine's suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// The suggestion is taken.
    Confirmed,
    /// Another status is decided, with a reason.
    Overridden,
}

impl DecisionKind {
    /// `confirmed` or `overridden`.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Confirmed => "confirmed",
            DecisionKind::Overridden => "overridden",
        }
    }
}

/// The officer's decision on a completed screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningDecision {
    /// Confirmed or overridden.
    pub kind: DecisionKind,
    /// The trafficking status decided (HTCDS `vic_TraffickingStatus`).
    pub status: tabara_core::htcds::TraffickingStatus,
    /// Why (required to override).
    pub reason: Option<String>,
    /// Who decided (actor id).
    pub decided_by: String,
    /// When.
    pub decided_at: DateTime<Utc>,
}

/// A screening interview as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Screening {
    /// Id.
    pub id: tabara_core::ids::ScreeningId,
    /// The person screened.
    pub person_id: PersonId,
    /// The case it belongs to.
    pub case_id: CaseId,
    /// Version of the catalogue the questions came from.
    pub catalogue_version: String,
    /// Draft or completed.
    pub state: ScreeningState,
    /// Answers by indicator id (missing ids were not asked).
    pub answers: std::collections::BTreeMap<String, tabara_core::screening::Answer>,
    /// Age and signs of minority.
    pub age: tabara_core::screening::AgeFacts,
    /// Facts for the trafficking-vs-smuggling aid.
    pub movement: tabara_core::palermo::MovementFacts,
    /// The engine's evaluation, once completed.
    pub evaluation: Option<tabara_core::screening::Evaluation>,
    /// The officer's decision, once taken.
    pub decision: Option<ScreeningDecision>,
    /// Who started it (actor id).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version (optimistic concurrency).
    pub version: i64,
}

/// What the officer decides on a completed screening (see [`crate::Store::decide_screening`]).
#[derive(Debug, Clone, Copy)]
pub struct DecisionInput<'a> {
    /// Confirm the suggestion or override it.
    pub kind: DecisionKind,
    /// The status, required to override.
    pub status: Option<tabara_core::htcds::TraffickingStatus>,
    /// Why; required to override.
    pub reason: &'a str,
    /// Who decides, in HTCDS terms.
    pub decided_by: tabara_core::htcds::DecisionMakingOrg,
}

/// A module taught in a training session, with the organisation that facilitates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SessionModule {
    /// Curriculum module id.
    pub module: String,
    /// Facilitating organisation (e.g. child protection by UNICEF).
    pub facilitator_id: Option<OrganisationId>,
}

/// A training session to create.
#[derive(Debug, Clone)]
pub struct NewTrainingSession {
    /// Id to give it.
    pub id: TrainingSessionId,
    /// Title.
    pub title: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Where.
    pub venue: String,
    /// Organising agency.
    pub organiser_id: OrganisationId,
    /// Funding source (donor, programme).
    pub funding: Option<String>,
    /// Modules covered, in order.
    pub modules: Vec<SessionModule>,
    /// Trainers' names.
    pub trainers: Vec<String>,
    /// Completion rule.
    pub rule: tabara_core::training::CompletionRule,
}

/// A training session as stored.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingSession {
    /// Id.
    pub id: TrainingSessionId,
    /// Title.
    pub title: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Where.
    pub venue: String,
    /// Organising agency.
    pub organiser_id: OrganisationId,
    /// Funding source.
    pub funding: Option<String>,
    /// Curriculum version the modules come from.
    pub curriculum_version: String,
    /// Modules covered.
    pub modules: Vec<SessionModule>,
    /// Trainers' names.
    pub trainers: Vec<String>,
    /// Completion rule.
    pub rule: tabara_core::training::CompletionRule,
    /// Version.
    pub version: i64,
}

impl TrainingSession {
    /// Number of days, first and last included.
    pub fn days(&self) -> u32 {
        (self.ends_on - self.starts_on).num_days().max(-1) as u32 + 1
    }
}

/// A participant to register.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    /// Id to give them.
    pub id: ParticipantId,
    /// The session.
    pub session_id: TrainingSessionId,
    /// Their Tabara account, if they have one.
    pub user_id: Option<UserId>,
    /// Full name as on the certificate.
    pub full_name: String,
    /// Rank.
    pub rank: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Sex, for the programme's reports.
    pub sex: tabara_core::htcds::Gender,
}

/// A participant as stored, with the days attended.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    /// Id.
    pub id: ParticipantId,
    /// The session.
    pub session_id: TrainingSessionId,
    /// Their account, if any.
    pub user_id: Option<UserId>,
    /// Full name.
    pub full_name: String,
    /// Rank.
    pub rank: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Sex.
    pub sex: tabara_core::htcds::Gender,
    /// Pre-test score, percent.
    pub pre_test: Option<u8>,
    /// Post-test score, percent.
    pub post_test: Option<u8>,
    /// Days attended.
    pub days_attended: Vec<NaiveDate>,
    /// Version.
    pub version: i64,
}

/// A certificate of completion as stored.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateRecord {
    /// Id.
    pub id: CertificateId,
    /// Verification code.
    pub code: String,
    /// The participant.
    pub participant_id: ParticipantId,
    /// The session.
    pub session_id: TrainingSessionId,
    /// Who issued it (actor id).
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why.
    pub revocation_reason: Option<String>,
}

/// An awareness material.
#[derive(Debug, Clone, Serialize)]
pub struct MaterialItem {
    /// Id.
    pub id: MaterialId,
    /// `poster`, `flyer` or `brochure`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Language (ISO 639-1, e.g. `rn`, `fr`).
    pub language: String,
    /// Campaign, if any.
    pub campaign: Option<String>,
}

/// Stock of an item in a store.
#[derive(Debug, Clone, Serialize)]
pub struct StockLine {
    /// The item.
    pub item_id: MaterialId,
    /// The store (an office).
    pub store_id: OfficeId,
    /// Quantity on hand.
    pub quantity: i64,
}

/// What an office received: one distribution.
#[derive(Debug, Clone, Serialize)]
pub struct Distribution {
    /// The receiving office.
    pub office_id: OfficeId,
    /// The item.
    pub item_id: MaterialId,
    /// How many.
    pub quantity: i64,
    /// When.
    pub on_date: NaiveDate,
}
