//! Administration pages: user accounts (create, disable, enable, reset the password) and
//! organisations with their offices. Only for roles granted `ManageUsers` /
//! `ManageOrganisations`; anyone else gets the same 404 as for a page that does not exist.
//! Every change is audited by the store.
//!
//! An administrator never sees a usable password: a new account or a reset gets a one-time
//! credential, valid 72 hours, that signs in once and only to choose a new password. For a role
//! that reads identities or manages accounts, the creation or reset first waits for a second
//! administrator, who approves (and only then is the credential produced) or refuses; see
//! [`Config::admin_approval`](crate::Config).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::htcds::OrgType;
use tabara_core::ids::{OfficeId, OrganisationId, UserId};
use tabara_core::password::{generate_password, hash_password};
use tabara_core::permissions::{Action, Relation, decide};
use tabara_core::records::{Office, OfficeKind, Organisation, OrganisationForm};
use tabara_core::validation::ValidationErrors;
use tabara_core::{Country, Picklist, Role};
use tabara_store::{
    AccountRequest, AccountRequestKind, Actor, FirstCredential, NewUser, StoreError, User,
};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{Chrome, FormErrors, render};

/// Rows per page of the admin lists.
const ADMIN_PAGE: i64 = 50;

/// How long a one-time credential signs in.
const ONE_TIME_VALIDITY: chrono::Duration = chrono::Duration::hours(72);

/// Whether a role may ever read identities, whatever the record: derived from the permission
/// rules by trying every relation a user can have to a case.
pub fn reads_identities(role: Role) -> bool {
    (0u8..64).any(|bits| {
        let relation = Relation {
            same_agency: bits & 1 != 0,
            same_office: bits & 2 != 0,
            assigned: bits & 4 != 0,
            shared_with_agency: bits & 8 != 0,
            involves_minor: bits & 16 != 0,
            shared_for_editing: bits & 32 != 0,
        };
        decide(role, Action::ReadIdentity, Some(relation)).allowed()
    }) || decide(role, Action::ReadIdentity, None).allowed()
}

/// Whether a role may manage user accounts: from the permission rules.
pub fn manages_users(role: Role) -> bool {
    decide(role, Action::ManageUsers, None).allowed()
}

/// Whether creating or resetting an account of this role waits for a second administrator:
/// a role that reads identities, or one that manages accounts (else one administrator would
/// make a second administrator account, hold its credential and approve their own requests
/// with it).
fn needs_second_admin(state: &AppState, role: Role) -> bool {
    state.config.admin_approval && (reads_identities(role) || manages_users(role))
}

/// A fresh one-time credential and its Argon2id hash (hashed off the request threads).
async fn one_time_credential(lang: tabara_core::Lang) -> Result<(String, String), AppError> {
    let password = generate_password();
    let p = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|_| AppError::Forbidden(lang))?;
    Ok((password, hash))
}

/// The notice that hands a one-time credential over, once.
fn one_time_notice(lang: tabara_core::Lang, username: &str, password: &str) -> String {
    tabara_i18n::t!(
        lang,
        "admin-one-time-credential",
        username = username,
        password = password
    )
}

fn may(user: &CurrentUser, action: Action) -> Result<(), AppError> {
    if user.may(action) {
        Ok(())
    } else {
        Err(AppError::NotFound(user.lang))
    }
}

struct UserRow {
    username: String,
    display_name: String,
    role: &'static str,
    organisation: String,
    office: String,
    disabled: bool,
    /// A new account whose creation waits for a second administrator: no password yet.
    awaiting_approval: bool,
}

struct RequestRow {
    id: String,
    username: String,
    display_name: String,
    role: &'static str,
    /// Catalogue key of the kind of request.
    kind_key: &'static str,
    requested_by: String,
    requested_at: String,
    /// Asked by the administrator looking: someone else must decide.
    mine: bool,
}

#[derive(askama::Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    next_link: Option<String>,
    requests: Vec<RequestRow>,
}

/// Which page of the user list.
#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    after: Option<String>,
}

/// The requests waiting for a decision (at most one per account).
async fn waiting_requests(state: &AppState) -> Result<Vec<AccountRequest>, AppError> {
    Ok(state.store.pending_account_requests(500).await?)
}

async fn user_rows(
    state: &AppState,
    user: &CurrentUser,
    users: Vec<User>,
    waiting: &[AccountRequest],
) -> Result<Vec<UserRow>, AppError> {
    let directory = state.directory().await?;
    Ok(users
        .into_iter()
        .map(|u| UserRow {
            awaiting_approval: waiting
                .iter()
                .any(|r| r.user.id == u.id && r.kind == AccountRequestKind::Create),
            organisation: directory
                .organisations
                .iter()
                .find(|o| o.id == u.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            office: u
                .office_id
                .and_then(|id| directory.offices.iter().find(|o| o.id == id))
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            role: u.role.label(user.lang),
            username: u.username,
            display_name: u.display_name,
            disabled: u.disabled,
        })
        .collect())
}

/// `GET /admin/users`: accounts by user name, a page at a time.
pub async fn users(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UsersQuery>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    let mut list = state
        .store
        .users(q.after.as_deref(), ADMIN_PAGE + 1)
        .await?;
    let next_link = if list.len() as i64 > ADMIN_PAGE {
        list.truncate(ADMIN_PAGE as usize);
        list.last().map(|u| {
            format!(
                "/admin/users?after={}",
                crate::view::url_encode(&u.username)
            )
        })
    } else {
        None
    };
    let waiting = waiting_requests(&state).await?;
    let users = user_rows(&state, &user, list, &waiting).await?;
    let requests = waiting
        .into_iter()
        .take(ADMIN_PAGE as usize)
        .map(|r| RequestRow {
            id: r.id.to_string(),
            role: r.user.role.label(user.lang),
            username: r.user.username,
            display_name: r.user.display_name,
            kind_key: match r.kind {
                AccountRequestKind::Create => "admin-request-create",
                AccountRequestKind::Reset => "admin-request-reset",
            },
            requested_by: r.requested_by_name,
            requested_at: format!(
                "{} {}",
                crate::view::format_date(user.lang, r.requested_at.date_naive()),
                r.requested_at.format("%H:%M UTC")
            ),
            mine: r.requested_by == user.user.id,
        })
        .collect();
    Ok(render(&UsersPage {
        chrome: user.chrome("/admin/users"),
        users,
        next_link,
        requests,
    }))
}

#[derive(askama::Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    chrome: Chrome,
    account: UserRow,
    /// A message shown once (a new password, a state change), already translated.
    notice: Option<String>,
    error: Option<String>,
    is_self: bool,
}

async fn account(state: &AppState, user: &CurrentUser, username: &str) -> Result<User, AppError> {
    state
        .store
        .user_by_username(username)
        .await?
        .ok_or(AppError::NotFound(user.lang))
}

async fn user_page(
    state: &AppState,
    user: &CurrentUser,
    account: User,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let is_self = account.id == user.user.id;
    let waiting = waiting_requests(state).await?;
    let row = user_rows(state, user, vec![account], &waiting)
        .await?
        .pop()
        .expect("one row");
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = UserPage {
        chrome: user.chrome(&format!("/admin/users/{}", row.username)),
        account: row,
        notice,
        error,
        is_self,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /admin/users/{username}`.
pub async fn user_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    let account = account(&state, &user, &username).await?;
    user_page(&state, &user, account, None, None).await
}

/// A form that carries only its CSRF token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

/// `POST /admin/users/{username}/disable`: the account can no longer sign in; its sessions end.
pub async fn disable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    set_disabled(state, user, username, form, true).await
}

/// `POST /admin/users/{username}/enable`.
pub async fn enable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    set_disabled(state, user, username, form, false).await
}

async fn set_disabled(
    state: AppState,
    user: CurrentUser,
    username: String,
    form: CsrfForm,
    disabled: bool,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    user.check_csrf(&form.csrf)?;
    let target = account(&state, &user, &username).await?;
    let lang = user.lang;
    if disabled && target.id == user.user.id {
        let error = tabara_i18n::t!(lang, "admin-user-self");
        return user_page(&state, &user, target, None, Some(error)).await;
    }
    state
        .store
        .set_user_disabled(&Actor::user(user.user.id), target.id, disabled)
        .await?;
    let target = state.store.user(target.id).await?;
    let notice = if disabled {
        tabara_i18n::t!(lang, "admin-user-disabled-done")
    } else {
        tabara_i18n::t!(lang, "admin-user-enabled-done")
    };
    user_page(&state, &user, target, Some(notice), None).await
}

/// `POST /admin/users/{username}/reset`: a one-time credential, shown once to the
/// administrator, that only lets its holder choose a new password; every session of the
/// account ends. For a role that reads identities or manages accounts the reset is only
/// requested: a second administrator approves it (and gets the credential) or refuses it.
pub async fn reset_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    user.check_csrf(&form.csrf)?;
    let target = account(&state, &user, &username).await?;
    let lang = user.lang;
    if needs_second_admin(&state, target.role) {
        return match state.store.request_reset(user.user.id, target.id).await {
            Ok(_) => {
                let notice = tabara_i18n::t!(lang, "admin-reset-requested");
                user_page(&state, &user, target, Some(notice), None).await
            }
            Err(StoreError::Duplicate { .. }) => {
                let error = tabara_i18n::t!(lang, "admin-request-waiting");
                user_page(&state, &user, target, None, Some(error)).await
            }
            Err(other) => Err(other.into()),
        };
    }
    let (password, hash) = one_time_credential(lang).await?;
    state
        .store
        .issue_one_time_credential(
            &Actor::user(user.user.id),
            target.id,
            &hash,
            chrono::Utc::now() + ONE_TIME_VALIDITY,
        )
        .await?;
    let notice = one_time_notice(lang, &target.username, &password);
    user_page(&state, &user, target, Some(notice), None).await
}

/// `POST /admin/requests/{id}/approve`: a second administrator approves a creation or reset;
/// the one-time credential is produced now and shown to them once.
pub async fn approve_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    decide_request(state, user, id, form, true).await
}

/// `POST /admin/requests/{id}/refuse`: a second administrator refuses; a refused new account
/// stays disabled.
pub async fn refuse_request(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    decide_request(state, user, id, form, false).await
}

async fn decide_request(
    state: AppState,
    user: CurrentUser,
    id: String,
    form: CsrfForm,
    approve: bool,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let id: uuid::Uuid = id.parse().map_err(|_| AppError::NotFound(lang))?;
    let not_yours = || tabara_i18n::t!(lang, "admin-request-not-yours");
    // The requester is told at once, before a credential is even made; the store refuses
    // their decision anyway.
    let waiting = state
        .store
        .pending_account_requests(500)
        .await?
        .into_iter()
        .find(|r| r.id == id);
    if let Some(r) = waiting.as_ref().filter(|r| r.requested_by == user.user.id) {
        let target = state.store.user(r.user.id).await?;
        return user_page(&state, &user, target, None, Some(not_yours())).await;
    }
    let credential = if approve {
        Some(one_time_credential(lang).await?)
    } else {
        None
    };
    let approval = credential
        .as_ref()
        .map(|(_, hash)| (hash.as_str(), chrono::Utc::now() + ONE_TIME_VALIDITY));
    match state
        .store
        .decide_account_request(user.user.id, id, approval)
        .await
    {
        Ok(request) => {
            let target = state.store.user(request.user.id).await?;
            let notice = match &credential {
                Some((password, _)) => one_time_notice(lang, &target.username, password),
                None => tabara_i18n::t!(lang, "admin-request-refused"),
            };
            user_page(&state, &user, target, Some(notice), None).await
        }
        Err(StoreError::Invalid(_)) => Err(AppError::Forbidden(lang)),
        Err(StoreError::NotFound { .. }) => Err(AppError::NotFound(lang)),
        Err(other) => Err(other.into()),
    }
}

/// The new-account form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewUserForm {
    csrf: String,
    username: String,
    display_name: String,
    role: String,
    organisation: String,
    office: String,
}

#[derive(askama::Template)]
#[template(path = "admin_new_user.html")]
struct NewUserPage {
    chrome: Chrome,
    form: NewUserForm,
    errors: FormErrors,
    roles: Vec<(&'static str, &'static str)>,
    organisations: Vec<(String, String)>,
    /// Offices grouped by agency (agency name, its offices as id and name): only the chosen
    /// agency's once one is chosen.
    office_groups: Vec<(String, Vec<(String, String)>)>,
}

async fn new_user_form(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let directory = state.directory().await?;
    let status = errors.status();
    let chosen = form.organisation.parse::<OrganisationId>().ok();
    let chosen = chosen.filter(|id| directory.organisations.iter().any(|o| o.id == *id));
    let mut agencies: Vec<&Organisation> = directory
        .organisations
        .iter()
        .filter(|o| chosen.is_none_or(|c| c == o.id))
        .collect();
    agencies.sort_by_key(|o| o.name.to_lowercase());
    let office_groups = agencies
        .into_iter()
        .map(|org| {
            let offices = directory
                .offices
                .iter()
                .filter(|o| o.organisation_id == org.id)
                .map(|o| (o.id.to_string(), o.name.clone()))
                .collect::<Vec<_>>();
            (org.name.clone(), offices)
        })
        .filter(|(_, offices)| !offices.is_empty())
        .collect();
    let page = NewUserPage {
        chrome: user.chrome("/admin/users/new"),
        form,
        errors,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), r.label(user.lang)))
            .collect(),
        organisations: directory
            .organisations
            .iter()
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect(),
        office_groups,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /admin/users/new`.
pub async fn new_user_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    new_user_form(&state, &user, NewUserForm::default(), FormErrors::none()).await
}

/// `POST /admin/users/new`: creates the account with a random password shown once.
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<NewUserForm>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let directory = state.directory().await?;
    let mut e = ValidationErrors::default();
    let username = form.username.trim().to_string();
    if !tabara_core::role::is_valid_username(&username) {
        e.push(
            "usr_Username",
            "username_format",
            "1 to 64 letters, digits, '.', '-' or '_'",
        );
    }
    let display_name = form.display_name.trim().to_string();
    tabara_core::validation::check_characters(&mut e, "usr_DisplayName", &display_name, false);
    if display_name.is_empty() {
        e.push("usr_DisplayName", "required", "a name is needed");
    } else if display_name.chars().count() > tabara_core::records::MAX_SHORT_TEXT {
        e.push("usr_DisplayName", "max_length", "too long");
    }
    let role = Role::parse(&form.role).ok();
    if role.is_none() {
        e.push("usr_Role", "required", "choose a role");
    }
    let organisation = form
        .organisation
        .parse::<OrganisationId>()
        .ok()
        .filter(|id| directory.organisations.iter().any(|o| o.id == *id));
    if organisation.is_none() {
        e.push("usr_Organisation", "required", "choose the agency");
    }
    let office = if form.office.trim().is_empty() {
        None
    } else {
        let id = form.office.parse::<OfficeId>().ok().filter(|id| {
            directory
                .offices
                .iter()
                .any(|o| o.id == *id && Some(o.organisation_id) == organisation)
        });
        if id.is_none() {
            e.push(
                "usr_Office",
                "office_of_agency",
                "choose an office of that agency",
            );
        }
        id
    };
    let (Some(role), Some(organisation_id), true) = (role, organisation, e.0.is_empty()) else {
        return new_user_form(&state, &user, form, FormErrors::new(lang, e)).await;
    };
    // With a second administrator to wait for, the account gets no credential yet: the hash
    // stored is of a password nobody is told, and it cannot sign in until approved.
    let approval = needs_second_admin(&state, role);
    let (password, password_hash) = one_time_credential(lang).await?;
    let new = NewUser {
        id: UserId::new(),
        username: username.clone(),
        display_name,
        role,
        organisation_id,
        office_id: office,
        password_hash,
    };
    let first = if approval {
        FirstCredential::AwaitingApproval(user.user.id)
    } else {
        FirstCredential::OneTime(chrono::Utc::now() + ONE_TIME_VALIDITY)
    };
    match state
        .store
        .create_account(&Actor::user(user.user.id), &new, first)
        .await
    {
        Ok(_) => {
            let account = state.store.user(new.id).await?;
            let notice = if approval {
                tabara_i18n::t!(lang, "admin-create-requested", username = username.as_str())
            } else {
                one_time_notice(lang, &username, &password)
            };
            user_page(&state, &user, account, Some(notice), None).await
        }
        Err(StoreError::Duplicate { .. }) => {
            let mut e = ValidationErrors::default();
            e.push("usr_Username", "username_taken", "taken");
            new_user_form(&state, &user, form, FormErrors::new(lang, e)).await
        }
        Err(other) => Err(other.into()),
    }
}

struct OrganisationRow {
    id: OrganisationId,
    name: String,
    org_type: &'static str,
    city: String,
    offices: usize,
}

#[derive(askama::Template)]
#[template(path = "admin_organisations.html")]
struct OrganisationsPage {
    chrome: Chrome,
    organisations: Vec<OrganisationRow>,
    previous_link: Option<String>,
    next_link: Option<String>,
}

/// Which page of the organisation list.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    page: Option<usize>,
}

/// `GET /admin/organisations`: organisations by name, with their number of offices.
pub async fn organisations(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageOrganisations)?;
    let directory = state.directory().await?;
    let mut all: Vec<&Organisation> = directory.organisations.iter().collect();
    all.sort_by_key(|a| a.name.to_lowercase());
    let page = q.page.unwrap_or(0);
    let per = ADMIN_PAGE as usize;
    let rows = all
        .iter()
        .skip(page * per)
        .take(per)
        .map(|o| OrganisationRow {
            id: o.id,
            name: o.name.clone(),
            org_type: o.org_type.label(user.lang),
            city: o.city.clone().unwrap_or_default(),
            offices: directory
                .offices
                .iter()
                .filter(|f| f.organisation_id == o.id)
                .count(),
        })
        .collect();
    Ok(render(&OrganisationsPage {
        chrome: user.chrome("/admin/organisations"),
        organisations: rows,
        previous_link: (page > 0).then(|| format!("/admin/organisations?page={}", page - 1)),
        next_link: ((page + 1) * per < all.len())
            .then(|| format!("/admin/organisations?page={}", page + 1)),
    }))
}

/// The organisation form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrgForm {
    csrf: String,
    version: String,
    name: String,
    org_type: String,
    street: String,
    city: String,
    province: String,
    country: String,
    phone: String,
}

impl OrgForm {
    fn of(o: &Organisation) -> OrgForm {
        OrgForm {
            csrf: String::new(),
            version: o.version.to_string(),
            name: o.name.clone(),
            org_type: o.org_type.as_str().to_string(),
            street: o.street.clone().unwrap_or_default(),
            city: o.city.clone().unwrap_or_default(),
            province: o.province.clone().unwrap_or_default(),
            country: o.country.map(|c| c.code().to_string()).unwrap_or_default(),
            phone: o.phone.clone().unwrap_or_default(),
        }
    }

    fn core(&self) -> OrganisationForm {
        OrganisationForm {
            name: self.name.clone(),
            org_type: self.org_type.clone(),
            street: self.street.clone(),
            city: self.city.clone(),
            province: self.province.clone(),
            country: self.country.clone(),
            phone: self.phone.clone(),
        }
    }
}

/// The office form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OfficeForm {
    csrf: String,
    name: String,
    kind: String,
    province: String,
    border_country: String,
}

struct OfficeRow {
    name: String,
    kind: &'static str,
    province: String,
    border_country: String,
}

#[derive(askama::Template)]
#[template(path = "admin_organisation.html")]
struct OrganisationPage {
    chrome: Chrome,
    /// `None` for a new organisation.
    id: Option<OrganisationId>,
    form: OrgForm,
    errors: FormErrors,
    org_types: Vec<(&'static str, &'static str)>,
    offices: Vec<OfficeRow>,
    office_form: OfficeForm,
    office_errors: FormErrors,
    office_kinds: Vec<(&'static str, &'static str)>,
}

struct OrgPageState {
    form: OrgForm,
    errors: FormErrors,
    office_form: OfficeForm,
    office_errors: FormErrors,
}

async fn organisation_page(
    state: &AppState,
    user: &CurrentUser,
    id: Option<OrganisationId>,
    s: OrgPageState,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let offices = match id {
        Some(id) => state
            .directory()
            .await?
            .offices
            .iter()
            .filter(|o| o.organisation_id == id)
            .map(|o| OfficeRow {
                name: o.name.clone(),
                kind: o.kind.label(lang),
                province: o.province.clone(),
                border_country: o
                    .border_country
                    .map(|c| c.name().to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        None => Vec::new(),
    };
    let status = if s.errors.any() || s.office_errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let path = match id {
        Some(id) => format!("/admin/organisations/{id}"),
        None => "/admin/organisations/new".into(),
    };
    let page = OrganisationPage {
        chrome: user.chrome(&path),
        id,
        form: s.form,
        errors: s.errors,
        org_types: OrgType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label(lang)))
            .collect(),
        offices,
        office_form: s.office_form,
        office_errors: s.office_errors,
        office_kinds: OfficeKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(lang)))
            .collect(),
    };
    Ok((status, render(&page)).into_response())
}

fn fresh(form: OrgForm, errors: FormErrors) -> OrgPageState {
    OrgPageState {
        form,
        errors,
        office_form: OfficeForm::default(),
        office_errors: FormErrors::none(),
    }
}

async fn find_organisation(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Organisation, AppError> {
    let id: OrganisationId = id.parse().map_err(|_| AppError::NotFound(user.lang))?;
    state
        .store
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.id == id)
        .ok_or(AppError::NotFound(user.lang))
}

/// `GET /admin/organisations/new`.
pub async fn new_organisation_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    may(&user, Action::ManageOrganisations)?;
    let form = OrgForm {
        country: "BI".into(),
        ..Default::default()
    };
    organisation_page(&state, &user, None, fresh(form, FormErrors::none())).await
}

/// `POST /admin/organisations/new`.
pub async fn create_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<OrgForm>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageOrganisations)?;
    user.check_csrf(&form.csrf)?;
    let mut org = match form.core().validate() {
        Ok(o) => o,
        Err(e) => {
            let errors = FormErrors::new(user.lang, e);
            return organisation_page(&state, &user, None, fresh(form, errors)).await;
        }
    };
    org.id = OrganisationId::new();
    org.version = 1;
    state
        .store
        .create_organisation(&Actor::user(user.user.id), &org)
        .await?;
    state.forget_directory().await;
    Ok(Redirect::to(&format!("/admin/organisations/{}", org.id)).into_response())
}

/// `GET /admin/organisations/{id}`.
pub async fn organisation_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageOrganisations)?;
    let org = find_organisation(&state, &user, &id).await?;
    let form = OrgForm::of(&org);
    organisation_page(&state, &user, Some(org.id), fresh(form, FormErrors::none())).await
}

/// `POST /admin/organisations/{id}`: save changes, based on the version the form was read at.
pub async fn update_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<OrgForm>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageOrganisations)?;
    user.check_csrf(&form.csrf)?;
    let current = find_organisation(&state, &user, &id).await?;
    let lang = user.lang;
    let mut org = match form.core().validate() {
        Ok(o) => o,
        Err(e) => {
            let errors = FormErrors::new(lang, e);
            return organisation_page(&state, &user, Some(current.id), fresh(form, errors)).await;
        }
    };
    org.id = current.id;
    org.version = form.version.trim().parse().unwrap_or(0);
    match state
        .store
        .update_organisation(&Actor::user(user.user.id), &org)
        .await
    {
        Ok(_) => {
            state.forget_directory().await;
            Ok(Redirect::to(&format!("/admin/organisations/{}", current.id)).into_response())
        }
        Err(StoreError::Conflict { actual, .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "edit-conflict-person"));
            let form = OrgForm {
                version: actual.to_string(),
                ..form
            };
            organisation_page(&state, &user, Some(current.id), fresh(form, errors)).await
        }
        Err(StoreError::Invalid(v)) => {
            let errors = FormErrors::new(lang, v);
            organisation_page(&state, &user, Some(current.id), fresh(form, errors)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/organisations/{id}/offices`: add an office to the organisation.
pub async fn add_office(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(office_form): Form<OfficeForm>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageOrganisations)?;
    user.check_csrf(&office_form.csrf)?;
    let org = find_organisation(&state, &user, &id).await?;
    let mut e = ValidationErrors::default();
    let name = office_form.name.trim().to_string();
    tabara_core::validation::check_characters(&mut e, "off_Name", &name, false);
    tabara_core::validation::check_characters(
        &mut e,
        "off_Province",
        office_form.province.trim(),
        false,
    );
    if name.is_empty() {
        e.push("off_Name", "required", "the office needs a name");
    } else if name.chars().count() > tabara_core::records::MAX_SHORT_TEXT {
        e.push("off_Name", "max_length", "too long");
    }
    let kind = OfficeKind::parse(&office_form.kind).ok();
    if kind.is_none() {
        e.push("off_Kind", "required", "choose the kind of office");
    }
    let province = office_form.province.trim().to_string();
    if province.is_empty() {
        e.push("off_Province", "required", "the province is needed");
    } else if province.chars().count() > tabara_core::records::MAX_SHORT_TEXT {
        e.push("off_Province", "max_length", "too long");
    }
    let border = office_form.border_country.trim();
    let border_country = if border.is_empty() {
        None
    } else {
        let c = Country::parse(border);
        if c.is_none() {
            e.push("off_BorderCountry", "iso3166_alpha2", "not a country code");
        }
        c
    };
    let (Some(kind), true) = (kind, e.0.is_empty()) else {
        let s = OrgPageState {
            form: OrgForm::of(&org),
            errors: FormErrors::none(),
            office_form,
            office_errors: FormErrors::new(user.lang, e),
        };
        return organisation_page(&state, &user, Some(org.id), s).await;
    };
    let office = Office {
        id: OfficeId::new(),
        organisation_id: org.id,
        name,
        kind,
        province,
        border_country,
        version: 1,
    };
    state
        .store
        .create_office(&Actor::user(user.user.id), &office)
        .await?;
    state.forget_directory().await;
    Ok(Redirect::to(&format!("/admin/organisations/{}", org.id)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roles_that_read_identities_come_from_the_permission_rules() {
        let reading: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| reads_identities(*r))
            .collect();
        assert_eq!(
            reading,
            [
                Role::Officer,
                Role::Investigator,
                Role::Supervisor,
                Role::Prosecutor,
                Role::Caseworker,
                Role::ChildProtection,
            ]
        );
    }

    #[test]
    fn the_roles_that_manage_accounts_come_from_the_permission_rules() {
        let managing: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| manages_users(*r))
            .collect();
        assert_eq!(managing, [Role::Admin]);
    }
}
