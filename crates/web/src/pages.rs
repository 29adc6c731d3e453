//! The pages. Each handler decides access with `tabara_core::permissions::decide` before it
//! reads a record; a record the user may not see answers exactly like a missing one (404).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_core::ids::{OfficeId, PersonId};
use tabara_core::permissions::{Action, Relation, decide, decide_identity};
use tabara_core::records::{Case, Involvement, Office, PersonIdentity, parse_case_reference};
use tabara_core::{Lang, Picklist, Role};
use tabara_store::{
    AuditEntry, CaseFilter, CasePerson, CaseShare, CaseSummary, HistoryEntry, PageRequest,
};

use crate::AppState;
use crate::auth::{CurrentUser, visitor_lang};
use crate::error::AppError;
use crate::view::{self, Chrome, render};

/// Rows per page of every list.
const PAGE_SIZE: i64 = 25;

/// `GET /healthz`: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers too.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.stats().await {
        Ok(_) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /static/tabara.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/tabara.css"),
    )
        .into_response()
}

/// Anything else.
pub async fn not_found(headers: HeaderMap) -> AppError {
    AppError::NotFound(visitor_lang(&headers))
}

#[derive(askama::Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    chrome: Chrome,
    assigned: Vec<CaseSummary>,
    recent: Vec<CaseSummary>,
    can_see_cases: bool,
}

/// `GET /`: the user's cases and the newest ones within their reach.
pub async fn dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let visible = CaseFilter {
        visible_to: Some(user.viewer.clone()),
        ..Default::default()
    };
    let recent = state
        .store
        .list_cases(
            &visible,
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await?
        .items;
    let assigned = state
        .store
        .list_cases(
            &CaseFilter {
                owner_id: Some(user.user.id),
                ..visible
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await?
        .items;
    let can_see_cases = decide(user.user.role, Action::ReadCase, Some(Relation::ANY)).allowed();
    Ok(render(&Dashboard {
        chrome: user.chrome("/"),
        assigned,
        recent,
        can_see_cases,
    }))
}

/// Filters of the case list, as they arrive from the form (empty strings are "any").
#[derive(Debug, Default, Deserialize)]
pub struct CaseListQuery {
    status: Option<String>,
    exploitation: Option<String>,
    office: Option<String>,
    from: Option<String>,
    to: Option<String>,
    after: Option<i64>,
    q: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "cases.html")]
struct CaseList {
    chrome: Chrome,
    cases: Vec<CaseSummary>,
    next_link: Option<String>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    exploitation_types: Vec<(&'static str, &'static str, bool)>,
    offices: Vec<(String, String, bool)>,
    from: String,
    to: String,
    filter_error: Option<String>,
    can_search: bool,
    q: String,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `GET /cases`: the cases within the user's reach, newest first, filtered, a page at a time.
pub async fn case_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CaseListQuery>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let mut filter = CaseFilter {
        visible_to: Some(user.viewer.clone()),
        ..Default::default()
    };
    let mut filter_error = None;
    // A value the list does not know is said, never silently ignored (the list would show
    // every case as if filtered).
    let mut unknown = false;
    filter.status = non_empty(&q.status).and_then(|s| {
        let v = CaseStatus::parse(s).ok();
        unknown |= v.is_none();
        v
    });
    filter.exploitation = non_empty(&q.exploitation).and_then(|s| {
        let v = ExploitationType::parse(s).ok();
        unknown |= v.is_none();
        v
    });
    if unknown {
        filter_error = Some(tabara_i18n::t!(lang, "cases-filter-unknown-value"));
    }
    filter.office_id = non_empty(&q.office).and_then(|s| s.parse::<OfficeId>().ok());
    let date = |s: &Option<String>| non_empty(s).map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"));
    match date(&q.from) {
        Some(Ok(d)) => filter.opened_from = Some(d),
        Some(Err(_)) => filter_error = Some(tabara_i18n::t!(lang, "cases-filter-bad-date")),
        None => {}
    }
    match date(&q.to) {
        Some(Ok(d)) => filter.opened_to = Some(d),
        Some(Err(_)) => filter_error = Some(tabara_i18n::t!(lang, "cases-filter-bad-date")),
        None => {}
    }
    // Searching by name reveals identities: only for roles that read some, and audited
    // (without the searched name, which is itself personal data). The store matches only the
    // persons whose identity the role reads (`CaseFilter::name` under `visible_to`).
    let can_search = decide(user.user.role, Action::ReadIdentity, Some(Relation::ANY)).allowed();
    let search = non_empty(&q.q).filter(|_| can_search).map(str::to_string);
    if let Some(name) = &search {
        state
            .store
            .record_event(
                &tabara_store::Actor::user(user.user.id),
                "person_identity.search",
                "search",
                String::new(),
            )
            .await?;
        filter.name = Some(name.clone());
    }
    let page = state
        .store
        .list_cases(
            &filter,
            PageRequest {
                after: q.after,
                limit: PAGE_SIZE,
            },
        )
        .await?;
    let directory = state.directory().await?;
    let offices: &[Office] = &directory.offices;
    let keep = |name: &str, value: &Option<String>| {
        non_empty(value)
            .map(|v| format!("&{name}={}", crate::view::url_encode(v)))
            .unwrap_or_default()
    };
    let next_link = page.next.map(|n| {
        format!(
            "/cases?after={n}{}{}{}{}{}{}",
            keep("q", &search),
            keep("status", &q.status),
            keep("exploitation", &q.exploitation),
            keep("office", &q.office),
            keep("from", &q.from),
            keep("to", &q.to)
        )
    });
    Ok(render(&CaseList {
        chrome: user.chrome("/cases"),
        cases: page.items,
        next_link,
        statuses: CaseStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label(lang), filter.status == Some(*s)))
            .collect(),
        exploitation_types: ExploitationType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label(lang), filter.exploitation == Some(*t)))
            .collect(),
        offices: offices
            .iter()
            .map(|o| {
                (
                    o.id.to_string(),
                    o.name.clone(),
                    filter.office_id == Some(o.id),
                )
            })
            .collect(),
        from: non_empty(&q.from).unwrap_or_default().to_string(),
        to: non_empty(&q.to).unwrap_or_default().to_string(),
        filter_error,
        can_search,
        q: search.unwrap_or_default(),
    }))
}

/// A case the user may read, with their relation to it; 404 otherwise (also for a case that
/// exists but is out of reach: the answer must not reveal it).
pub(crate) async fn readable_case(
    state: &AppState,
    user: &CurrentUser,
    reference: &str,
) -> Result<(Case, Relation), AppError> {
    let not_found = || AppError::NotFound(user.lang);
    let number = parse_case_reference(reference).ok_or_else(not_found)?;
    let case = match state.store.case_by_number(number).await {
        Ok(c) => c,
        Err(tabara_store::StoreError::NotFound { .. }) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let relation = state
        .store
        .relation(&user.viewer, case.id)
        .await?
        .ok_or_else(not_found)?;
    if !decide(user.user.role, Action::ReadCase, Some(relation)).allowed() {
        return Err(not_found());
    }
    Ok((case, relation))
}

struct PersonRow {
    id: PersonId,
    role: &'static str,
    /// The user may read this person's identity (`decide_identity`).
    identity: bool,
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
    shares: Vec<CaseShare>,
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

/// A change of the case in words: when, who, and each field with its old and new value.
struct HistoryRow {
    when: String,
    who: String,
    /// Whose involvement changed ("Person 2 (Victim)"); none for the case's own fields.
    subject: Option<String>,
    changes: Vec<FieldChange>,
}

struct FieldChange {
    label: String,
    old: String,
    new: String,
}

/// An audit entry about the case: number, when (microseconds), who, what (translated).
struct AuditRow {
    seq: i64,
    at_us: i64,
    who: String,
    what: String,
}

/// Entries of each list a case page shows (comments, history, audit trail), newest kept.
const RECENT: i64 = 100;

/// What the user typed in the case page's own forms (comment, share), re-shown with its error.
#[derive(Debug, Default)]
pub(crate) struct CaseForms {
    pub comment: String,
    pub comment_error: Option<String>,
    pub share_organisation: String,
    pub share_reason: String,
    pub share_may_edit: bool,
    pub share_error: Option<String>,
}

fn person_row(cp: &CasePerson, lang: Lang, role: Role, relation: Relation) -> PersonRow {
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
pub async fn case_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> Result<Response, AppError> {
    let (case, relation) = readable_case(&state, &user, &number).await?;
    case_page_with(&state, &user, case, relation, CaseForms::default()).await
}

/// The case page, with the state of its forms (422 when one of them has an error).
pub(crate) async fn case_page_with(
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
    let (persons, shares) = (details.persons, details.shares);
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
        shares,
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

/// Turns stored ids, value names and JSON into words of the user's language.
struct Words<'a> {
    lang: Lang,
    names: &'a std::collections::HashMap<String, String>,
    directory: &'a crate::Directory,
    /// Show old and new free texts (closure reason, referral details), not only that they
    /// changed.
    free_text: bool,
}

impl Words<'_> {
    fn t(&self, key: &str) -> String {
        tabara_i18n::catalogue().text(self.lang, key, &[])
    }

    /// Who: an account's display name, or the name of a system actor (`system:demo`).
    fn actor(&self, actor: &str) -> String {
        if let Some(name) = self.names.get(actor) {
            return name.clone();
        }
        match actor.strip_prefix("system:") {
            Some(system) => tabara_i18n::t!(self.lang, "actor-system", name = system),
            None => self.t("actor-unknown"),
        }
    }

    /// A change of a person's involvement (`{"involvement": [old, new]}`): the role, the
    /// trafficking status, the types of exploitation and the suspect's roles in words; any
    /// other detail only as changed.
    fn involvement_changes(&self, h: &HistoryEntry) -> Vec<FieldChange> {
        use tabara_core::records::Involvement;
        let pair = h.changes.get("involvement").and_then(|p| p.as_array());
        let parse = |v: &serde_json::Value| serde_json::from_value::<Involvement>(v.clone()).ok();
        let (Some(old), Some(new)) = (
            pair.and_then(|p| p.first()).and_then(parse),
            pair.and_then(|p| p.get(1)).and_then(parse),
        ) else {
            return vec![FieldChange {
                label: self.t("history-field-involvement"),
                old: String::new(),
                new: self.t("history-details-changed"),
            }];
        };
        let lang = self.lang;
        let labels = |items: Vec<&'static str>| {
            if items.is_empty() {
                "–".to_string()
            } else {
                items.join(", ")
            }
        };
        let mut out = Vec::new();
        let mut push = |key: &str, old: String, new: String| {
            if old != new {
                out.push(FieldChange {
                    label: self.t(key),
                    old,
                    new,
                });
            }
        };
        push(
            "history-field-role",
            old.role().label(lang).to_string(),
            new.role().label(lang).to_string(),
        );
        match (&old, &new) {
            (Involvement::Victim(a), Involvement::Victim(b)) => {
                let status = |s: Option<tabara_core::htcds::TraffickingStatus>| {
                    s.map(|s| s.label(lang).to_string())
                        .unwrap_or_else(|| "–".into())
                };
                push(
                    "history-field-trafficking-status",
                    status(a.trafficking_status),
                    status(b.trafficking_status),
                );
                push(
                    "history-field-exploitation-types",
                    labels(a.exploitation_types.iter().map(|t| t.label(lang)).collect()),
                    labels(b.exploitation_types.iter().map(|t| t.label(lang)).collect()),
                );
                let rest = |v: &tabara_core::records::VictimContext| {
                    let mut v = v.clone();
                    v.trafficking_status = None;
                    v.exploitation_types = Default::default();
                    v
                };
                if rest(a) != rest(b) {
                    push(
                        "history-field-victim-details",
                        String::new(),
                        self.t("history-details-changed"),
                    );
                }
            }
            (Involvement::Suspect(a), Involvement::Suspect(b)) => {
                push(
                    "history-field-suspect-roles",
                    labels(a.roles.iter().map(|r| r.label(lang)).collect()),
                    labels(b.roles.iter().map(|r| r.label(lang)).collect()),
                );
                if (a.role_details.as_ref(), a.organisation_id)
                    != (b.role_details.as_ref(), b.organisation_id)
                {
                    push(
                        "history-field-suspect-details",
                        String::new(),
                        self.t("history-details-changed"),
                    );
                }
            }
            _ => {}
        }
        out
    }

    fn history(&self, h: &HistoryEntry) -> HistoryRow {
        if h.changes.get("involvement").is_some() {
            return HistoryRow {
                when: view::format_datetime(self.lang, h.changed_at),
                who: self.actor(&h.actor),
                subject: None,
                changes: self.involvement_changes(h),
            };
        }
        let changes = match &h.changes {
            serde_json::Value::Object(fields) => fields
                .iter()
                .map(|(field, pair)| {
                    let (old, new) = match pair {
                        serde_json::Value::Array(p) if p.len() == 2 => (&p[0], &p[1]),
                        _ => (&serde_json::Value::Null, pair),
                    };
                    self.change(field, old, new)
                })
                .collect(),
            _ => Vec::new(),
        };
        HistoryRow {
            when: view::format_datetime(self.lang, h.changed_at),
            who: self.actor(&h.actor),
            subject: None,
            changes,
        }
    }

    /// One changed field of a case: its label and both values in words. Free texts (closure
    /// reason, referral details) are sensitive: without the right to read identities the
    /// history says they changed, not what to.
    fn change(&self, field: &str, old: &serde_json::Value, new: &serde_json::Value) -> FieldChange {
        let key = format!("history-field-{}", field.replace('_', "-"));
        let catalogue = tabara_i18n::catalogue();
        let label = if catalogue.has(Lang::En, &key) {
            self.t(&key)
        } else {
            field.replace('_', " ")
        };
        let free_text = matches!(field, "closure_reason" | "incoming_referral_details");
        let value = |v: &serde_json::Value| -> String {
            let Some(text) = v.as_str() else {
                return match v {
                    serde_json::Value::Null => "–".into(),
                    other => other.to_string(),
                };
            };
            if free_text && !self.free_text {
                return self.t("history-text-changed");
            }
            match field {
                "status" => CaseStatus::parse(text)
                    .map(|s| s.label(self.lang).to_string())
                    .unwrap_or_else(|_| text.to_string()),
                "incoming_referral_reason" => tabara_core::htcds::ReferralReason::parse(text)
                    .map(|s| s.label(self.lang).to_string())
                    .unwrap_or_else(|_| text.to_string()),
                "opened_on" | "closed_on" | "incoming_referral_date" => {
                    NaiveDate::parse_from_str(text, "%Y-%m-%d")
                        .map(|d| view::format_date(self.lang, d))
                        .unwrap_or_else(|_| text.to_string())
                }
                "owner_id" => self.actor(&format!("user:{text}")),
                "office_id" => self
                    .directory
                    .offices
                    .iter()
                    .find(|o| o.id.to_string() == text)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| self.t("history-unknown-record")),
                "referring_organisation_id" => self
                    .directory
                    .organisations
                    .iter()
                    .find(|o| o.id.to_string() == text)
                    .map(|o| o.name.clone())
                    .unwrap_or_else(|| self.t("history-unknown-record")),
                _ => text.to_string(),
            }
        };
        FieldChange {
            label,
            old: value(old),
            new: value(new),
        }
    }

    fn audit(&self, e: &AuditEntry) -> AuditRow {
        let key = format!("audit-action-{}", e.action.replace(['.', '_'], "-"));
        let what = if tabara_i18n::catalogue().has(Lang::En, &key) {
            self.t(&key)
        } else {
            e.action.clone()
        };
        AuditRow {
            seq: e.seq,
            at_us: e.at_us,
            who: self.actor(&e.actor),
            what,
        }
    }
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
}

/// `GET /cases/{number}/persons/{person}`: a person of a case. The identity is shown (and the
/// read audited) only when the role, the case and the person's role in it allow it.
pub async fn person_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((number, person)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (case, relation) = readable_case(&state, &user, &number).await?;
    let person_id: PersonId = person.parse().map_err(|_| AppError::NotFound(user.lang))?;
    let persons = state.store.case_persons(case.id).await?;
    let Some(cp) = persons.iter().find(|p| p.person.id == person_id) else {
        return Err(AppError::NotFound(user.lang));
    };
    // The identity depends on the person's role in the case too (a caseworker reads the
    // victims, a prosecutor the suspects and witnesses): read, and audited, only when allowed.
    let identity = if decide_identity(user.user.role, relation, cp.involvement.role()).allowed() {
        let actor = tabara_store::Actor::user(user.user.id);
        Some(state.store.read_identity(&actor, person_id).await?.0)
    } else {
        None
    };
    let page = PersonPage {
        chrome: user.chrome(&format!("/cases/{}/persons/{}", case.number, person_id)),
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
        screenings: crate::screening::person_history(&state, user.lang, person_id).await?,
        // Screening looks for a possible victim: offered for the victims of the case only.
        can_screen: decide(user.user.role, Action::EditCase, Some(relation)).allowed()
            && cp.involvement.role() == tabara_core::records::PersonRole::Victim,
        case,
    };
    Ok(render(&page))
}
