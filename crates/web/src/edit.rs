//! Changing a case and its persons: edit forms validated on the server, re-shown with each
//! error next to its field, and optimistic concurrency (a change based on an old version is
//! refused and the form shows what is stored now). Also the case page's own forms: comments
//! and shares with another agency.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tabara_core::htcds::{CaseStatus, Gender};
use tabara_core::ids::{OfficeId, OrganisationId, PersonId, UserId};
use tabara_core::permissions::{Action, Relation, decide, decide_identity};
use tabara_core::records::{Case, Person, PersonForm, PersonIdentity, parse_date};
use tabara_core::validation::ValidationErrors;
use tabara_core::{Lang, Picklist};
use tabara_store::{Actor, StoreError};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::pages::{CaseForms, case_page_with, readable_case};
use crate::view::{Chrome, FormErrors, render};

/// The case form as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaseEditForm {
    csrf: String,
    version: String,
    status: String,
    opened_on: String,
    closed_on: String,
    closure_reason: String,
    office: String,
    owner: String,
}

impl CaseEditForm {
    fn of(case: &Case) -> CaseEditForm {
        CaseEditForm {
            csrf: String::new(),
            version: case.version.to_string(),
            status: case.facts.status.as_str().to_string(),
            opened_on: case.facts.opened_on.to_string(),
            closed_on: case
                .facts
                .closed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            closure_reason: case.facts.closure_reason.clone().unwrap_or_default(),
            office: case.office_id.map(|o| o.to_string()).unwrap_or_default(),
            owner: case.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "edit_case.html")]
struct EditCasePage {
    chrome: Chrome,
    case: Case,
    form: CaseEditForm,
    errors: FormErrors,
    statuses: Vec<(&'static str, &'static str)>,
    offices: Vec<(String, String)>,
    /// Present when the user may assign the case.
    owners: Option<Vec<(String, String)>>,
    /// What is stored now, when the user's change was based on an older version.
    stored: Option<Vec<(String, String)>>,
}

async fn editable_case(
    state: &AppState,
    user: &CurrentUser,
    number: &str,
) -> Result<(Case, Relation), AppError> {
    let (case, relation) = readable_case(state, user, number).await?;
    if !decide(user.user.role, Action::EditCase, Some(relation)).allowed() {
        return Err(AppError::Forbidden(user.lang));
    }
    Ok((case, relation))
}

async fn case_form_page(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    relation: Relation,
    form: CaseEditForm,
    errors: FormErrors,
    stored: Option<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let offices = state
        .directory()
        .await?
        .offices
        .iter()
        .filter(|o| o.organisation_id == case.organisation_id)
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let owners = if decide(user.user.role, Action::AssignCase, Some(relation)).allowed() {
        Some(
            state
                .store
                .organisation_users(case.organisation_id, 500)
                .await?
                .into_iter()
                .filter(|u| {
                    decide(
                        u.role,
                        Action::EditCase,
                        Some(Relation {
                            assigned: true,
                            ..relation
                        }),
                    )
                    .allowed()
                })
                .map(|u| {
                    (
                        u.id.to_string(),
                        format!("{} ({})", u.display_name, u.username),
                    )
                })
                .collect(),
        )
    } else {
        None
    };
    let status = errors.status();
    let page = EditCasePage {
        chrome: user.chrome(&format!("/cases/{}/edit", case.number)),
        case,
        form,
        errors,
        statuses: CaseStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(lang)))
            .collect(),
        offices,
        owners,
        stored,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /cases/{number}/edit`.
pub async fn edit_case_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    let (case, relation) = editable_case(&state, &user, &number).await?;
    let form = CaseEditForm::of(&case);
    case_form_page(
        &state,
        &user,
        case,
        relation,
        form,
        FormErrors::none(),
        None,
    )
    .await
}

/// The stored values a conflicting change would overwrite, as label and value.
fn case_values(
    case: &Case,
    lang: Lang,
    offices: &[tabara_core::records::Office],
) -> Vec<(String, String)> {
    let c = tabara_i18n::catalogue();
    vec![
        (
            c.text(lang, "cases-col-status", &[]),
            case.facts.status.label(lang).to_string(),
        ),
        (
            c.text(lang, "cases-col-opened", &[]),
            crate::view::format_date(lang, case.facts.opened_on),
        ),
        (
            c.text(lang, "case-closed", &[]),
            case.facts
                .closed_on
                .map(|d| crate::view::format_date(lang, d))
                .unwrap_or_else(|| "–".into()),
        ),
        (
            c.text(lang, "case-closure-reason", &[]),
            case.facts
                .closure_reason
                .clone()
                .unwrap_or_else(|| "–".into()),
        ),
        (
            c.text(lang, "cases-col-office", &[]),
            case.office_id
                .and_then(|id| offices.iter().find(|o| o.id == id))
                .map(|o| o.name.clone())
                .unwrap_or_else(|| "–".into()),
        ),
    ]
}

/// `POST /cases/{number}/edit`.
pub async fn update_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Form(form): Form<CaseEditForm>,
) -> Result<Response, AppError> {
    let (case, relation) = editable_case(&state, &user, &number).await?;
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let mut e = ValidationErrors::default();
    let status = if form.status.trim().is_empty() {
        e.push("cas_Status", "required", "choose a status");
        None
    } else {
        CaseStatus::parse(&form.status)
            .map_err(|err| e.push("cas_Status", "picklist", err.to_string()))
            .ok()
    };
    let opened_on = parse_date(&mut e, "cas_OpenedOn", &form.opened_on);
    if opened_on.is_none() && !e.has("cas_OpenedOn") {
        e.push("cas_OpenedOn", "required", "the opening date is needed");
    }
    let closed_on = parse_date(&mut e, "cas_ClosedOn", &form.closed_on);
    let directory = state.directory().await?;
    let office = if form.office.trim().is_empty() {
        None
    } else {
        let id = form.office.parse::<OfficeId>().ok().filter(|id| {
            directory
                .offices
                .iter()
                .any(|o| o.id == *id && o.organisation_id == case.organisation_id)
        });
        if id.is_none() {
            e.push("cas_Office", "picklist", "choose an office of the agency");
        }
        id
    };
    let may_assign = decide(user.user.role, Action::AssignCase, Some(relation)).allowed();
    let owner = if !may_assign {
        case.owner_id
    } else if form.owner.trim().is_empty() {
        None
    } else {
        let candidates = state
            .store
            .organisation_users(case.organisation_id, 500)
            .await?;
        let id = form
            .owner
            .parse::<UserId>()
            .ok()
            .filter(|id| candidates.iter().any(|u| u.id == *id));
        if id.is_none() {
            e.push(
                "cas_Owner",
                "picklist",
                "choose an active user of the agency",
            );
        }
        id
    };
    let expected: i64 = form.version.trim().parse().unwrap_or(0);
    let mut changed = case.clone();
    if let (Some(status), Some(opened_on)) = (status, opened_on) {
        changed.facts.status = status;
        changed.facts.opened_on = opened_on;
        changed.facts.closed_on = closed_on;
        let reason = form.closure_reason.trim();
        changed.facts.closure_reason = (!reason.is_empty()).then(|| reason.to_string());
        changed.office_id = office;
        changed.owner_id = owner;
        changed.version = expected;
        if let Err(v) = changed.facts.validate(Utc::now().date_naive()) {
            e.0.extend(v.0);
        }
    }
    if !e.0.is_empty() {
        let errors = FormErrors::new(lang, e);
        return case_form_page(&state, &user, case, relation, form, errors, None).await;
    }
    match state
        .store
        .update_case(&Actor::user(user.user.id), &changed)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response()),
        Err(StoreError::Conflict { .. }) => {
            // Someone saved first: keep what this user typed, show what is stored now, and
            // base a new attempt on the stored version.
            let current = state.store.case(case.id).await?;
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "edit-conflict"));
            let stored = case_values(&current, lang, &directory.offices);
            let form = CaseEditForm {
                version: current.version.to_string(),
                ..form
            };
            case_form_page(&state, &user, current, relation, form, errors, Some(stored)).await
        }
        Err(StoreError::Invalid(v)) => {
            let errors = FormErrors::new(lang, v);
            case_form_page(&state, &user, case, relation, form, errors, None).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The person form as typed: the facts and the identity fields an officer corrects most.
/// Identity fields not on the form keep their stored values.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PersonEditForm {
    csrf: String,
    facts_version: String,
    identity_version: String,
    first_name: String,
    middle_name: String,
    second_name: String,
    birthdate: String,
    age: String,
    age_uncertain: Option<String>,
    gender: String,
    citizenship: String,
    identity_number: String,
    mobile_phone: String,
    primary_language: String,
}

impl PersonEditForm {
    /// The stored values; the identity fields stay empty when the user may not read them.
    fn of(person: &Person, identity: Option<&(PersonIdentity, i64)>) -> PersonEditForm {
        let f = &person.facts;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let i = identity.map(|(i, _)| i);
        let si =
            |get: fn(&PersonIdentity) -> &Option<String>| i.map(|i| s(get(i))).unwrap_or_default();
        PersonEditForm {
            csrf: String::new(),
            facts_version: person.version.to_string(),
            identity_version: identity.map(|(_, v)| v.to_string()).unwrap_or_default(),
            first_name: si(|i| &i.first_name),
            middle_name: si(|i| &i.middle_name),
            second_name: si(|i| &i.second_name),
            birthdate: i
                .and_then(|i| i.birthdate)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            age: f
                .age_at_registration
                .map(|a| a.to_string())
                .unwrap_or_default(),
            age_uncertain: f.age_uncertain.then(|| "1".to_string()),
            gender: f.gender.as_str().to_string(),
            citizenship: f
                .citizenship
                .iter()
                .map(|c| c.code().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            identity_number: si(|i| &i.identity_number),
            mobile_phone: si(|i| &i.mobile_phone),
            primary_language: s(&f.primary_language),
        }
    }

    /// The full form of the core, with the fields not shown taken from what is stored. Without
    /// an identity (the user may not read it) only the facts count: the identity fields of
    /// the request are ignored and the identity is left as it is.
    fn merged(&self, person: &Person, identity: Option<&PersonIdentity>) -> PersonForm {
        let f = &person.facts;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        let facts = PersonForm {
            age: self.age.clone(),
            age_uncertain: self.age_uncertain.is_some(),
            gender: self.gender.clone(),
            citizenship: self.citizenship.clone(),
            marital_status: f
                .marital_status
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            number_of_children: f
                .number_of_children
                .map(|n| n.to_string())
                .unwrap_or_default(),
            primary_language: self.primary_language.clone(),
            secondary_language: s(&f.secondary_language),
            education: f
                .education
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            deceased: f.deceased,
            ..Default::default()
        };
        let Some(identity) = identity else {
            return facts;
        };
        PersonForm {
            salutation: s(&identity.salutation),
            first_name: self.first_name.clone(),
            middle_name: self.middle_name.clone(),
            second_name: self.second_name.clone(),
            birthdate: self.birthdate.clone(),
            identity_number: self.identity_number.clone(),
            title: s(&identity.title),
            email: s(&identity.email),
            home_phone: s(&identity.home_phone),
            mobile_phone: self.mobile_phone.clone(),
            mailing_street: s(&identity.mailing_street),
            mailing_city: s(&identity.mailing_city),
            mailing_state: s(&identity.mailing_state),
            mailing_postal_code: s(&identity.mailing_postal_code),
            mailing_country: identity
                .mailing_country
                .map(|c| c.code().to_string())
                .unwrap_or_default(),
            notes: s(&identity.notes),
            ..facts
        }
    }
}

#[derive(askama::Template)]
#[template(path = "edit_person.html")]
struct EditPersonPage {
    chrome: Chrome,
    case: Case,
    person_id: PersonId,
    form: PersonEditForm,
    errors: FormErrors,
    genders: Vec<(&'static str, &'static str)>,
    /// The user may read (and so change) the person's identity.
    with_identity: bool,
}

fn person_form_page(
    user: &CurrentUser,
    case: Case,
    person_id: PersonId,
    with_identity: bool,
    form: PersonEditForm,
    errors: FormErrors,
) -> Response {
    let status = errors.status();
    let page = EditPersonPage {
        chrome: user.chrome(&format!(
            "/cases/{}/persons/{}/edit",
            case.number, person_id
        )),
        case,
        person_id,
        form,
        errors,
        genders: Gender::ALL
            .iter()
            .map(|g| (g.as_str(), g.label(user.lang)))
            .collect(),
        with_identity,
    };
    (status, render(&page)).into_response()
}

/// A person of a case the user may edit, with the person's facts and, when the user may read
/// it for this person's role in the case, the identity and its version (that read is
/// audited). A person of a case the user may not edit answers like a missing one (404), as
/// every record out of reach does.
async fn editable_person(
    state: &AppState,
    user: &CurrentUser,
    number: &str,
    person: &str,
) -> Result<(Case, Person, Option<(PersonIdentity, i64)>), AppError> {
    let (case, relation) = readable_case(state, user, number).await?;
    if !decide(user.user.role, Action::EditCase, Some(relation)).allowed() {
        return Err(AppError::NotFound(user.lang));
    }
    let person_id: PersonId = person.parse().map_err(|_| AppError::NotFound(user.lang))?;
    let persons = state.store.case_persons(case.id).await?;
    let Some(cp) = persons.into_iter().find(|p| p.person.id == person_id) else {
        return Err(AppError::NotFound(user.lang));
    };
    let identity = if decide_identity(user.user.role, relation, cp.involvement.role()).allowed() {
        Some(
            state
                .store
                .read_identity(&Actor::user(user.user.id), person_id)
                .await?,
        )
    } else {
        None
    };
    Ok((case, cp.person, identity))
}

/// `GET /cases/{number}/persons/{person}/edit`.
pub async fn edit_person_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, person)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (case, person, identity) = editable_person(&state, &user, &number, &person).await?;
    let form = PersonEditForm::of(&person, identity.as_ref());
    Ok(person_form_page(
        &user,
        case,
        person.id,
        identity.is_some(),
        form,
        FormErrors::none(),
    ))
}

/// `POST /cases/{number}/persons/{person}/edit`: facts and identity change together or not
/// at all; a user who may not read the identity changes the facts only.
pub async fn update_person(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, person)): Path<(String, String)>,
    Form(form): Form<PersonEditForm>,
) -> Result<Response, AppError> {
    let (case, person, identity) = editable_person(&state, &user, &number, &person).await?;
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let with_identity = identity.is_some();
    let full = form.merged(&person, identity.as_ref().map(|(i, _)| i));
    // Ages are as of registration: the form is checked against that day.
    let (facts, new_identity) = match full.validate(person.facts.registered_on) {
        Ok(v) => v,
        Err(e) => {
            return Ok(person_form_page(
                &user,
                case,
                person.id,
                with_identity,
                form,
                FormErrors::new(lang, e),
            ));
        }
    };
    let changed = Person {
        facts: tabara_core::records::PersonFacts {
            registered_on: person.facts.registered_on,
            ..facts
        },
        version: form.facts_version.trim().parse().unwrap_or(0),
        ..person.clone()
    };
    let actor = Actor::user(user.user.id);
    let saved = if with_identity {
        let identity_version: i64 = form.identity_version.trim().parse().unwrap_or(0);
        state
            .store
            .update_person_with_identity(&actor, &changed, identity_version, &new_identity)
            .await
            .map(|_| ())
    } else {
        state
            .store
            .update_person(&actor, &changed)
            .await
            .map(|_| ())
    };
    match saved {
        Ok(()) => Ok(
            Redirect::to(&format!("/cases/{}/persons/{}", case.number, person.id)).into_response(),
        ),
        Err(StoreError::Conflict { .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(tabara_i18n::t!(lang, "edit-conflict-person"));
            let identity_version = if with_identity {
                state
                    .store
                    .read_identity(&actor, person.id)
                    .await?
                    .1
                    .to_string()
            } else {
                String::new()
            };
            let form = PersonEditForm {
                facts_version: person.version.to_string(),
                identity_version,
                ..form
            };
            Ok(person_form_page(
                &user,
                case,
                person.id,
                with_identity,
                form,
                errors,
            ))
        }
        Err(StoreError::Invalid(v)) => Ok(person_form_page(
            &user,
            case,
            person.id,
            with_identity,
            form,
            FormErrors::new(lang, v),
        )),
        Err(other) => Err(other.into()),
    }
}

/// The comment form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    csrf: String,
    body: String,
}

/// `POST /cases/{number}/comments`.
pub async fn add_comment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let (case, relation) = readable_case(&state, &user, &number).await?;
    if !decide(user.user.role, Action::CommentCase, Some(relation)).allowed() {
        return Err(AppError::Forbidden(user.lang));
    }
    user.check_csrf(&form.csrf)?;
    let refuse = |e: ValidationErrors| {
        let errors = FormErrors::new(user.lang, e);
        CaseForms {
            comment: form.body.clone(),
            comment_error: Some(errors.text("cmt_Body")),
            ..Default::default()
        }
    };
    if form.body.trim().is_empty() {
        let mut e = ValidationErrors::default();
        e.push("cmt_Body", "required", "write the comment");
        return case_page_with(&state, &user, case, relation, refuse(e)).await;
    }
    match state
        .store
        .add_comment(&Actor::user(user.user.id), case.id, &form.body)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}#comments", case.number)).into_response()),
        Err(StoreError::Invalid(v)) => {
            let mut e = ValidationErrors::default();
            for item in v.0 {
                e.push("cmt_Body", item.rule, item.message);
            }
            case_page_with(&state, &user, case, relation, refuse(e)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The share form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShareForm {
    csrf: String,
    organisation: String,
    reason: String,
    /// The checkbox: present (any value) when the agency may also edit the case.
    may_edit: Option<String>,
}

/// `POST /cases/{number}/shares`: give another agency access to the case, with a reason; it
/// reads and comments, and edits only when the share says so. Only the owning agency shares
/// (`Action::ShareCase`).
pub async fn share_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Form(form): Form<ShareForm>,
) -> Result<Response, AppError> {
    let (case, relation) = readable_case(&state, &user, &number).await?;
    if !decide(user.user.role, Action::ShareCase, Some(relation)).allowed() {
        return Err(AppError::Forbidden(user.lang));
    }
    user.check_csrf(&form.csrf)?;
    let lang = user.lang;
    let directory = state.directory().await?;
    let target = form
        .organisation
        .parse::<OrganisationId>()
        .ok()
        .filter(|id| {
            *id != case.organisation_id && directory.organisations.iter().any(|o| o.id == *id)
        });
    let refuse = |key: &str| CaseForms {
        share_organisation: form.organisation.clone(),
        share_reason: form.reason.clone(),
        share_may_edit: form.may_edit.is_some(),
        share_error: Some(tabara_i18n::catalogue().text(lang, key, &[])),
        ..Default::default()
    };
    let Some(target) = target else {
        return case_page_with(&state, &user, case, relation, refuse("case-share-choose")).await;
    };
    if form.reason.trim().is_empty() {
        return case_page_with(
            &state,
            &user,
            case,
            relation,
            refuse("case-share-reason-needed"),
        )
        .await;
    }
    match state
        .store
        .share_case(
            &Actor::user(user.user.id),
            case.id,
            target,
            &form.reason,
            form.may_edit.is_some(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{}", case.number)).into_response()),
        Err(StoreError::Invalid(v)) => {
            let key = if v.0.iter().any(|f| f.rule == "control_characters") {
                "rule-control-characters"
            } else {
                "case-share-reason-long"
            };
            case_page_with(&state, &user, case, relation, refuse(key)).await
        }
        Err(StoreError::Duplicate { .. }) => {
            case_page_with(&state, &user, case, relation, refuse("case-share-already")).await
        }
        Err(other) => Err(other.into()),
    }
}
