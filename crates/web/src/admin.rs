//! Administration pages: user accounts (create, disable, enable, reset the password) and
//! organisations with their offices. Only for roles granted `ManageUsers` /
//! `ManageOrganisations`; anyone else gets the same 404 as for a page that does not exist.
//! Every change is audited by the store.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::htcds::OrgType;
use tabara_core::ids::{OfficeId, OrganisationId, UserId};
use tabara_core::password::{generate_password, hash_password};
use tabara_core::permissions::Action;
use tabara_core::records::{Office, OfficeKind, Organisation, OrganisationForm};
use tabara_core::validation::ValidationErrors;
use tabara_core::{Country, Picklist, Role};
use tabara_store::{Actor, NewUser, StoreError, User};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{Chrome, FormErrors, render};

/// Rows per page of the admin lists.
const ADMIN_PAGE: i64 = 50;

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
}

#[derive(askama::Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    next_link: Option<String>,
}

/// Which page of the user list.
#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    after: Option<String>,
}

async fn user_rows(
    state: &AppState,
    user: &CurrentUser,
    users: Vec<User>,
) -> Result<Vec<UserRow>, AppError> {
    let directory = state.directory().await?;
    Ok(users
        .into_iter()
        .map(|u| UserRow {
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
    let users = user_rows(&state, &user, list).await?;
    Ok(render(&UsersPage {
        chrome: user.chrome("/admin/users"),
        users,
        next_link,
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
    let row = user_rows(state, user, vec![account])
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

/// `POST /admin/users/{username}/reset`: a new random password, shown once to the
/// administrator; every session of the account ends.
pub async fn reset_user(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(username): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    may(&user, Action::ManageUsers)?;
    user.check_csrf(&form.csrf)?;
    let target = account(&state, &user, &username).await?;
    let password = generate_password();
    let p = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|_| AppError::Forbidden(user.lang))?;
    state
        .store
        .set_password(&Actor::user(user.user.id), target.id, &hash)
        .await?;
    let notice = tabara_i18n::t!(
        user.lang,
        "admin-user-new-password",
        username = target.username.as_str(),
        password = password.as_str()
    );
    user_page(&state, &user, target, Some(notice), None).await
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
    offices: Vec<(String, String)>,
}

async fn new_user_form(
    state: &AppState,
    user: &CurrentUser,
    form: NewUserForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let directory = state.directory().await?;
    let status = errors.status();
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
        offices: directory
            .offices
            .iter()
            .map(|o| {
                let org = directory
                    .organisations
                    .iter()
                    .find(|g| g.id == o.organisation_id)
                    .map(|g| g.name.as_str())
                    .unwrap_or_default();
                (o.id.to_string(), format!("{} — {org}", o.name))
            })
            .collect(),
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
    let password = generate_password();
    let p = password.clone();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|_| AppError::Forbidden(lang))?;
    let new = NewUser {
        id: UserId::new(),
        username: username.clone(),
        display_name,
        role,
        organisation_id,
        office_id: office,
        password_hash,
    };
    match state
        .store
        .create_user(&Actor::user(user.user.id), &new)
        .await
    {
        Ok(id) => {
            let account = state.store.user(id).await?;
            let notice = tabara_i18n::t!(
                lang,
                "admin-user-created",
                username = username.as_str(),
                password = password.as_str()
            );
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
