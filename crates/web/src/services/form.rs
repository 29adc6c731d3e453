//! The administrators' form that adds a provider to the directory or changes one (based on
//! the version it was read at). Services and areas are checkboxes, so the form is read as its
//! list of fields.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tabara_core::Picklist;
use tabara_core::services::{ProviderForm, ServiceType};
use tabara_core::validation::ValidationErrors;
use tabara_store::{ServiceProvider, StoreError};

use super::area_choices;
use crate::access::{CsrfForm, CurrentUser, ServiceProviderAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, render};

#[derive(askama::Template)]
#[template(path = "services/form.html")]
struct FormPage {
    chrome: Chrome,
    /// `None` for a new provider.
    id: Option<String>,
    version: String,
    form: ProviderForm,
    errors: FormErrors,
    organisations: Vec<(String, String)>,
    /// (id, "agency — office") of every office.
    offices: Vec<(String, String)>,
    services: Vec<(&'static str, &'static str)>,
    areas: Vec<(String, String, bool)>,
}

impl FormPage {
    fn has_service(&self, v: &str) -> bool {
        self.form.services.iter().any(|s| s == v)
    }
    fn has_area(&self, v: &str) -> bool {
        self.form.areas.iter().any(|s| s == v)
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    id: Option<String>,
    version: String,
    form: ProviderForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let directory = state.directory().await?;
    let mut organisations = directory.organisation_choices();
    organisations.sort_by_key(|(_, n)| n.to_lowercase());
    let offices = directory
        .offices
        .iter()
        .map(|o| {
            let agency = directory
                .organisations
                .iter()
                .find(|a| a.id == o.organisation_id)
                .map(|a| a.name.as_str())
                .unwrap_or_default();
            (o.id.to_string(), format!("{agency} — {}", o.name))
        })
        .collect();
    let path = match &id {
        Some(id) => format!("/services/{id}/edit"),
        None => "/services/new".to_string(),
    };
    let page = FormPage {
        chrome: user.chrome(&path),
        id,
        version,
        form,
        errors,
        organisations,
        offices,
        services: choices(ServiceType::ALL, lang),
        areas: area_choices(lang),
    };
    let status = page.errors.status();
    Ok((status, render(&page)).into_response())
}

/// The form's fields as posted (services and areas repeat).
fn read(fields: &[(String, String)]) -> (ProviderForm, String) {
    let mut f = ProviderForm::default();
    let mut version = String::new();
    for (k, v) in fields {
        match k.as_str() {
            "organisation" => f.organisation = v.clone(),
            "office" => f.office = v.clone(),
            "name" => f.name = v.clone(),
            "services" => f.services.push(v.clone()),
            "areas" => f.areas.push(v.clone()),
            "phone" => f.phone = v.clone(),
            "email" => f.email = v.clone(),
            "hours" => f.hours = v.clone(),
            "languages" => f.languages = v.clone(),
            "version" => version = v.clone(),
            _ => {}
        }
    }
    (f, version)
}

/// `GET /services/new`.
pub(super) async fn new_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let form = ProviderForm {
        languages: "rn, fr".into(),
        ..ProviderForm::default()
    };
    form_page(&state, &user, None, String::new(), form, FormErrors::none()).await
}

/// `POST /services/new`.
pub(super) async fn create(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let (form, _) = read(&form);
    let p = match form.validate() {
        Ok(p) => p,
        Err(e) => {
            return form_page(
                &state,
                &user,
                None,
                String::new(),
                form,
                FormErrors::new(lang, e),
            )
            .await;
        }
    };
    match state.store.create_service_provider(&user.actor(), &p).await {
        Ok(()) => Ok(Redirect::to(&format!("/services/{}", p.id)).into_response()),
        Err(StoreError::Invalid(v)) => {
            form_page(
                &state,
                &user,
                None,
                String::new(),
                form,
                FormErrors::new(lang, v),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `GET /services/{id}/edit`.
pub(super) async fn edit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: ServiceProviderAccess,
) -> Result<Response, AppError> {
    let p: ServiceProvider = access.provider;
    let form = ProviderForm::from_provider(&p);
    let id = Some(p.id.to_string());
    form_page(
        &state,
        &user,
        id,
        p.version.to_string(),
        form,
        FormErrors::none(),
    )
    .await
}

/// `POST /services/{id}/edit`: save changes, based on the version the form was read at.
pub(super) async fn update(
    State(state): State<AppState>,
    access: ServiceProviderAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let current = access.provider;
    let id = Some(current.id.to_string());
    let (form, version) = read(&form);
    let mut p = match form.validate() {
        Ok(p) => p,
        Err(e) => {
            return form_page(&state, &user, id, version, form, FormErrors::new(lang, e)).await;
        }
    };
    p.id = current.id;
    p.version = version.trim().parse().unwrap_or(0);
    p.capacity = current.capacity.clone();
    match state.store.update_service_provider(&user.actor(), &p).await {
        Ok(_) => Ok(Redirect::to(&format!("/services/{}", p.id)).into_response()),
        Err(StoreError::Conflict { actual, .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "services-conflict"));
            form_page(&state, &user, id, actual.to_string(), form, errors).await
        }
        Err(StoreError::Invalid(v)) => {
            form_page(&state, &user, id, version, form, FormErrors::new(lang, v)).await
        }
        Err(other) => Err(other.into()),
    }
}
