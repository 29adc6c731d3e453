//! The case page (facts, persons, comments, history, shares, audit trail, each list bounded)
//! and the page of one person of a case, whose identity is shown (and the read audited) only
//! when the role, the case and the person's role in it allow it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tabara_core::ids::PersonId;
use tabara_core::permissions::{Action, Relation, decide, decide_identity};
use tabara_core::records::{Case, Involvement, PersonIdentity};
use tabara_core::{Lang, Picklist, Role};
use tabara_store::{CasePerson, CaseShare};

use super::words::{AuditRow, HistoryRow, Words};
use crate::access::{CaseAccess, CasePersonAccess, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{self, Chrome, render};

pub(super) struct PersonRow {
    id: PersonId,
    role: &'static str,
    /// The user may read this person's identity (`decide_identity`).
    identity: bool,
    /// A victim of the case (who has a risk assessment).
    victim: bool,
    gender: &'static str,
    age: String,
    details: String,
}

#[derive(askama::Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    case: Case,
    organisation: String,
    office: String,
    persons: Vec<PersonRow>,
    comments: Vec<CommentRow>,
    history: Vec<HistoryRow>,
    /// Said under the persons when more than [`RECENT`] were read.
    persons_more: Option<String>,
    shares: Vec<CaseShare>,
    /// Said under the shares when more than [`RECENT`] were read.
    shares_more: Option<String>,
    audit: Option<Vec<AuditRow>>,
    /// The user may read the identity of some person of the case.
    can_read_identity: bool,
    can_edit: bool,
    can_comment: bool,
    can_share: bool,
    /// Agencies the case can be shared with (not the owner, not already shared).
    share_targets: Vec<(String, String)>,
    forms: CaseForms,
    /// Some list was cut at [`RECENT`] entries.
    truncated: bool,
}

/// A comment as the case page shows it: when, by whom (display name), what.
struct CommentRow {
    when: String,
    who: String,
    body: String,
}

/// Entries of each list a case page shows (comments, history, audit trail), newest kept.
const RECENT: i64 = 100;

/// What the user typed in the case page's own forms (comment, share), re-shown with its error.
#[derive(Debug, Default)]
pub(super) struct CaseForms {
    pub comment: String,
    pub comment_error: Option<String>,
    pub share_organisation: String,
    pub share_reason: String,
    pub share_may_edit: bool,
    pub share_error: Option<String>,
}

pub(super) fn person_row(cp: &CasePerson, lang: Lang, role: Role, relation: Relation) -> PersonRow {
    let f = &cp.person.facts;
    let details = match &cp.involvement {
        Involvement::Victim(v) => {
            let mut parts: Vec<&str> = v.exploitation_types.iter().map(|t| t.label(lang)).collect();
            if let Some(s) = v.trafficking_status {
                parts.push(s.label(lang));
            }
            parts.join(" · ")
        }
        Involvement::Suspect(p) => p
            .roles
            .iter()
            .map(|r| r.label(lang))
            .collect::<Vec<_>>()
            .join(" · "),
        Involvement::Witness | Involvement::Other => String::new(),
    };
    PersonRow {
        id: cp.person.id,
        role: cp.involvement.role().label(lang),
        identity: decide_identity(role, relation, cp.involvement.role()).allowed(),
        victim: matches!(cp.involvement, Involvement::Victim(_)),
        gender: f.gender.label(lang),
        age: f
            .age_at_registration
            .map(|a| format!("{a}{}", if f.age_uncertain { "~" } else { "" }))
            .unwrap_or_else(|| "?".into()),
        details,
    }
}

/// The newest [`RECENT`] entries of a list read with one more, noting when one was left out.
fn newest<T>(mut v: Vec<T>, truncated: &mut bool) -> Vec<T> {
    if v.len() as i64 > RECENT {
        *truncated = true;
        v.remove(0);
    }
    v
}

/// `GET /cases/{number}`.
pub(super) async fn case_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CaseAccess,
) -> Result<Response, AppError> {
    let CaseAccess { case, relation, .. } = access;
    case_page_with(&state, &user, case, relation, CaseForms::default()).await
}

/// The case page, with the state of its forms (422 when one of them has an error).
pub(super) async fn case_page_with(
    state: &AppState,
    user: &CurrentUser,
    case: Case,
    relation: Relation,
    forms: CaseForms,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let role = user.user.role;
    let audit_allowed = decide(role, Action::ReadCaseAudit, Some(relation)).allowed();
    let details = state.store.case_details(case.id, RECENT + 1).await?;
    let directory = state.directory().await?;
    let mut truncated = false;
    let words = Words {
        lang,
        names: &details.names,
        directory: &directory,
        // Free texts in the history are as sensitive as identities.
        free_text: decide(role, Action::ReadIdentity, Some(relation)).allowed(),
    };
    let comments = newest(details.comments, &mut truncated)
        .into_iter()
        .map(|c| CommentRow {
            when: view::format_datetime(lang, c.created_at),
            who: words.actor(&c.author),
            body: c.body,
        })
        .collect();
    // The case's own changes and those of its persons' involvement, in the order they were
    // made, the newest RECENT of them.
    let mut timeline: Vec<(chrono::DateTime<chrono::Utc>, HistoryRow)> =
        newest(details.history, &mut truncated)
            .iter()
            .map(|h| (h.changed_at, words.history(h)))
            .collect();
    for (person, h) in newest(details.involvement_history, &mut truncated) {
        let mut row = words.history(&h);
        row.subject = details
            .persons
            .iter()
            .position(|p| p.person.id == person)
            .map(|i| {
                tabara_i18n::t!(
                    lang,
                    "history-person",
                    number = (i + 1) as i64,
                    role = details.persons[i].involvement.role().label(lang)
                )
            });
        timeline.push((h.changed_at, row));
    }
    timeline.sort_by_key(|(at, _)| *at);
    if timeline.len() > RECENT as usize {
        truncated = true;
        timeline.drain(..timeline.len() - RECENT as usize);
    }
    let history: Vec<HistoryRow> = timeline.into_iter().map(|(_, row)| row).collect();
    let audit = audit_allowed.then(|| {
        newest(details.audit, &mut truncated)
            .iter()
            .map(|e| words.audit(e))
            .collect()
    });
    // Persons and shares are read with one more than shown, like the other lists.
    let more = |len: usize| {
        (len > RECENT as usize).then(|| tabara_i18n::t!(lang, "case-list-more", count = RECENT))
    };
    let (mut persons, mut shares) = (details.persons, details.shares);
    let (persons_more, shares_more) = (more(persons.len()), more(shares.len()));
    persons.truncate(RECENT as usize);
    shares.truncate(RECENT as usize);
    let (organisations, offices) = (&directory.organisations, &directory.offices);
    let can_share = decide(role, Action::ShareCase, Some(relation)).allowed();
    let share_targets = if can_share {
        organisations
            .iter()
            .filter(|o| {
                o.id != case.organisation_id && !shares.iter().any(|s| s.organisation_id == o.id)
            })
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect()
    } else {
        Vec::new()
    };
    let rows: Vec<PersonRow> = persons
        .iter()
        .map(|p| person_row(p, lang, role, relation))
        .collect();
    let can_read_identity = rows.iter().any(|r| r.identity);
    let status = if forms.comment_error.is_some() || forms.share_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CasePage {
        chrome: user.chrome(&format!("/cases/{}", case.number)),
        organisation: organisations
            .iter()
            .find(|o| o.id == case.organisation_id)
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        office: case
            .office_id
            .and_then(|id| offices.iter().find(|o| o.id == id))
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        persons: rows,
        comments,
        history,
        persons_more,
        shares,
        shares_more,
        audit,
        can_read_identity,
        can_edit: decide(role, Action::EditCase, Some(relation)).allowed(),
        can_comment: decide(role, Action::CommentCase, Some(relation)).allowed(),
        can_share,
        share_targets,
        forms,
        truncated,
        case,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(askama::Template)]
#[template(path = "person.html")]
struct PersonPage {
    chrome: Chrome,
    case: Case,
    person: PersonRow,
    citizenship: String,
    identity: Option<PersonIdentity>,
    person_id: PersonId,
    screenings: Vec<(tabara_core::ids::ScreeningId, String, String, String)>,
    can_screen: bool,
    /// The person's referrals: id, agency referred to, services, status.
    referrals: Vec<(String, String, String, String)>,
    /// A victim of a case the user may change is referred from this page.
    can_refer: bool,
    /// The person is on the child pathway.
    on_pathway: bool,
    /// The files about the person in this case.
    files: Vec<crate::files::FileRow>,
    /// The documents recorded on the person (linked for whom reads the identity).
    documents: Vec<crate::documents::records::DocRow>,
    /// The user may attach files (changes the case, and the person is not erased).
    can_upload: bool,
    /// The purposes a file may have: value name and label.
    purposes: Vec<(&'static str, &'static str)>,
    /// The upload limit in MB.
    upload_mb: String,
}

/// `GET /cases/{number}/persons/{person}`: a person of a case. The identity is shown (and the
/// read audited) only when the role, the case and the person's role in it allow it.
pub(super) async fn person_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let CasePersonAccess {
        case,
        relation,
        person: cp,
        ..
    } = access;
    let cp = &cp;
    let person_id = cp.person.id;
    // The identity depends on the person's role in the case too (a caseworker reads the
    // victims, a prosecutor the suspects and witnesses): read, and audited, only when allowed.
    let identity = if decide_identity(user.user.role, relation, cp.involvement.role()).allowed() {
        Some(state.store.read_identity(&user.actor(), person_id).await?.0)
    } else {
        None
    };
    let may_edit = decide(user.user.role, Action::EditCase, Some(relation)).allowed();
    let is_victim = cp.involvement.role() == tabara_core::records::PersonRole::Victim;
    let mut referrals = Vec::new();
    for r in state.store.case_referrals(case.id, person_id, 50).await? {
        // Only the referrals this agency sent (an incoming one is read from the inbox).
        if r.sender_id != user.user.organisation_id {
            continue;
        }
        referrals.push((
            r.id.to_string(),
            crate::referrals::organisation_name(&state, r.recipient_id).await?,
            crate::referrals::labels(&r.services, user.lang),
            r.state.label(user.lang).to_string(),
        ));
    }
    let chrome = user.chrome(&format!("/cases/{}/persons/{}", case.number, person_id));
    let stored = state.store.files_of(case.id, person_id).await?;
    let erased = state
        .store
        .erasure_of(person_id)
        .await?
        .is_some_and(|e| e.erased_at.is_some());
    let files = crate::files::rows(&state, &chrome, stored, identity.is_some()).await?;
    let documents = state
        .store
        .document_summaries(case.id, person_id)
        .await?
        .iter()
        .map(|d| crate::documents::records::doc_row(&chrome, user.lang, d, identity.is_some()))
        .collect();
    let page = PersonPage {
        documents,
        files,
        can_upload: may_edit && !erased,
        purposes: crate::files::purposes(user.lang),
        upload_mb: (state.config.max_upload_bytes / (1024 * 1024)).to_string(),
        chrome,
        person: person_row(cp, user.lang, user.user.role, relation),
        citizenship: cp
            .person
            .facts
            .citizenship
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", "),
        identity,
        person_id,
        screenings: crate::screening::history::person_history(&state, user.lang, person_id).await?,
        // Screening looks for a possible victim: offered for the victims of the case only.
        can_screen: may_edit && is_victim,
        referrals,
        can_refer: may_edit && is_victim,
        on_pathway: state
            .store
            .child_pathway(case.id, person_id)
            .await?
            .is_some(),
        case,
    };
    Ok(render(&page))
}
