//! Opening a case at intake: the case, its first victim and what is known of the exploitation,
//! in one form, validated on the server; every error is shown next to its field and nothing the
//! officer typed is lost.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::htcds::{ExploitationType, Gender, TraffickingStatus};
use tabara_core::ids::{CaseId, ConsentId, OfficeId, PersonId};
use tabara_core::records::{
    CaseFacts, Consent, ConsentScope, Involvement, Person, PersonForm, VictimContext,
};
use tabara_core::validation::ValidationErrors;
use tabara_store::{Batch, BatchCase, NewCase};

use crate::access::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, render};

/// The intake form as typed. A field left out counts as empty (and is then reported by the
/// validation), never as a malformed request.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct IntakeForm {
    pub(crate) opened_on: String,
    pub(crate) office: String,
    pub(crate) first_name: String,
    pub(crate) second_name: String,
    pub(crate) birthdate: String,
    pub(crate) age: String,
    pub(crate) age_uncertain: Option<String>,
    pub(crate) gender: String,
    pub(crate) citizenship: String,
    pub(crate) exploitation: String,
    pub(crate) trafficking_status: String,
    pub(crate) consent: Option<String>,
}

/// What opening a case needs besides the form: who opens it, the agencies' offices, today,
/// the ids to give the case and the person (planned ahead by a phone's submission, so that
/// making it again makes the same records), and whether the type of exploitation is required
/// (at intake it is; a screening at a border post may not know it yet).
pub(crate) struct Opening<'a> {
    pub(crate) user: &'a tabara_store::User,
    pub(crate) offices: &'a [tabara_core::records::Office],
    pub(crate) today: NaiveDate,
    pub(crate) case_id: CaseId,
    pub(crate) person_id: PersonId,
    pub(crate) exploitation_required: bool,
}

#[derive(askama::Template)]
#[template(path = "new_case.html")]
struct NewCasePage {
    chrome: Chrome,
    form: IntakeForm,
    errors: FormErrors,
    offices: Vec<(String, String)>,
    genders: Vec<(&'static str, &'static str)>,
    exploitation_types: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    form: IntakeForm,
    errors: ValidationErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let offices = state
        .directory()
        .await?
        .office_choices(user.user.organisation_id);
    let errors = FormErrors::new(lang, errors);
    let status = errors.status();
    let page = NewCasePage {
        chrome: user.chrome("/cases/new"),
        form,
        errors,
        offices,
        genders: choices(Gender::ALL, lang),
        exploitation_types: choices(ExploitationType::ALL, lang),
        statuses: choices(TraffickingStatus::ALL, lang),
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /cases/new`.
pub(super) async fn new_case_page(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    // The user's own office is proposed when it belongs to their agency.
    let directory = state.directory().await?;
    let own_office = user.user.office_id.filter(|id| {
        directory
            .offices
            .iter()
            .any(|o| o.id == *id && o.organisation_id == user.user.organisation_id)
    });
    let form = IntakeForm {
        opened_on: Utc::now().date_naive().to_string(),
        office: own_office.map(|o| o.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    page(&state, &user, form, ValidationErrors::default()).await
}

/// The intake's rules over a form: every error by field and rule, or the batch that opens
/// the case (the case, the person, the involvement and the consent, in one transaction).
pub(crate) fn intake_batch(
    form: &IntakeForm,
    opening: &Opening<'_>,
) -> Result<Batch, ValidationErrors> {
    let today = opening.today;
    let user = opening.user;
    let mut errors = ValidationErrors::default();

    let opened_on = match NaiveDate::parse_from_str(form.opened_on.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(
                "cas_OpenedOn",
                "date",
                format!("'{}' is not a date", form.opened_on),
            );
            None
        }
    };
    // The office that opens the case, among the agency's offices. An agency without any office
    // (a child-protection service or a ministry working from its headquarters, registered
    // without offices) opens its cases without one: the office says at which post or station
    // a case was opened, and inventing one would falsify that.
    let offices = opening.offices;
    let agency_has_offices = offices
        .iter()
        .any(|o| o.organisation_id == user.organisation_id);
    let office = form.office.parse::<OfficeId>().ok().filter(|id| {
        offices
            .iter()
            .any(|o| o.id == *id && o.organisation_id == user.organisation_id)
    });
    if office.is_none() && (agency_has_offices || !form.office.trim().is_empty()) {
        errors.push(
            "cas_Office",
            "required",
            "choose the office that opens the case",
        );
    }
    let person_form = PersonForm {
        first_name: form.first_name.clone(),
        second_name: form.second_name.clone(),
        birthdate: form.birthdate.clone(),
        age: form.age.clone(),
        age_uncertain: form.age_uncertain.is_some(),
        gender: form.gender.clone(),
        citizenship: form.citizenship.clone(),
        ..Default::default()
    };
    let person = match person_form.validate(opened_on.unwrap_or(today).min(today)) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let exploitation = ExploitationType::parse(&form.exploitation).ok();
    if exploitation.is_none() && !form.exploitation.trim().is_empty() {
        errors.push(
            "vic_TypeOfExploitation",
            "picklist",
            "not a type of exploitation of the list",
        );
    } else if exploitation.is_none() && opening.exploitation_required {
        errors.push(
            "vic_TypeOfExploitation",
            "required",
            "choose the type of exploitation",
        );
    }
    // An unknown value is refused, never dropped: the form offers only the list's values.
    let status = if form.trafficking_status.trim().is_empty() {
        None
    } else {
        TraffickingStatus::parse(&form.trafficking_status)
            .map_err(|err| {
                errors.push("vic_TraffickingStatus", "picklist", err.to_string());
            })
            .ok()
    };
    let facts = opened_on.map(CaseFacts::opened);
    if let Some(f) = &facts
        && let Err(e) = f.validate(today)
    {
        errors.0.extend(e.0);
    }
    if form.first_name.trim().is_empty() && form.second_name.trim().is_empty() {
        errors.push(
            "prs_FirstName",
            "required",
            "give at least one name (or the name the person uses)",
        );
    }
    let (Some(facts), Some((person_facts, identity)), true) = (facts, person, errors.0.is_empty())
    else {
        return Err(errors);
    };

    let mut victim = VictimContext::default();
    if let Some(exploitation) = exploitation {
        victim.exploitation_types.insert(exploitation);
    }
    victim.trafficking_status = status;
    victim.decision_org = status.map(|_| tabara_core::htcds::DecisionMakingOrg::Police);
    let person = Person {
        id: opening.person_id,
        organisation_id: user.organisation_id,
        facts: person_facts,
        version: 1,
    };
    let case_id = opening.case_id;
    let consent_given = form.consent.is_some();
    let batch = Batch {
        consents: vec![Consent {
            id: ConsentId::new(),
            person_id: person.id,
            case_id: Some(case_id),
            scope: ConsentScope::Interview,
            given: consent_given,
            informed_purpose: consent_given,
            informed_data_use: consent_given,
            informed_research_use: false,
            informed_right_of_access: consent_given,
            informed_retention: consent_given,
            informed_withdrawal: consent_given,
            recorded_on: today,
            withdrawn_on: None,
        }],
        cases: vec![BatchCase {
            case: NewCase {
                id: case_id,
                organisation_id: user.organisation_id,
                office_id: office,
                owner_id: Some(user.id),
                facts,
            },
            persons: vec![(person.id, Involvement::Victim(victim))],
            comments: Vec::new(),
        }],
        persons: vec![(person, identity)],
    };
    Ok(batch)
}

/// `POST /cases/new`.
pub(super) async fn create_case(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<IntakeForm>,
) -> Result<Response, AppError> {
    let offices = state.directory().await?.offices;
    let opening = Opening {
        user: &user.user,
        offices: &offices,
        today: Utc::now().date_naive(),
        case_id: CaseId::new(),
        person_id: PersonId::new(),
        exploitation_required: true,
    };
    let batch = match intake_batch(&form, &opening) {
        Ok(b) => b,
        Err(errors) => return page(&state, &user, form, errors).await,
    };
    let case_id = opening.case_id;
    // One transaction: the case, the person, the involvement, the consent and their audit.
    state.store.bulk_insert(&user.actor(), &batch).await?;
    let case = state.store.case(case_id).await?;
    Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response())
}
