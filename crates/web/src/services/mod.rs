//! The services directory: the search (by service, area and language; a former province's
//! name is accepted in the query string), a provider's page, the administrators' form that
//! adds or changes a provider, and the capacity a provider's own agency reports.

mod form;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::Lang;
use tabara_core::Picklist;
use tabara_core::permissions::Action;
use tabara_core::services::{Areas, CapacityUpdate, NATIONAL, ProviderQuery, ServiceType};
use tabara_core::validation::ValidationErrors;
use tabara_store::{ServiceProvider, StoreError};

use crate::access::{Access, Body, CsrfForm, CurrentUser, Kind, Routes, ServiceProviderAccess};
use crate::error::AppError;
use crate::state::{AppState, Directory};
use crate::view::{Chrome, FormErrors, format_datetime, render};

/// The most providers a search page shows.
const SHOWN: i64 = 100;

/// The directory's pages.
pub(crate) fn router() -> Routes {
    let read = Access::Global(Action::ReadDirectory);
    let manage = Access::Global(Action::ManageOrganisations);
    Routes::new()
        .get("/services", read, search)
        .get("/services/new", manage, form::new_page)
        .post("/services/new", manage, Body::Form, form::create)
        .get(
            "/services/{id}",
            Access::Record(Kind::ServiceProvider, Action::ReadDirectory),
            provider_page,
        )
        .get(
            "/services/{id}/edit",
            Access::Record(Kind::ServiceProvider, Action::ManageOrganisations),
            form::edit_page,
        )
        .post(
            "/services/{id}/edit",
            Access::Record(Kind::ServiceProvider, Action::ManageOrganisations),
            Body::Form,
            form::update,
        )
        .post(
            "/services/{id}/capacity",
            Access::Record(Kind::OwnServiceProvider, Action::ManageOrganisations),
            Body::Form,
            capacity,
        )
}

/// An area's name in `lang` (the whole country is a word of the catalogue).
pub(crate) fn area_name(lang: Lang, code: &str) -> String {
    match Areas::embedded().find(code) {
        Some(a) => a
            .name()
            .unwrap_or_else(|| tabara_i18n::catalogue().text(lang, "services-national", &[])),
        None => code.to_string(),
    }
}

/// The areas to choose from: the whole country, then each province followed by its communes.
/// `(code, label, is_province)`.
pub(crate) fn area_choices(lang: Lang) -> Vec<(String, String, bool)> {
    let t = |k: &str| tabara_i18n::catalogue().text(lang, k, &[]);
    let mut out = vec![(NATIONAL.to_string(), t("services-national"), true)];
    for p in &Areas::embedded().provinces {
        out.push((
            p.code.clone(),
            tabara_i18n::t!(lang, "services-province", name = p.name.as_str()),
            true,
        ));
        for c in &p.communes {
            out.push((c.code.clone(), c.name.clone(), false));
        }
    }
    out
}

/// A provider as a page shows it.
pub(crate) struct ProviderView {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) agency: String,
    pub(crate) office: String,
    pub(crate) services: Vec<&'static str>,
    pub(crate) areas: Vec<String>,
    pub(crate) phone: String,
    pub(crate) email: String,
    pub(crate) hours: String,
    pub(crate) languages: String,
    /// Places free, when and by whom, or "not reported".
    pub(crate) capacity: String,
    pub(crate) free: String,
    pub(crate) version: i64,
}

impl ProviderView {
    pub(crate) fn of(lang: Lang, p: &ServiceProvider, directory: &Directory) -> ProviderView {
        let org_name = |id| {
            directory
                .organisations
                .iter()
                .find(|o| o.id == id)
                .map(|o| o.name.clone())
                .unwrap_or_default()
        };
        let capacity = match &p.capacity {
            None => tabara_i18n::catalogue().text(lang, "services-capacity-none", &[]),
            Some(c) => {
                let when = format_datetime(lang, c.updated_at);
                match c.updated_by_organisation {
                    Some(o) => tabara_i18n::t!(
                        lang,
                        "services-capacity",
                        free = c.free,
                        when = when.as_str(),
                        agency = org_name(o).as_str()
                    ),
                    None => tabara_i18n::t!(
                        lang,
                        "services-capacity-system",
                        free = c.free,
                        when = when.as_str()
                    ),
                }
            }
        };
        ProviderView {
            id: p.id.to_string(),
            name: p.name.clone(),
            agency: org_name(p.organisation_id),
            office: p
                .office_id
                .and_then(|id| directory.offices.iter().find(|o| o.id == id))
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            services: p.services.iter().map(|s| s.label(lang)).collect(),
            areas: p.areas.iter().map(|a| area_name(lang, a)).collect(),
            phone: p.phone.clone().unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            hours: p.hours.clone().unwrap_or_default(),
            languages: p.languages.join(", "),
            capacity,
            free: p
                .capacity
                .as_ref()
                .map(|c| c.free.to_string())
                .unwrap_or_default(),
            version: p.version,
        }
    }
}

/// The search's filters as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SearchParams {
    service: String,
    area: String,
    language: String,
}

#[derive(askama::Template)]
#[template(path = "services/search.html")]
struct SearchPage {
    chrome: Chrome,
    errors: FormErrors,
    service: String,
    area: String,
    language: String,
    services: Vec<(&'static str, &'static str)>,
    areas: Vec<(String, String, bool)>,
    /// A former province's name from the query string, offered as a choice of its own.
    former: Option<(String, String)>,
    providers: Vec<ProviderView>,
    searched: bool,
    cut: bool,
    can_manage: bool,
}

/// `GET /services`: the directory, filtered by service, area and language.
async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SearchParams>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let directory = state.directory().await?;
    let parsed = ProviderQuery::parse(&q.service, &q.area, &q.language);
    // The area chosen: a code of the table, or a split former province's name (offered as a
    // choice of its own).
    let chosen = match &parsed {
        Ok(query) => query.area.clone().unwrap_or_default(),
        Err(_) => q.area.trim().to_string(),
    };
    let former = Areas::embedded()
        .find(&chosen)
        .is_none()
        .then(|| Areas::embedded().former(&chosen))
        .flatten()
        .map(|f| {
            (
                chosen.clone(),
                tabara_i18n::t!(lang, "services-former-province", name = f.name.as_str()),
            )
        });
    let (errors, providers, cut) = match parsed {
        Ok(query) => {
            let found = state
                .store
                .search_service_providers(&query, SHOWN + 1)
                .await?;
            let cut = found.len() as i64 > SHOWN;
            let views = found
                .iter()
                .take(SHOWN as usize)
                .map(|p| ProviderView::of(lang, p, &directory))
                .collect();
            (FormErrors::none(), views, cut)
        }
        Err(e) => (FormErrors::new(lang, e), Vec::new(), false),
    };
    let page = SearchPage {
        chrome: user.chrome("/services"),
        service: q.service.trim().to_string(),
        area: chosen,
        language: q.language.trim().to_string(),
        services: crate::view::choices(ServiceType::ALL, lang),
        areas: area_choices(lang),
        former,
        searched: !(q.service.trim().is_empty()
            && q.area.trim().is_empty()
            && q.language.trim().is_empty()),
        providers,
        cut,
        can_manage: user.may(Action::ManageOrganisations),
        errors,
    };
    let status = page.errors.status();
    Ok((status, render(&page)).into_response())
}

#[derive(askama::Template)]
#[template(path = "services/provider.html")]
struct ProviderPage {
    chrome: Chrome,
    p: ProviderView,
    /// The user may report the places free (the provider's agency, or an administrator).
    can_report: bool,
    can_manage: bool,
    errors: FormErrors,
    notice: Option<String>,
}

async fn show_provider(
    state: &AppState,
    user: &CurrentUser,
    p: &ServiceProvider,
    errors: FormErrors,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let directory = state.directory().await?;
    let page = ProviderPage {
        chrome: user.chrome(&format!("/services/{}", p.id)),
        p: ProviderView::of(user.lang, p, &directory),
        can_report: p.organisation_id == user.user.organisation_id
            || user.may(Action::ManageOrganisations),
        can_manage: user.may(Action::ManageOrganisations),
        errors,
        notice,
    };
    let status = page.errors.status();
    Ok((status, render(&page)).into_response())
}

/// After a capacity update the page says so.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Notice {
    reported: String,
}

/// `GET /services/{id}`: a provider's page.
async fn provider_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: ServiceProviderAccess,
    Query(n): Query<Notice>,
) -> Result<Response, AppError> {
    let notice = (!n.reported.is_empty())
        .then(|| tabara_i18n::catalogue().text(user.lang, "services-capacity-saved", &[]));
    show_provider(&state, &user, &access.provider, FormErrors::none(), notice).await
}

/// The capacity form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CapacityForm {
    free: String,
    version: String,
}

/// `POST /services/{id}/capacity`: the places free, reported by the provider's own agency.
async fn capacity(
    State(state): State<AppState>,
    access: ServiceProviderAccess,
    CsrfForm { user, form }: CsrfForm<CapacityForm>,
) -> Result<Response, AppError> {
    let p = access.provider;
    let lang = user.lang;
    let free = match (CapacityUpdate { free: form.free }).validate() {
        Ok(free) => free,
        Err(e) => return show_provider(&state, &user, &p, FormErrors::new(lang, e), None).await,
    };
    let version = form.version.trim().parse().unwrap_or(p.version);
    match state
        .store
        .update_provider_capacity(&user.actor(), p.id, version, free)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/services/{}?reported=1", p.id)).into_response()),
        Err(StoreError::Conflict { .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "services-conflict"));
            let fresh = state.store.service_provider(p.id).await?;
            show_provider(&state, &user, &fresh, errors, None).await
        }
        Err(StoreError::Invalid(v)) => {
            show_provider(&state, &user, &p, FormErrors::new(lang, v), None).await
        }
        Err(other) => Err(other.into()),
    }
}
