//! Changing a person of a case: facts and, for users who may read it, the identity, in one
//! form validated on the server; facts and identity change together or not at all
//! (`Store::update_person_with_identity`), and a change based on an old version is refused.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::htcds::Gender;
use tabara_core::ids::PersonId;
use tabara_core::permissions::decide_identity;
use tabara_core::records::{Case, Person, PersonForm, PersonIdentity};
use tabara_core::validation::ValidationErrors;
use tabara_store::StoreError;

use crate::access::{CasePersonAccess, CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, render};

/// The person form as typed: the facts and the identity fields an officer corrects most.
/// Identity fields not on the form keep their stored values.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PersonEditForm {
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

/// The identity of the person and its version, when the user may read it for this person's
/// role in the case (that read is audited). The access check has already refused a person of
/// a case the user may not edit with the same 404 as a missing one.
async fn readable_identity(
    state: &AppState,
    user: &CurrentUser,
    access: &CasePersonAccess,
) -> Result<Option<(PersonIdentity, i64)>, AppError> {
    let role = access.person.involvement.role();
    if !decide_identity(user.user.role, access.relation, role).allowed() {
        return Ok(None);
    }
    let id = access.person.person.id;
    Ok(Some(state.store.read_identity(&user.actor(), id).await?))
}

/// `GET /cases/{number}/persons/{person}/edit`.
pub(super) async fn edit_person_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let identity = readable_identity(&state, &user, &access).await?;
    let (case, person) = (access.case, access.person.person);
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
pub(super) async fn update_person(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<PersonEditForm>,
) -> Result<Response, AppError> {
    let identity = readable_identity(&state, &user, &access).await?;
    let (case, person) = (access.case, access.person.person);
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
    let actor = user.actor();
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
