//! User accounts: the list (with the requests waiting for a second administrator), one
//! account's page, disable, enable, reset, and the new-account form. An administrator never
//! sees a usable password: a new account or a reset gets a one-time credential, shown once.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tabara_core::ids::{OfficeId, OrganisationId, UserId};
use tabara_core::records::Organisation;
use tabara_core::validation::ValidationErrors;
use tabara_core::{Picklist, Role};
use tabara_store::{
    AccountRequest, AccountRequestKind, FirstCredential, NewUser, StoreError, User,
};

use super::{
    ADMIN_PAGE, ONE_TIME_VALIDITY, needs_second_admin, one_time_credential, one_time_notice,
};
use crate::access::{AccountAccess, CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, render};

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
pub(super) struct UsersQuery {
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
pub(super) async fn users(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<UsersQuery>,
) -> Result<Response, AppError> {
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

pub(super) async fn user_page(
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
pub(super) async fn user_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    access: AccountAccess,
) -> Result<Response, AppError> {
    user_page(&state, &user, access.account, None, None).await
}

/// `POST /admin/users/{username}/disable`: the account can no longer sign in; its sessions end.
pub(super) async fn disable_user(
    State(state): State<AppState>,
    access: AccountAccess,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    set_disabled(state, user, access.account, true).await
}

/// `POST /admin/users/{username}/enable`.
pub(super) async fn enable_user(
    State(state): State<AppState>,
    access: AccountAccess,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    set_disabled(state, user, access.account, false).await
}

async fn set_disabled(
    state: AppState,
    user: CurrentUser,
    target: User,
    disabled: bool,
) -> Result<Response, AppError> {
    let lang = user.lang;
    if disabled && target.id == user.user.id {
        let error = tabara_i18n::t!(lang, "admin-user-self");
        return user_page(&state, &user, target, None, Some(error)).await;
    }
    state
        .store
        .set_user_disabled(&user.actor(), target.id, disabled)
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
pub(super) async fn reset_user(
    State(state): State<AppState>,
    access: AccountAccess,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let target = access.account;
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
            &user.actor(),
            target.id,
            &hash,
            chrono::Utc::now() + ONE_TIME_VALIDITY,
        )
        .await?;
    let notice = one_time_notice(lang, &target.username, &password);
    user_page(&state, &user, target, Some(notice), None).await
}

/// The new-account form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct NewUserForm {
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
        .map(|org| (org.name.clone(), directory.office_choices(org.id)))
        .filter(|(_, offices)| !offices.is_empty())
        .collect();
    let page = NewUserPage {
        chrome: user.chrome("/admin/users/new"),
        form,
        errors,
        roles: choices(Role::ALL, user.lang),
        organisations: directory.organisation_choices(),
        office_groups,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /admin/users/new`.
pub(super) async fn new_user_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    new_user_form(&state, &user, NewUserForm::default(), FormErrors::none()).await
}

/// `POST /admin/users/new`: creates the account with a random password shown once.
pub(super) async fn create_user(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<NewUserForm>,
) -> Result<Response, AppError> {
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
    match state.store.create_account(&user.actor(), &new, first).await {
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
