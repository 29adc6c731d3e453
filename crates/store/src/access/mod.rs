//! Who gets in and what they reach: sign-in, sessions, API tokens, one-time credentials and the
//! requests a second administrator decides, shares of cases, and need-to-know.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::Role;
use tabara_core::ids::*;

use crate::{Actor, NewUser, Result, Store, ToAuditAction, User};

/// What the register keeps of a session cookie or an API token: the hex SHA-256 of the token,
/// never the token. The one place tokens are hashed, for the pages, the API and the command line.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

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
    /// The password was right, the second factor is still to come: reaches only its pages.
    pub second_factor_pending: bool,
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

impl Store {
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
            insert_session(
                user_id,
                token_hash,
                csrf_token,
                lang,
                expires_at,
                (true, false)
            )
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
        action: impl ToAuditAction,
        locked_until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<()> {
        let action = action.to_audit_action()?;
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
            insert_session(
                user_id,
                token_hash,
                csrf_token,
                lang,
                expires_at,
                (false, false)
            )
        )
    }

    /// Store a session whose password was right and whose second factor is still to come: it
    /// reaches only the second-factor pages.
    pub async fn create_pending_session(
        &self,
        user_id: UserId,
        token_hash: &str,
        csrf_token: &str,
        lang: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        dispatch!(
            self,
            insert_session(
                user_id,
                token_hash,
                csrf_token,
                lang,
                expires_at,
                (false, true)
            )
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
        dispatch!(self, case_shares(case_id, i64::MAX))
    }

    /// How a user stands to a case (for `permissions::decide`); `None` if there is no such case.
    pub async fn relation(
        &self,
        viewer: &Viewer,
        case_id: CaseId,
    ) -> Result<Option<tabara_core::permissions::Relation>> {
        dispatch!(self, relation(viewer, case_id))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::cases::sqlite::queries as cases;
    use crate::directory::sqlite::queries as directory;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::cases::postgres::queries as cases;
    use crate::directory::postgres::queries as directory;
    pub(crate) mod queries;
}
