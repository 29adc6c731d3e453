//! `HEAD`/`GET …/submission` (the preflight) and `POST …/submission`: a completed form kept,
//! then made into records.
//!
//! The instance's `meta/instanceID` is the key. The same instance posted again (Collect
//! retries when a connection drops, and sends the same XML with each part of a split
//! submission) keeps its new attachments and answers 202 when nothing was new; another
//! instance with the same id answers 409. Posts of one instance at once keep one row (the
//! store's unique key); whoever claims it makes the records, once, with the ids planned at
//! the claim. A submission that breaks a rule of the records is kept with its reasons for a
//! supervisor (202), never lost.

use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tabara_core::fieldforms::{self, Instance};
use tabara_core::ids::ScreeningId;
use tabara_store::StoreError;
use tabara_store::field::{NewSubmission, Outcome, Reason, Received, SubmissionState};

use super::auth::FieldUser;
use super::envelope::{self, ACCEPT_CONTENT_LENGTH};
use crate::cases::intake::{IntakeForm, Opening, intake_batch};
use crate::state::AppState;

/// `HEAD` (and `GET`) `…/submission`: 204 with the size a post may have.
pub(super) async fn preflight(_user: FieldUser) -> Response {
    let mut r = StatusCode::NO_CONTENT.into_response();
    let h = r.headers_mut();
    h.insert(envelope::VERSION_HEADER, HeaderValue::from_static("1.0"));
    h.insert(
        "x-openrosa-accept-content-length",
        HeaderValue::from(ACCEPT_CONTENT_LENGTH),
    );
    r
}

/// One part of the post.
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: String,
    bytes: Vec<u8>,
}

/// Every part, the whole post bounded by the announced size (and some room for the parts'
/// headers): more is a 413.
async fn parts(mut multipart: Multipart) -> Result<Vec<Part>, StatusCode> {
    let limit = ACCEPT_CONTENT_LENGTH + 64 * 1024;
    let mut total = 0usize;
    let mut out = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(e.status()),
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_string();
        let mut field = field;
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > limit {
                        return Err(StatusCode::PAYLOAD_TOO_LARGE);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(e.status()),
            }
        }
        out.push(Part {
            name,
            file_name,
            content_type,
            bytes,
        });
    }
    Ok(out)
}

fn say(user: &FieldUser, key: &str) -> String {
    tabara_i18n::catalogue().text(user.lang, key, &[])
}

/// `POST …/submission`.
pub(super) async fn submission(
    State(state): State<AppState>,
    user: FieldUser,
    multipart: Multipart,
) -> Response {
    let parts = match parts(multipart).await {
        Ok(p) => p,
        Err(StatusCode::PAYLOAD_TOO_LARGE) => {
            return envelope::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &say(&user, "field-too-large"),
            );
        }
        Err(_) => {
            return envelope::error(StatusCode::BAD_REQUEST, &say(&user, "field-bad-request"));
        }
    };
    let Some(xml) = parts.iter().find(|p| p.name == "xml_submission_file") else {
        return envelope::error(StatusCode::BAD_REQUEST, &say(&user, "field-no-xml"));
    };
    let instance = match Instance::parse(&xml.bytes) {
        Ok(i) => i,
        Err(e) => {
            let text = tabara_i18n::t!(user.lang, "field-bad-instance", reason = e.to_string());
            return envelope::error(StatusCode::BAD_REQUEST, &text);
        }
    };
    if !fieldforms::FORM_IDS.contains(&instance.form_id.as_str()) {
        return envelope::error(StatusCode::NOT_FOUND, &say(&user, "field-form-unknown"));
    }
    if !super::may_fill(&user, &instance.form_id) {
        return envelope::error(StatusCode::FORBIDDEN, &say(&user, "field-form-forbidden"));
    }
    match state
        .store
        .field_form_served(&instance.form_id, &instance.version)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            return envelope::error(
                StatusCode::BAD_REQUEST,
                &say(&user, "field-version-unknown"),
            );
        }
        Err(e) => return server_error(&user, e),
    }
    if let Some(old) = &instance.deprecated_id {
        // An edit names a form this account's agency sent and Tabara recorded.
        match state.store.field_submission_by_instance(old).await {
            Ok(Some(o))
                if o.organisation_id == user.user.organisation_id
                    && o.form_id == instance.form_id
                    && o.state == SubmissionState::Accepted => {}
            Ok(_) => {
                return envelope::error(StatusCode::BAD_REQUEST, &say(&user, "field-edit-unknown"));
            }
            Err(e) => return server_error(&user, e),
        }
    }
    let received = state
        .store
        .receive_submission(
            &user.actor(),
            NewSubmission {
                instance: &instance,
                xml: &xml.bytes,
                user: &user.user,
                device_id: Some(user.device.id),
            },
        )
        .await;
    let (kept, new) = match received {
        Ok(Received::New(s)) => (s, true),
        Ok(Received::Same(s)) => (s, false),
        Ok(Received::Different(_)) => {
            return envelope::error(StatusCode::CONFLICT, &say(&user, "field-conflict"));
        }
        Err(e) => return server_error(&user, e),
    };
    if kept.user_id != user.user.id {
        // The same instance id from another account: never merged into someone else's.
        return envelope::error(StatusCode::CONFLICT, &say(&user, "field-conflict"));
    }
    let mut attached = false;
    for p in parts.iter().filter(|p| p.name != "xml_submission_file") {
        if p.name.contains("isIncomplete") {
            continue;
        }
        let name = p.file_name.clone().unwrap_or_else(|| p.name.clone());
        match state
            .store
            .add_field_attachment(&user.actor(), kept.id, &name, &p.content_type, &p.bytes)
            .await
        {
            Ok(added) => attached |= added,
            Err(StoreError::Invalid(_)) => {
                return envelope::error(StatusCode::BAD_REQUEST, &say(&user, "field-bad-file"));
            }
            Err(e) => return server_error(&user, e),
        }
    }
    let done = match process(&state, kept.id).await {
        Ok(done) => done,
        Err(e) => return server_error(&user, e),
    };
    let conflicts = match state.store.field_conflicts(done.id).await {
        Ok(c) => c.len(),
        Err(e) => return server_error(&user, e),
    };
    match (new || attached, done.state) {
        (true, SubmissionState::Accepted) if conflicts > 0 => envelope::message(
            StatusCode::CREATED,
            "submit_success",
            &tabara_i18n::t!(user.lang, "field-edited-conflicts", count = conflicts),
        ),
        (true, SubmissionState::Accepted) => envelope::message(
            StatusCode::CREATED,
            "submit_success",
            &say(&user, "field-accepted"),
        ),
        (true, SubmissionState::Invalid) => envelope::message(
            StatusCode::ACCEPTED,
            "submit_success",
            &say(&user, "field-kept-invalid"),
        ),
        (true, _) => envelope::message(
            StatusCode::ACCEPTED,
            "submit_success",
            &say(&user, "field-kept"),
        ),
        (false, _) => envelope::message(
            StatusCode::ACCEPTED,
            "submit_success",
            &say(&user, "field-duplicate"),
        ),
    }
}

fn server_error(user: &FieldUser, e: StoreError) -> Response {
    tracing::error!(error = %e, "field submission");
    envelope::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        &say(user, "field-server-error"),
    )
}

fn reasons(errors: &tabara_core::validation::ValidationErrors) -> Vec<Reason> {
    errors
        .0
        .iter()
        .map(|e| Reason {
            field: e.field.to_string(),
            rule: e.rule.to_string(),
            message: e.message.clone(),
        })
        .collect()
}

/// Make a kept submission into records, when it waits and nobody else is at it; its
/// attachments that have not reached the file store go there once it is accepted. Returns the
/// submission as it then stands.
pub(crate) async fn process(
    state: &AppState,
    id: uuid::Uuid,
) -> Result<tabara_store::field::FieldSubmission, StoreError> {
    let finished = if let Some(claimed) = state.store.claim_submission(id).await? {
        let actor = tabara_store::Actor::user(claimed.user_id);
        let xml = state.store.field_submission_xml_to_process(id).await?;
        let outcome = match Instance::parse(&xml) {
            Ok(instance) => make_records(state, &claimed, &instance, &actor).await?,
            Err(e) => Outcome::Invalid(vec![Reason {
                field: "xml_submission_file".into(),
                rule: e.rule().into(),
                message: e.to_string(),
            }]),
        };
        Some(state.store.finish_submission(&actor, id, &outcome).await?)
    } else {
        None
    };
    let s = match finished {
        Some(s) => s,
        None => state.store.field_submission(id).await?,
    };
    if s.state == SubmissionState::Accepted {
        file_attachments(state, &s).await?;
    }
    Ok(s)
}

/// The intake part of a form (`case/…`, `person/…`, `victim/…`, `consent/…`) as the web's
/// intake form has it.
fn intake_form(i: &Instance, office: Option<tabara_core::ids::OfficeId>) -> IntakeForm {
    IntakeForm {
        opened_on: i.get("case/opened_on").to_string(),
        office: office.map(|o| o.to_string()).unwrap_or_default(),
        first_name: i.get("person/first_name").to_string(),
        second_name: i.get("person/second_name").to_string(),
        birthdate: i.get("person/birthdate").to_string(),
        age: i.get("person/age").to_string(),
        age_uncertain: (i.get("person/age_uncertain") == "yes").then(|| "on".to_string()),
        gender: i.get("person/gender").to_string(),
        citizenship: i.get("person/citizenship").to_string(),
        exploitation: i.get("victim/exploitation").to_string(),
        trafficking_status: i.get("victim/trafficking_status").to_string(),
        consent: (i.get("consent/consent") == "yes").then(|| "on".to_string()),
    }
}

async fn make_records(
    state: &AppState,
    s: &tabara_store::field::FieldSubmission,
    instance: &Instance,
    actor: &tabara_store::Actor,
) -> Result<Outcome, StoreError> {
    if instance.deprecated_id.is_some() {
        return apply_edit(state, s, instance, actor).await;
    }
    if instance.form_id == fieldforms::DOCUMENT {
        return record_document(state, s, instance, actor).await;
    }
    if instance.form_id == fieldforms::REFERRAL {
        return refer(state, s, instance, actor).await;
    }
    let (Some(case_id), Some(person_id)) = (s.case_id, s.person_id) else {
        return Err(StoreError::Corrupt(format!(
            "submission {} was claimed without its planned ids",
            s.id
        )));
    };
    let user = state.store.user(s.user_id).await?;
    let offices = state.directory().await?.offices;
    // The case is opened at the office of the account the phone acts for, as the web's form
    // proposes it.
    let office = user.office_id.filter(|o| {
        offices
            .iter()
            .any(|x| x.id == *o && x.organisation_id == user.organisation_id)
    });
    let form = intake_form(instance, office);
    let opening = Opening {
        user: &user,
        offices: &offices,
        today: Utc::now().date_naive(),
        case_id,
        person_id,
        exploitation_required: instance.form_id == fieldforms::INTAKE,
    };
    let batch = match intake_batch(&form, &opening) {
        Ok(b) => b,
        Err(errors) => return Ok(Outcome::Invalid(reasons(&errors))),
    };
    match state.store.case(case_id).await {
        Ok(_) => {}
        Err(StoreError::NotFound { .. }) => match state.store.bulk_insert(actor, &batch).await {
            Ok(_) => {}
            Err(StoreError::Invalid(errors)) => return Ok(Outcome::Invalid(reasons(&errors))),
            Err(e) => return Err(e),
        },
        Err(e) => return Err(e),
    }
    if instance.form_id == fieldforms::SCREENING {
        let record = s.record_id.ok_or_else(|| {
            StoreError::Corrupt(format!("submission {} has no planned screening", s.id))
        })?;
        screen(
            state,
            instance,
            actor,
            case_id,
            person_id,
            ScreeningId(record),
        )
        .await?;
    }
    Ok(Outcome::Accepted)
}

/// The screening of a submission: started, answered and completed as on the web, each step
/// skipped when a claim taken again finds it done.
async fn screen(
    state: &AppState,
    instance: &Instance,
    actor: &tabara_store::Actor,
    case_id: tabara_core::ids::CaseId,
    person_id: tabara_core::ids::PersonId,
    id: ScreeningId,
) -> Result<(), StoreError> {
    use tabara_core::palermo::{Fact, FactName, MovementFacts};
    use tabara_core::screening::{AgeFacts, Answer, Catalogue};
    let catalogue = Catalogue::embedded()
        .map_err(|e| StoreError::Corrupt(format!("the screening catalogue: {e}")))?;
    let existing = match state.store.screening(id).await {
        Ok(s) => Some(s),
        Err(StoreError::NotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    let screening = match existing {
        Some(s) => s,
        None => {
            state
                .store
                .create_screening(actor, id, case_id, person_id, &catalogue.version)
                .await?
        }
    };
    if screening.state != tabara_store::ScreeningState::Draft {
        return Ok(());
    }
    // Each indicator is answered on its screen's group; the last segment of the path is its id.
    let mut answers = std::collections::BTreeMap::new();
    for (path, value) in &instance.answers {
        let leaf = path.rsplit('/').next().unwrap_or("");
        if catalogue.indicator(leaf).is_some()
            && let Some(a) = Answer::parse(value)
        {
            answers.insert(leaf.to_string(), a);
        }
    }
    let age = AgeFacts {
        age: instance.get("person/age").parse().ok(),
        uncertain: instance.get("person/age_uncertain") == "yes",
        minority_signs: catalogue
            .minority_signs
            .iter()
            .filter(|m| instance.get(&format!("age/{}", m.id)) == "yes")
            .map(|m| m.id.clone())
            .collect(),
    };
    let mut movement = MovementFacts::default();
    for f in FactName::ALL {
        movement.set(
            f,
            Fact::parse(instance.get(&format!("facts/{}", f.as_str()))),
        );
    }
    let version = state
        .store
        .save_screening(actor, id, screening.version, &answers, &age, &movement)
        .await?;
    state
        .store
        .complete_screening(actor, id, version, catalogue)
        .await?;
    Ok(())
}

/// The attachments of an accepted submission that have not reached the encrypted file store
/// are put there, about the person it made.
async fn file_attachments(
    state: &AppState,
    s: &tabara_store::field::FieldSubmission,
) -> Result<(), StoreError> {
    let (Some(case), Some(person)) = (s.case_id, s.person_id) else {
        return Ok(());
    };
    let actor = tabara_store::Actor::user(s.user_id);
    for a in state.store.field_attachments(s.id).await? {
        if a.file_id.is_some() {
            continue;
        }
        let bytes = match state.store.field_attachment_bytes(s.id, &a.name).await {
            Ok(b) => b,
            Err(StoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        let new = tabara_store::files::NewFile {
            case,
            person,
            purpose: tabara_core::files::FilePurpose::IdentityDocument,
            name: &a.name,
            declared_type: Some(&a.content_type),
            limit: state.config.max_upload_bytes,
        };
        match state.store.put_file(&actor, new, &bytes[..]).await {
            Ok(file) => {
                state
                    .store
                    .field_attachment_filed(s.id, &a.name, file.id)
                    .await?
            }
            // A file the store refuses (not an image or a PDF) stays kept with the submission.
            Err(StoreError::Invalid(e)) => {
                tracing::warn!(submission = %s.id, errors = ?e, "an attachment was not filed");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The three-way merge of `fields` (core's rule): the phone's values to write, by field; each
/// conflict joins `conflicts` with its three values.
fn merge<'f>(
    fields: &[&'f str],
    base: impl Fn(&str) -> String,
    mine: impl Fn(&str) -> String,
    theirs: impl Fn(&str) -> String,
    conflicts: &mut Vec<tabara_store::field::Conflict>,
) -> std::collections::BTreeMap<&'f str, String> {
    let mut changed = std::collections::BTreeMap::new();
    for &field in fields {
        let (b, m, t) = (base(field), mine(field), theirs(field));
        match fieldforms::three_way(&b, &m, &t) {
            fieldforms::Merge::Unchanged => {}
            fieldforms::Merge::Take => {
                changed.insert(field, m);
            }
            fieldforms::Merge::Conflict => conflicts.push(tabara_store::field::Conflict {
                field: field.to_string(),
                base: b,
                theirs: t,
                mine: m,
            }),
        }
    }
    changed
}

/// The person's answers an edit may change, by the form's path.
const EDITABLE: [&str; 7] = [
    "person/first_name",
    "person/second_name",
    "person/birthdate",
    "person/age",
    "person/age_uncertain",
    "person/gender",
    "person/citizenship",
];

/// A value as the comparison of an edit reads it: citizenships as a sorted set of codes, the
/// uncertainty of the age as yes or no, anything else trimmed.
fn normal(field: &str, value: &str) -> String {
    match field {
        "person/citizenship" => {
            let mut codes: Vec<String> = value
                .split([',', ';', ' '])
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect();
            codes.sort();
            codes.dedup();
            codes.join(";")
        }
        "person/age_uncertain" => if value.trim() == "yes" { "yes" } else { "no" }.to_string(),
        _ => value.trim().to_string(),
    }
}

/// A phone's edit (`meta/deprecatedID`) of a form Tabara recorded, applied field by field
/// against the values the phone's copy was filled from (the edited submission's): a field the
/// phone did not change is left as it is; one it changed is written when Tabara still holds
/// the value it was filled from; one changed in Tabara since is not overwritten, and the three
/// values are kept as a conflict. The person's fields go through the same rules as the web's.
async fn apply_edit(
    state: &AppState,
    s: &tabara_store::field::FieldSubmission,
    instance: &Instance,
    actor: &tabara_store::Actor,
) -> Result<Outcome, StoreError> {
    use tabara_core::Picklist as _;
    let invalid = |rule: &str, message: &str| {
        Ok(Outcome::Invalid(vec![Reason {
            field: "meta/deprecatedID".into(),
            rule: rule.into(),
            message: message.into(),
        }]))
    };
    let old_id = instance.deprecated_id.as_deref().unwrap_or("");
    let Some(old) = state.store.field_submission_by_instance(old_id).await? else {
        return invalid("unknown", "the edited form was not received");
    };
    let (Some(case_id), Some(person_id), SubmissionState::Accepted) =
        (old.case_id, old.person_id, old.state)
    else {
        return invalid("not_recorded", "the edited form was not recorded");
    };
    if old.organisation_id != s.organisation_id || old.form_id != instance.form_id {
        return invalid(
            "other_form",
            "the edited form is another agency's or another form",
        );
    }
    let base = match Instance::parse(&state.store.field_submission_xml_to_process(old.id).await?) {
        Ok(b) => b,
        Err(e) => return invalid(e.rule(), &e.to_string()),
    };
    state
        .store
        .set_submission_subject(s.id, case_id, person_id)
        .await?;
    let mut person = state.store.person(person_id).await?;
    let (mut identity, identity_version) = state.store.read_identity(actor, person_id).await?;
    let current = |field: &str| -> String {
        let f = &person.facts;
        let v = match field {
            "person/first_name" => identity.first_name.clone().unwrap_or_default(),
            "person/second_name" => identity.second_name.clone().unwrap_or_default(),
            "person/birthdate" => identity
                .birthdate
                .map(|d| d.to_string())
                .unwrap_or_default(),
            "person/age" => f
                .age_at_registration
                .map(|a| a.to_string())
                .unwrap_or_default(),
            "person/age_uncertain" => if f.age_uncertain { "yes" } else { "no" }.to_string(),
            "person/gender" => f.gender.value_name().to_string(),
            "person/citizenship" => f
                .citizenship
                .iter()
                .map(|c| c.code())
                .collect::<Vec<_>>()
                .join(";"),
            _ => String::new(),
        };
        normal(field, &v)
    };
    let mut conflicts = Vec::new();
    let changed = merge(
        &EDITABLE,
        |f| normal(f, base.get(f)),
        |f| normal(f, instance.get(f)),
        current,
        &mut conflicts,
    );
    // Any other answer the phone changed (the case, the victim, the screening's) is not
    // written from a phone: it is kept beside what Tabara holds, visible to the supervisor,
    // never dropped in silence.
    let paths: std::collections::BTreeSet<&String> =
        base.answers.keys().chain(instance.answers.keys()).collect();
    for path in paths {
        if EDITABLE.contains(&path.as_str())
            || CASE_EDITABLE.contains(&path.as_str())
            || path.ends_with("/consent_read")
        {
            continue;
        }
        let (b, m) = (base.get(path).trim(), instance.get(path).trim());
        if b != m {
            conflicts.push(tabara_store::field::Conflict {
                field: path.clone(),
                base: b.to_string(),
                theirs: b.to_string(),
                mine: m.to_string(),
            });
        }
    }
    let (case_write, victim_write) =
        match case_changes(state, case_id, person_id, &base, instance, &mut conflicts).await? {
            Ok(writes) => writes,
            Err(invalid) => return Ok(invalid),
        };
    if changed.is_empty() {
        write_case_changes(state, actor, case_id, person_id, case_write, victim_write).await?;
        return Ok(Outcome::Edited(conflicts));
    }
    let value = |field: &str| {
        changed
            .get(field)
            .cloned()
            .unwrap_or_else(|| current(field))
    };
    let form = tabara_core::records::PersonForm {
        first_name: value("person/first_name"),
        second_name: value("person/second_name"),
        birthdate: value("person/birthdate"),
        age: value("person/age"),
        age_uncertain: value("person/age_uncertain") == "yes",
        gender: value("person/gender"),
        citizenship: value("person/citizenship"),
        ..Default::default()
    };
    let (facts, checked) = match form.validate(person.facts.registered_on) {
        Ok(v) => v,
        Err(errors) => return Ok(Outcome::Invalid(reasons(&errors))),
    };
    person.facts.gender = facts.gender;
    person.facts.age_at_registration = facts.age_at_registration;
    person.facts.age_uncertain = facts.age_uncertain;
    person.facts.citizenship = facts.citizenship;
    identity.first_name = checked.first_name;
    identity.second_name = checked.second_name;
    identity.birthdate = checked.birthdate;
    state
        .store
        .update_person_with_identity(actor, &person, identity_version, &identity)
        .await?;
    write_case_changes(state, actor, case_id, person_id, case_write, victim_write).await?;
    Ok(Outcome::Edited(conflicts))
}

/// The case's and the victim's answers an edit may change.
const CASE_EDITABLE: [&str; 3] = [
    "case/opened_on",
    "victim/exploitation",
    "victim/trafficking_status",
];

/// What an edit changes of the case and of the victim's context, by the same three-way rule
/// as the person's fields, checked by core before anything is written; a conflict joins
/// `conflicts`.
async fn case_changes(
    state: &AppState,
    case_id: tabara_core::ids::CaseId,
    person_id: tabara_core::ids::PersonId,
    base: &Instance,
    mine: &Instance,
    conflicts: &mut Vec<tabara_store::field::Conflict>,
) -> Result<
    Result<
        (
            Option<tabara_core::records::Case>,
            Option<(i64, tabara_core::records::Involvement)>,
        ),
        Outcome,
    >,
    StoreError,
> {
    use tabara_core::Picklist as _;
    use tabara_core::htcds::{ExploitationType, TraffickingStatus};
    use tabara_core::records::Involvement;
    let mut case = state.store.case(case_id).await?;
    let involved = state
        .store
        .case_persons(case_id)
        .await?
        .into_iter()
        .find(|p| p.person.id == person_id);
    let victim = involved.as_ref().and_then(|p| match &p.involvement {
        Involvement::Victim(v) => Some(v.clone()),
        _ => None,
    });
    let current = |field: &str| -> String {
        match field {
            "case/opened_on" => case.facts.opened_on.to_string(),
            "victim/exploitation" => victim
                .as_ref()
                .map(|v| {
                    v.exploitation_types
                        .iter()
                        .map(|t| t.value_name())
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .unwrap_or_default(),
            "victim/trafficking_status" => victim
                .as_ref()
                .and_then(|v| v.trafficking_status)
                .map(|t| t.value_name().to_string())
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    let changed = merge(
        &CASE_EDITABLE,
        |f| base.get(f).trim().to_string(),
        |f| mine.get(f).trim().to_string(),
        current,
        conflicts,
    );
    let mut e = tabara_core::validation::ValidationErrors::default();
    let mut case_write = None;
    if let Some(day) = changed.get("case/opened_on") {
        match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(d) => {
                case.facts.opened_on = d;
                if let Err(v) = case.facts.validate(Utc::now().date_naive()) {
                    e.0.extend(v.0);
                }
                case_write = Some(case.clone());
            }
            Err(_) => e.push("cas_OpenedOn", "date", format!("'{day}' is not a date")),
        }
    }
    let mut victim_write = None;
    if let (Some(p), Some(mut v)) = (involved, victim)
        && (changed.contains_key("victim/exploitation")
            || changed.contains_key("victim/trafficking_status"))
    {
        if let Some(t) = changed.get("victim/exploitation") {
            match ExploitationType::parse(t) {
                Ok(t) => {
                    v.exploitation_types = Default::default();
                    v.exploitation_types.insert(t);
                }
                Err(err) => e.push("vic_TypeOfExploitation", "picklist", err.to_string()),
            }
        }
        if let Some(t) = changed.get("victim/trafficking_status") {
            if t.is_empty() {
                v.trafficking_status = None;
            } else {
                match TraffickingStatus::parse(t) {
                    Ok(t) => v.trafficking_status = Some(t),
                    Err(err) => e.push("vic_TraffickingStatus", "picklist", err.to_string()),
                }
            }
            v.decision_org = v
                .trafficking_status
                .map(|_| tabara_core::htcds::DecisionMakingOrg::Police);
        }
        victim_write = Some((p.version, Involvement::Victim(v)));
    }
    if !e.0.is_empty() {
        return Ok(Err(Outcome::Invalid(reasons(&e))));
    }
    Ok(Ok((case_write, victim_write)))
}

async fn write_case_changes(
    state: &AppState,
    actor: &tabara_store::Actor,
    case_id: tabara_core::ids::CaseId,
    person_id: tabara_core::ids::PersonId,
    case: Option<tabara_core::records::Case>,
    victim: Option<(i64, tabara_core::records::Involvement)>,
) -> Result<(), StoreError> {
    if let Some(c) = case {
        state.store.update_case(actor, &c).await?;
    }
    if let Some((version, involvement)) = victim {
        state
            .store
            .update_case_person(actor, case_id, person_id, version, &involvement)
            .await?;
    }
    Ok(())
}

fn refused(field: &str, rule: &str, message: &str) -> Outcome {
    Outcome::Invalid(vec![Reason {
        field: field.into(),
        rule: rule.into(),
        message: message.into(),
    }])
}

/// The person of a case a form is about (`subject/case_number`, `subject/person_name`): the
/// case as the account reaches it and may edit (out of reach reads as missing), and among its
/// persons whose identity the account may read the one whose first name is the one given (each
/// identity read audited); the submission then names them. Anything else is a reason, for the
/// supervisor.
async fn subject(
    state: &AppState,
    s: &tabara_store::field::FieldSubmission,
    instance: &Instance,
    actor: &tabara_store::Actor,
) -> Result<Result<(tabara_core::ids::CaseId, tabara_core::ids::PersonId), Outcome>, StoreError> {
    use tabara_core::permissions::{Action, decide, decide_identity};
    let user = &state.store.user(s.user_id).await?;
    let action = Action::EditCase;
    let missing = || {
        Ok(Err(refused(
            "subject/case_number",
            "not_found",
            "no case of this number within the account's reach",
        )))
    };
    let Some(number) =
        tabara_core::records::parse_case_reference(instance.get("subject/case_number"))
    else {
        return missing();
    };
    let case = match state.store.case_by_number(number).await {
        Ok(c) => c,
        Err(StoreError::NotFound { .. }) => return missing(),
        Err(e) => return Err(e),
    };
    let viewer = tabara_store::Viewer::from(user);
    let Some(relation) = state.store.relation(&viewer, case.id).await? else {
        return missing();
    };
    if !decide(user.role, Action::ReadCase, Some(relation)).allowed() {
        return missing();
    }
    if !decide(user.role, action, Some(relation)).allowed() {
        return Ok(Err(refused(
            "subject/case_number",
            "forbidden",
            "the account may not record this on the case",
        )));
    }
    let wanted = instance.get("subject/person_name").trim().to_lowercase();
    let mut found = Vec::new();
    for p in state.store.case_persons(case.id).await? {
        if !decide_identity(user.role, relation, p.involvement.role()).allowed() {
            continue;
        }
        let (identity, _) = state.store.read_identity(actor, p.person.id).await?;
        if identity
            .first_name
            .as_deref()
            .is_some_and(|n| n.trim().to_lowercase() == wanted)
        {
            found.push(p.person.id);
        }
    }
    Ok(match found.as_slice() {
        [one] => {
            state
                .store
                .set_submission_subject(s.id, case.id, *one)
                .await?;
            Ok((case.id, *one))
        }
        [] => Err(refused(
            "subject/person_name",
            "not_found",
            "no person of this first name in the case",
        )),
        _ => Err(refused(
            "subject/person_name",
            "ambiguous",
            "several persons of the case have this first name",
        )),
    })
}

/// A document check sent from a phone: the document recorded on the person as on the web (the
/// page's number and the zone checked by core, the lost list looked up, a hit alerted), with
/// the photo of its data page when it came with the form.
async fn record_document(
    state: &AppState,
    s: &tabara_store::field::FieldSubmission,
    instance: &Instance,
    actor: &tabara_store::Actor,
) -> Result<Outcome, StoreError> {
    let (case, person) = match subject(state, s, instance, actor).await? {
        Ok(found) => found,
        Err(outcome) => return Ok(outcome),
    };
    let form = tabara_core::documents::DocumentForm {
        doc_type: instance.get("document/doc_type"),
        number: instance.get("document/number"),
        issuing_state: instance.get("document/issuing_state"),
        zone: instance.get("document/zone"),
        notes: instance.get("document/notes"),
        ..Default::default()
    };
    let entry = match tabara_core::documents::DocumentEntry::parse(&form, Utc::now().date_naive()) {
        Ok(e) => e,
        Err(errors) => return Ok(Outcome::Invalid(reasons(&errors))),
    };
    // The photo, when it came with the form, goes to the person's files and is named by the
    // document.
    let named = instance.get("document/photo");
    let mut photo = None;
    if !named.is_empty()
        && let Some(a) = state
            .store
            .field_attachments(s.id)
            .await?
            .into_iter()
            .find(|a| a.name == named && a.file_id.is_none())
    {
        let bytes = state.store.field_attachment_bytes(s.id, &a.name).await?;
        let new = tabara_store::files::NewFile {
            case,
            person,
            purpose: tabara_core::files::FilePurpose::IdentityDocument,
            name: &a.name,
            declared_type: Some(&a.content_type),
            limit: state.config.max_upload_bytes,
        };
        match state.store.put_file(actor, new, &bytes[..]).await {
            Ok(file) => {
                state
                    .store
                    .field_attachment_filed(s.id, &a.name, file.id)
                    .await?;
                photo = Some(file.id);
            }
            Err(StoreError::Invalid(errors)) => return Ok(Outcome::Invalid(reasons(&errors))),
            Err(e) => return Err(e),
        }
    }
    match state
        .store
        .record_document(actor, case, person, &entry, photo)
        .await
    {
        Ok(_) => Ok(Outcome::Accepted),
        Err(StoreError::Invalid(errors)) => Ok(Outcome::Invalid(reasons(&errors))),
        Err(e) => Err(e),
    }
}

/// An urgent referral sent from a phone, with the consent that covers it: recorded and sent in
/// one transaction by the store's `refer`, as the web's form does, every rule of core's (the
/// consent must cover the referral; the addressed agency must offer the services).
async fn refer(
    state: &AppState,
    s: &tabara_store::field::FieldSubmission,
    instance: &Instance,
    actor: &tabara_store::Actor,
) -> Result<Outcome, StoreError> {
    use tabara_core::Picklist as _;
    use tabara_core::ids::{OrganisationId, ReferralConsentId, ReferralId};
    use tabara_core::picklist::ValueSet;
    use tabara_core::referral::{Consent, ConsentGiver, DataCategory, ServiceType, UrgencyReason};
    let (case, person) = match subject(state, s, instance, actor).await? {
        Ok(found) => found,
        Err(outcome) => return Ok(outcome),
    };
    let mut e = tabara_core::validation::ValidationErrors::default();
    fn set<T: tabara_core::Picklist>(
        e: &mut tabara_core::validation::ValidationErrors,
        field: &'static str,
        words: &str,
    ) -> ValueSet<T> {
        let mut out = ValueSet::new();
        for w in words.split_whitespace() {
            match T::parse(w) {
                Ok(v) => {
                    out.insert(v);
                }
                Err(err) => e.push(field, "picklist", err.to_string()),
            }
        }
        out
    }
    let directory = state.directory().await?;
    let recipient = instance
        .get("referral/agency")
        .parse::<uuid::Uuid>()
        .ok()
        .map(OrganisationId)
        .filter(|r| directory.organisations.iter().any(|o| o.id == *r));
    if recipient.is_none() {
        e.push("ref_Recipient", "required", "choose the agency referred to");
    }
    let services: ValueSet<ServiceType> =
        set(&mut e, "ref_Services", instance.get("referral/services"));
    let data: ValueSet<DataCategory> = set(&mut e, "ref_Data", instance.get("consent/categories"));
    let urgency: ValueSet<UrgencyReason> = set(
        &mut e,
        "ref_Urgency",
        instance.get("referral/urgency_reason"),
    );
    if services.is_empty() && !e.has("ref_Services") {
        e.push("ref_Services", "required", "choose the services asked for");
    }
    if data.is_empty() && !e.has("ref_Data") {
        e.push("ref_Data", "required", "choose the data shared");
    }
    if urgency.is_empty() && !e.has("ref_Urgency") {
        e.push("ref_Urgency", "required", "say why it is urgent");
    }
    let given_by = ConsentGiver::parse(instance.get("consent/given_by")).ok();
    if given_by.is_none() {
        e.push("con_GivenBy", "required", "say who gave the consent");
    }
    if instance.get("consent/consent") != "yes" {
        e.push(
            "con_Informed",
            "required",
            "the person is informed of the referral, the data shared and the right to withdraw",
        );
    }
    let (Some(recipient), Some(given_by), true) = (recipient, given_by, e.0.is_empty()) else {
        return Ok(Outcome::Invalid(reasons(&e)));
    };
    let consent = Consent {
        recipient,
        services: services.clone(),
        data: data.clone(),
        // Given when the officer finalised the form on the phone: the moment it was received
        // is the nearest the server knows.
        given_at: s.received_at,
        given_by,
        language: instance.get("consent/language").trim().to_lowercase(),
        witness: None,
        withdrawn_at: None,
    };
    let id = ReferralId(s.record_id.unwrap_or_else(uuid::Uuid::now_v7));
    // A claim taken again after a crash finds the referral it made.
    match state.store.referral(id).await {
        Ok(_) => return Ok(Outcome::Accepted),
        Err(StoreError::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let new = tabara_store::referrals::NewReferral {
        id,
        case_id: case,
        person_id: person,
        sender_id: s.organisation_id,
        recipient_id: recipient,
        services,
        data,
        urgency,
        answer_by: None,
    };
    let offered = state.store.offered_services(recipient).await?;
    let send = tabara_store::referrals::ReferralStep::Send {
        offered: &offered,
        deadlines: &state.config.deadlines,
    };
    match state
        .store
        .refer(
            actor,
            Some((ReferralConsentId::new(), &consent)),
            &new,
            Some(send),
        )
        .await
    {
        Ok(_) => Ok(Outcome::Accepted),
        Err(StoreError::Invalid(errors)) => Ok(Outcome::Invalid(reasons(&errors))),
        Err(e) => Err(e),
    }
}
