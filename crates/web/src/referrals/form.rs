//! The referral form, on a person of a case: the addressed agency, the services asked for, the
//! data shared, urgency and an answer moment, and on the same screen the person's informed
//! consent to exactly that (recipient, services, data). Saved as a draft or sent at once;
//! consent, draft and sending are one transaction (`Store::refer`): bad input changes nothing.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use tabara_core::ids::{OrganisationId, ReferralConsentId, ReferralId};
use tabara_core::picklist::{Picklist, ValueSet};
use tabara_core::records::Case;
use tabara_core::referral::{Consent, ConsentGiver, DataCategory, ServiceType, UrgencyReason};
use tabara_core::validation::ValidationErrors;
use tabara_store::{NewReferral, ReferralStep, StoreError};

use super::offered_services;
use crate::access::{CasePersonAccess, CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, render};

/// The form as typed (checkbox groups repeat their name, so the fields are read as pairs).
#[derive(Debug, Default, Clone)]
pub(super) struct ReferralForm {
    recipient: String,
    services: Vec<String>,
    data: Vec<String>,
    urgency: Vec<String>,
    answer_by: String,
    given_by: String,
    language: String,
    witness: String,
    given_at: String,
    informed: bool,
    send: bool,
}

impl ReferralForm {
    fn of(pairs: &[(String, String)]) -> ReferralForm {
        let mut f = ReferralForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "recipient" => f.recipient = v.clone(),
                "services" => f.services.push(v.clone()),
                "data" => f.data.push(v.clone()),
                "urgency" => f.urgency.push(v.clone()),
                "answer_by" => f.answer_by = v.clone(),
                "given_by" => f.given_by = v.clone(),
                "language" => f.language = v.clone(),
                "witness" => f.witness = v.clone(),
                "given_at" => f.given_at = v.clone(),
                "informed" => f.informed = !v.is_empty(),
                "action" => f.send = v == "send",
                _ => {}
            }
        }
        f
    }

    fn blank(now: DateTime<Utc>, child: bool) -> ReferralForm {
        ReferralForm {
            given_by: if child { "guardian" } else { "person" }.into(),
            language: "rn".into(),
            given_at: now.format("%Y-%m-%dT%H:%M").to_string(),
            data: vec![DataCategory::Facts.as_str().into()],
            ..ReferralForm::default()
        }
    }
}

/// A set of picklist values from checked boxes; an unknown value is `field`/`picklist`.
fn set_of<T: Picklist>(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &[String],
) -> ValueSet<T> {
    let mut set = ValueSet::new();
    for v in raw {
        match T::parse(v) {
            Ok(x) => {
                set.insert(x);
            }
            Err(_) => e.push(field, "picklist", format!("{v} is not a choice")),
        }
    }
    set
}

/// A `datetime-local` value (minutes, UTC); empty is `None`.
fn moment(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M"));
    match parsed {
        Ok(t) => Some(t.and_utc()),
        Err(_) => {
            e.push(field, "datetime", format!("{raw} is not a date and time"));
            None
        }
    }
}

#[derive(askama::Template)]
#[template(path = "referral_form.html")]
struct FormPage {
    chrome: Chrome,
    case: Case,
    person_id: String,
    person_label: String,
    child: bool,
    form: ReferralForm,
    recipients: Vec<(String, String)>,
    services: Vec<(&'static str, &'static str)>,
    data: Vec<(&'static str, &'static str)>,
    urgency: Vec<(&'static str, &'static str)>,
    givers: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

impl FormPage {
    fn checked(list: &[String], value: &str) -> bool {
        list.iter().any(|v| v == value)
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
    form: ReferralForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let directory = state.directory().await?;
    let own = user.user.organisation_id;
    let recipients = directory
        .organisations
        .iter()
        .filter(|o| o.id != own)
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let person = &access.person;
    let page = FormPage {
        chrome: user.chrome(&format!(
            "/cases/{}/persons/{}/referrals/new",
            access.case.number, person.person.id
        )),
        case: access.case.clone(),
        person_id: person.person.id.to_string(),
        person_label: person.involvement.role().label(lang).to_string(),
        child: person.person.facts.is_child_or_presumed(),
        form,
        recipients,
        services: crate::view::choices(ServiceType::ALL, lang),
        data: crate::view::choices(DataCategory::ALL, lang),
        urgency: crate::view::choices(UrgencyReason::ALL, lang),
        givers: crate::view::choices(ConsentGiver::ALL, lang),
        errors,
    };
    let status = page.errors.status();
    Ok((status, render(&page)).into_response())
}

/// `GET /cases/{number}/persons/{person}/referrals/new`.
pub(super) async fn new_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let child = access.person.person.facts.is_child_or_presumed();
    let form = ReferralForm::blank(Utc::now(), child);
    form_page(&state, &user, &access, form, FormErrors::none()).await
}

/// `POST /cases/{number}/persons/{person}/referrals`: record the consent and the draft, and
/// send it when asked; on any broken rule, the form again with every error by its field.
pub(super) async fn create_referral(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let form = ReferralForm::of(&form);
    let mut e = ValidationErrors::default();
    let recipient = form
        .recipient
        .trim()
        .parse::<uuid::Uuid>()
        .ok()
        .map(OrganisationId);
    let directory = state.directory().await?;
    let recipient = match recipient {
        Some(r) if directory.organisations.iter().any(|o| o.id == r) => Some(r),
        _ => {
            e.push("ref_Recipient", "required", "choose the agency referred to");
            None
        }
    };
    let services: ValueSet<ServiceType> = set_of(&mut e, "ref_Services", &form.services);
    let data: ValueSet<DataCategory> = set_of(&mut e, "ref_Data", &form.data);
    if services.is_empty() && !e.has("ref_Services") {
        e.push("ref_Services", "required", "choose the services asked for");
    }
    if data.is_empty() && !e.has("ref_Data") {
        e.push("ref_Data", "required", "choose the data shared");
    }
    let urgency: ValueSet<UrgencyReason> = set_of(&mut e, "ref_Urgency", &form.urgency);
    let answer_by = moment(&mut e, "ref_AnswerBy", &form.answer_by);
    let given_at = moment(&mut e, "con_GivenAt", &form.given_at);
    if given_at.is_none() && !e.has("con_GivenAt") {
        e.push("con_GivenAt", "required", "say when the consent was given");
    }
    let given_by = ConsentGiver::parse(&form.given_by).ok();
    if given_by.is_none() {
        e.push("con_GivenBy", "required", "say who gave the consent");
    }
    if !form.informed {
        e.push(
            "con_Informed",
            "required",
            "the person is informed of the referral, the data shared and the right to withdraw",
        );
    }
    let (Some(recipient), Some(given_at), Some(given_by)) = (recipient, given_at, given_by) else {
        return form_page(&state, &user, &access, form, FormErrors::new(lang, e)).await;
    };
    if !e.0.is_empty() {
        return form_page(&state, &user, &access, form, FormErrors::new(lang, e)).await;
    }
    let witness = form.witness.trim();
    let consent = Consent {
        recipient,
        services: services.clone(),
        data: data.clone(),
        given_at,
        given_by,
        language: form.language.trim().to_lowercase(),
        witness: (!witness.is_empty()).then(|| witness.to_string()),
        withdrawn_at: None,
    };
    let new = NewReferral {
        id: ReferralId::new(),
        case_id: access.case.id,
        person_id: access.person.person.id,
        sender_id: user.user.organisation_id,
        recipient_id: recipient,
        services,
        data,
        urgency,
        answer_by,
    };
    let offered = offered_services(&state, recipient).await?;
    let send = form.send.then_some(ReferralStep::Send {
        offered: &offered,
        deadlines: &state.config.deadlines,
    });
    let consent_id = ReferralConsentId::new();
    match state
        .store
        .refer(&user.actor(), Some((consent_id, &consent)), &new, send)
        .await
    {
        Ok(r) => Ok(Redirect::to(&format!("/referrals/{}", r.id)).into_response()),
        Err(StoreError::Invalid(v)) => {
            form_page(&state, &user, &access, form, FormErrors::new(lang, v)).await
        }
        Err(other) => Err(other.into()),
    }
}
