//! Awareness materials of the training programme: items, stock per store, receipts and
//! distributions to the posts (a distribution never takes a stock below zero).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tabara_core::Lang;
use tabara_core::permissions::Action;
use tabara_store::StoreError;

use crate::access::{Access, Body, CsrfForm, CurrentUser, Routes};
use crate::error::AppError;
use crate::state::AppState;
use crate::training::field_message;
use crate::view::{Chrome, format_date, render};

/// The materials pages, for trainers.
pub(crate) fn router() -> Routes {
    let trainer = Access::Global(Action::ManageTraining);
    Routes::new()
        .get("/training/materials", trainer, materials)
        .post(
            "/training/materials/items",
            trainer,
            Body::Form,
            create_material,
        )
        .post(
            "/training/materials/receive",
            trainer,
            Body::Form,
            receive_material,
        )
        .post(
            "/training/materials/distribute",
            trainer,
            Body::Form,
            distribute_material,
        )
}

/// What one office received: its name and (date, item, quantity) rows.
type Received = (String, Vec<(String, String, i64)>);

#[derive(askama::Template)]
#[template(path = "training_materials.html")]
struct MaterialsPage {
    chrome: Chrome,
    items: Vec<(String, String, String, String, String)>,
    stock: Vec<(String, String, i64)>,
    received: Vec<Received>,
    offices: Vec<(String, String)>,
    item_choices: Vec<(String, String)>,
    kinds: Vec<(&'static str, String)>,
    error: Option<String>,
    /// The form the error is about (`items`, `receive`, `distribute`), tied to the alert.
    error_form: &'static str,
    notice: Option<String>,
    today: String,
}

async fn materials_page(
    state: &AppState,
    user: &CurrentUser,
    error: Option<(&'static str, String)>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let t = |k: &str| tabara_i18n::catalogue().text(lang, k, &[]);
    let directory = state.directory().await?;
    let office_name = |id: tabara_core::ids::OfficeId| {
        directory
            .offices
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let items = state.store.materials().await?;
    let title = |id: tabara_core::ids::MaterialId| {
        items
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.title.clone())
            .unwrap_or_default()
    };
    let mut received: Vec<Received> = Vec::new();
    for d in state.store.distributions().await? {
        let office = office_name(d.office_id);
        let row = (format_date(lang, d.on_date), title(d.item_id), d.quantity);
        match received.last_mut() {
            Some((o, rows)) if *o == office => rows.push(row),
            _ => received.push((office, vec![row])),
        }
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = MaterialsPage {
        chrome: user.chrome("/training/materials"),
        stock: state
            .store
            .material_stock()
            .await?
            .into_iter()
            .map(|s| (title(s.item_id), office_name(s.store_id), s.quantity))
            .collect(),
        item_choices: items
            .iter()
            .map(|i| (i.id.to_string(), i.title.clone()))
            .collect(),
        items: items
            .iter()
            .map(|i| {
                (
                    i.title.clone(),
                    t(&format!("material-{}", i.kind)),
                    i.language.clone(),
                    i.campaign.clone().unwrap_or_default(),
                    i.id.to_string(),
                )
            })
            .collect(),
        received,
        offices: directory
            .offices
            .iter()
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect(),
        kinds: ["poster", "flyer", "brochure"]
            .into_iter()
            .map(|k| (k, t(&format!("material-{k}"))))
            .collect(),
        error_form: error.as_ref().map(|e| e.0).unwrap_or_default(),
        error: error.map(|e| e.1),
        notice,
        today: chrono::Utc::now().date_naive().to_string(),
    };
    Ok((status, render(&page)).into_response())
}

/// After a receipt or a distribution, the page shows the stock of that item in that store, read
/// back from the register (the redirect carries ids, not figures).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct StockNotice {
    item: String,
    store: String,
}

/// `GET /training/materials`: items, stock per store, and what each post received and when.
async fn materials(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<StockNotice>,
) -> Result<Response, AppError> {
    let notice = match (
        q.item.parse::<tabara_core::ids::MaterialId>(),
        q.store.parse::<tabara_core::ids::OfficeId>(),
    ) {
        (Ok(item), Ok(store)) => state
            .store
            .material_stock()
            .await?
            .into_iter()
            .find(|s| s.item_id == item && s.store_id == store)
            .map(|s| tabara_i18n::t!(user.lang, "material-stock-now", quantity = s.quantity)),
        _ => None,
    };
    materials_page(&state, &user, None, notice).await
}

fn stock_link(item: tabara_core::ids::MaterialId, store: tabara_core::ids::OfficeId) -> Response {
    Redirect::to(&format!("/training/materials?item={item}&store={store}")).into_response()
}

/// The forms of the materials page (one struct: each form sends the fields it has).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct MaterialForm {
    kind: String,
    title: String,
    language: String,
    campaign: String,
    item: String,
    store: String,
    to: String,
    quantity: String,
    on: String,
}

fn material_error(lang: Lang, e: &StoreError) -> Option<String> {
    match e {
        StoreError::Invalid(v) => {
            v.0.first()
                .map(|f| field_message(lang, "material-error", f.field, f.rule, &f.message))
        }
        _ => None,
    }
}

/// `POST /training/materials/items`.
async fn create_material(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<MaterialForm>,
) -> Result<Response, AppError> {
    let campaign = Some(form.campaign.as_str()).filter(|c| !c.trim().is_empty());
    match state
        .store
        .create_material(
            &user.actor(),
            tabara_core::ids::MaterialId::new(),
            form.kind.trim(),
            &form.title,
            &form.language,
            campaign,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/training/materials").into_response()),
        Err(e) => match material_error(user.lang, &e) {
            Some(msg) => materials_page(&state, &user, Some(("items", msg)), None).await,
            None => Err(e.into()),
        },
    }
}

fn parse_movement(
    form: &MaterialForm,
) -> Option<(
    tabara_core::ids::MaterialId,
    tabara_core::ids::OfficeId,
    i64,
    NaiveDate,
)> {
    Some((
        form.item.parse().ok()?,
        form.store.parse().ok()?,
        form.quantity.trim().parse().ok()?,
        NaiveDate::parse_from_str(form.on.trim(), "%Y-%m-%d").ok()?,
    ))
}

/// `POST /training/materials/receive`: stock received into a store.
async fn receive_material(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<MaterialForm>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let Some((item, store, quantity, on)) = parse_movement(&form) else {
        let msg = tabara_i18n::t!(lang, "material-error-form");
        return materials_page(&state, &user, Some(("receive", msg)), None).await;
    };
    match state
        .store
        .receive_material(&user.actor(), item, store, quantity, on)
        .await
    {
        Ok(_) => Ok(stock_link(item, store)),
        Err(e) => match material_error(lang, &e) {
            Some(msg) => materials_page(&state, &user, Some(("receive", msg)), None).await,
            None => Err(e.into()),
        },
    }
}

/// `POST /training/materials/distribute`: from a store to a post; refused when stock is short.
async fn distribute_material(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<MaterialForm>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let (Some((item, store, quantity, on)), Ok(to)) = (parse_movement(&form), form.to.parse())
    else {
        let msg = tabara_i18n::t!(lang, "material-error-form");
        return materials_page(&state, &user, Some(("distribute", msg)), None).await;
    };
    match state
        .store
        .distribute_material(&user.actor(), item, store, to, quantity, on)
        .await
    {
        Ok(_) => Ok(stock_link(item, store)),
        Err(e) => match material_error(lang, &e) {
            Some(msg) => materials_page(&state, &user, Some(("distribute", msg)), None).await,
            None => Err(e.into()),
        },
    }
}
